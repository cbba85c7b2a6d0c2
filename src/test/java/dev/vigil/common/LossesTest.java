package dev.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LossesTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Metrics metrics = new Metrics(registry);
  private final Losses losses = new Losses(registry, 1_000);

  private static Losses.Entry entry(Losses.Snapshot s, String sensor, String kind) {
    return s.entries().stream().filter(e -> e.sensor().equals(sensor) && e.kind().equals(kind)).findFirst()
        .orElseThrow(() -> new AssertionError("no entry " + sensor + "/" + kind + " in " + s.entries()));
  }

  private double published(String sensor, String kind) {
    FunctionCounter c = registry.find(Losses.METRIC).tag("sensor", sensor).tag("kind", kind).functionCounter();
    assertThat(c).as("vigil.losses{%s,%s}", sensor, kind).isNotNull();
    return c.count();
  }

  @Test
  void everyRowOfTheTable_isReadFromItsSourceCounter_andPublishedAsVigilLosses() {
    metrics.counter("vigil.proc.lost", "sensor", "kernel.proc").increment(1168);
    metrics.counter("vigil.proc.vanished", "sensor", "kernel.proc").increment(5524);
    metrics.counter("vigil.sensor.overflow", "sensor", "kernel.fanotify").increment(2);
    metrics.counter("vigil.log.skipped.ms", "sensor", "docker.logs").increment(12_500);
    metrics.counter("vigil.record.dropped", "sensor", "recorder").increment(3);

    Losses.Snapshot s = losses.tick(5_000);

    assertThat(entry(s, "kernel.proc", "overflow").total()).isEqualTo(1168);
    assertThat(entry(s, "kernel.proc", "unreadable").total()).isEqualTo(5524);
    assertThat(entry(s, "kernel.fanotify", "overflow").total()).isEqualTo(2);
    assertThat(entry(s, "docker.logs", "backlog_skipped").unit()).isEqualTo("milliseconds");
    assertThat(entry(s, "recorder", "dropped").total()).isEqualTo(3);
    assertThat(s.total("kernel.proc")).isEqualTo(1168 + 5524);
    assertThat(published("kernel.proc", "overflow")).isEqualTo(1168);
    assertThat(published("kernel.proc", "unreadable")).isEqualTo(5524);
    metrics.counter("vigil.proc.lost", "sensor", "kernel.proc").increment(2);
    assertThat(published("kernel.proc", "overflow")).as("the metric reads the source live").isEqualTo(1170);
  }

  @Test
  void queueDrops_areOneEntryPerSensorThatHasTheCounter() {
    metrics.counter("vigil.events.dropped", "sensor", "kernel.proc").increment(7);
    metrics.counter("vigil.events.dropped", "sensor", "docker.events").increment(1);
    metrics.counter("vigil.events.dropped", "sensor", "docker.logs"); // exists, nothing lost

    Losses.Snapshot s = losses.tick(1);

    assertThat(entry(s, "kernel.proc", "queue_full").total()).isEqualTo(7);
    assertThat(entry(s, "docker.events", "queue_full").total()).isEqualTo(1);
    assertThat(entry(s, "docker.logs", "queue_full").total()).isZero();
    assertThat(published("docker.events", "queue_full")).isEqualTo(1);
    assertThat(s.entries()).noneMatch(e -> e.sensor().equals(Losses.EACH_SENSOR));
  }

  @Test
  void budgetOverruns_areSummedOverWhateverTagTheRuleEngineUses() {
    registry.counter("vigil.rules.budget_overruns", "rule", "a").increment(2);
    registry.counter("vigil.rules.budget_overruns", "rule", "b").increment(3);
    assertThat(entry(losses.tick(1), "rules", "budget_overrun").total()).isEqualTo(5);
  }

  @Test
  void degraded_whileAlossGrewWithinTheLastTwoIntervals_thenNotAnyMore() {
    var lost = metrics.counter("vigil.proc.lost", "sensor", "kernel.proc");
    assertThat(losses.tick(1_000).degraded()).as("nothing lost").isFalse();
    lost.increment(40);
    Losses.Snapshot t2 = losses.tick(2_000);
    assertThat(t2.degraded()).isTrue();
    assertThat(t2.reasons()).containsExactly("kernel.proc overflow: 40 events in the last 2s");
    assertThat(entry(t2, "kernel.proc", "overflow").recent()).isEqualTo(40);
    Losses.Snapshot t3 = losses.tick(3_000);
    assertThat(t3.degraded()).as("one interval later the loss is still in the window").isTrue();
    assertThat(entry(t3, "kernel.proc", "overflow").recent()).isEqualTo(40);
    Losses.Snapshot t4 = losses.tick(4_000);
    assertThat(t4.degraded()).as("two intervals without a loss").isFalse();
    assertThat(entry(t4, "kernel.proc", "overflow").recent()).isZero();
    assertThat(entry(t4, "kernel.proc", "overflow").total()).isEqualTo(40);
    lost.increment();
    assertThat(losses.tick(5_000).degraded()).isTrue();
    assertThat(losses.latest().at()).isEqualTo(5_000);
  }

  @Test
  void cutLogLines_areCountedButDoNotDegrade() {
    metrics.counter("vigil.log.truncated", "sensor", "docker.logs").increment(9);
    Losses.Snapshot s = losses.tick(1);
    assertThat(entry(s, "docker.logs", "line_cut").recent()).isEqualTo(9);
    assertThat(s.degraded()).isFalse();
  }

  @Test
  void table_hasOneRowPerSensorAndKind_andTheDocTableNamesEveryRow() {
    Set<String> keys = new HashSet<>();
    for (Losses.Row r : Losses.TABLE) {
      assertThat(keys.add(r.sensor() + "/" + r.kind())).as(r.sensor() + "/" + r.kind()).isTrue();
      assertThat(r.kind()).matches("[a-z_]+");
      assertThat(r.description()).isNotBlank().doesNotContain("|").doesNotContain("\n");
      assertThat(Losses.markdownTable()).contains("`" + r.kind() + "`").contains("`" + r.source());
    }
  }

  @Test
  void aContainerFanotifyCannotWatch_degrades_whileAFailedPollIsCountedOnly() {
    losses.tick(0);
    metrics.counter("vigil.poll.failures", "sensor", "kernel.cgroup").increment(4);
    Losses.Snapshot polls = losses.tick(1_000);
    assertThat(entry(polls, "kernel.cgroup", "poll_failed").total()).isEqualTo(4);
    assertThat(polls.degraded()).as("a container stopping mid-poll fails the same way").isFalse();

    metrics.counter("vigil.fanotify.unwatched", "sensor", "kernel.fanotify").increment();
    Losses.Snapshot unwatched = losses.tick(2_000);
    assertThat(entry(unwatched, "kernel.fanotify", "unwatched").total()).isEqualTo(1);
    assertThat(unwatched.degraded()).isTrue();
    assertThat(unwatched.reasons()).anyMatch(r -> r.contains("kernel.fanotify") && r.contains("unwatched"));
  }
}
