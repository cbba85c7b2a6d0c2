package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.SensorNotice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lost events are an alert, through the same rules path as everything else; attempt counters are not. */
class SensorHealthRuleTest {

  private final RuleEngine engine = new RuleEngine(DefaultRulesFixture.ALL, null);

  private List<Alert> run(String what) {
    List<Alert> out = new ArrayList<>();
    engine.process(new SensorNotice(Instant.parse("2026-11-29T08:00:00Z"), ContainerRef.HOST, "kernel.fanotify",
        what, 42, "kernel queue overflowed"), out::add);
    return out;
  }

  @Test
  void overflowAndUnreadableAndDropped_alertWithSensorCountAndDetail() {
    for (String what : List.of("overflow", "unreadable", "dropped")) {
      List<Alert> alerts = run(what);
      assertThat(alerts).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo("Sensor lost events");
        assertThat(a.source()).isEqualTo("vigil");
        assertThat(a.output()).contains("sensor=kernel.fanotify", "what=" + what, "count=42",
            "detail=kernel queue overflowed");
        assertThat(a.tags()).contains("T1562.006");
      });
    }
  }

  @Test
  void connectAttemptCountersAndDegradedNotices_doNotAlert() {
    assertThat(run("connect_attempts")).isEmpty();
    assertThat(run("degraded")).isEmpty();
  }
}
