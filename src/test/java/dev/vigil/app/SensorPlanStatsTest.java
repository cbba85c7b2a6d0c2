package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.Capability;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which sensor samples resource usage: kernel.cgroup where it can run, docker.stats as its fallback. */
class SensorPlanStatsTest {

  private static final Set<String> OTHER_KERNEL = Set.of(SensorPlan.PROC, SensorPlan.FANOTIFY, SensorPlan.NET);

  @Test
  void cgroupUnavailable_dockerStatsPollsAsTheNamedFallback() {
    SensorPlan plan = new SensorPlan(Map.of(SensorPlan.CGROUP, "unknown cgroup layout under /sys/fs/cgroup"),
        Set.of(), Set.of(Capability.STATS));

    assertThat(plan.runs(SensorPlan.CGROUP)).isFalse();
    assertThat(plan.statsPollNeeded()).isTrue();
    assertThat(plan.degradedLines()).containsExactly("sensor kernel.cgroup unavailable: unknown cgroup layout under "
        + "/sys/fs/cgroup; docker.stats polls the Engine API for resource samples instead (costs the agent and "
        + "dockerd CPU)");
  }

  @Test
  void cgroupRunning_noStatsPoll() {
    SensorPlan plan = new SensorPlan(Map.of(), Set.of(), Set.of(Capability.STATS));

    assertThat(plan.runs(SensorPlan.CGROUP)).isTrue();
    assertThat(plan.statsPollNeeded()).isFalse();
    assertThat(plan.degradedLines()).isEmpty();
  }

  @Test
  void statsCapability_fromEitherSensor_goneWithBoth() {
    Set<String> noCgroup = new java.util.HashSet<>(OTHER_KERNEL);
    noCgroup.add(SensorPlan.CGROUP);
    SensorPlan polled = SensorPlan.probe(noCgroup);
    assertThat(polled.statsPollNeeded()).isTrue();
    assertThat(polled.capabilities()).contains(Capability.STATS);

    Set<String> neither = new java.util.HashSet<>(noCgroup);
    neither.add("docker.stats");
    assertThat(SensorPlan.probe(neither).capabilities()).doesNotContain(Capability.STATS);
  }

  @Test
  void cgroupIsADisableableSensorName() {
    assertThat(SensorPlan.ALL).contains("kernel.cgroup");
    assertThat(MonitorCommand.SENSORS).contains("kernel.cgroup");
  }
}
