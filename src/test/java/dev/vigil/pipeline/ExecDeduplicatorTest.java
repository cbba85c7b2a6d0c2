package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecDeduplicatorTest {

  private static final ContainerRef C = new ContainerRef("c1", "web", "img", "1", "");
  private static final Instant T = Instant.parse("2026-11-29T08:00:00Z");

  private static ProcessExec exec(String sensor, ExecOrigin origin, String execId, int secondsLater) {
    return new ProcessExec(T.plusSeconds(secondsLater), C, sensor, 0, 0, "wget", "", List.of("wget", "x"), -1, "",
        "", origin, execId);
  }

  @Test
  void dockerExecSeenByEventsThenByPolling_secondIsDuplicate() {
    ExecDeduplicator d = new ExecDeduplicator();
    assertThat(d.isDuplicate(exec("docker.events", ExecOrigin.DOCKER_EXEC, "e1", 0))).isFalse();
    assertThat(d.isDuplicate(exec("docker.top", ExecOrigin.DOCKER_EXEC, "", 1))).isTrue();
  }

  @Test
  void kernelSensorFirst_thenEngineEvent_engineEventIsDuplicate() {
    ExecDeduplicator d = new ExecDeduplicator();
    assertThat(d.isDuplicate(exec("kernel.proc", ExecOrigin.DOCKER_EXEC, "", 0))).isFalse();
    assertThat(d.isDuplicate(exec("docker.events", ExecOrigin.DOCKER_EXEC, "e1", 0))).isTrue();
  }

  @Test
  void sameSensorTwice_isNotADuplicate_twoRealExecs() {
    ExecDeduplicator d = new ExecDeduplicator();
    assertThat(d.isDuplicate(exec("docker.events", ExecOrigin.DOCKER_EXEC, "e1", 0))).isFalse();
    assertThat(d.isDuplicate(exec("docker.events", ExecOrigin.DOCKER_EXEC, "e2", 1))).isFalse();
  }

  @Test
  void afterTheWindow_orForProcessesOfTheContainerItself_nothingIsDropped() {
    ExecDeduplicator d = new ExecDeduplicator();
    assertThat(d.isDuplicate(exec("docker.events", ExecOrigin.DOCKER_EXEC, "e1", 0))).isFalse();
    assertThat(d.isDuplicate(exec("docker.top", ExecOrigin.DOCKER_EXEC, "", 11))).isFalse();
    assertThat(d.isDuplicate(exec("docker.top", ExecOrigin.CONTAINER, "", 12))).isFalse();
    assertThat(d.isDuplicate(exec("kernel.proc", ExecOrigin.CONTAINER, "", 12))).isFalse();
  }
}
