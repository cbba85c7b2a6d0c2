package dev.vigil.sink.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.TestAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertAggregatorTest {

  private final TestAlerts.ManualClock clock = new TestAlerts.ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<Alert> out = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();

  private AlertAggregator aggregator(AggregationOptions o) {
    return new AlertAggregator(o, out::add, clock, metrics);
  }

  private static Alert same(int n) {
    return TestAlerts.alert("Terminal shell in container", "c0ffee000001", Priority.NOTICE,
        TestAlerts.T0.plusMillis(n), "bash", "bash -i");
  }

  @Test
  void thousandIdenticalEvents_yieldOneImmediateAlert_andOneSummaryWithCount999() {
    AlertAggregator agg = aggregator(AggregationOptions.defaults());
    for (int i = 0; i < 1000; i++) {
      agg.accept(same(i));
      clock.advance(Duration.ofMillis(10)); // 10 s in all, within the 60 s window
    }
    assertThat(out).hasSize(1);
    assertThat(out.get(0)).isEqualTo(same(0));
    agg.tick();
    assertThat(out).as("window still open").hasSize(1);

    clock.advance(Duration.ofSeconds(51));
    agg.tick();

    assertThat(out).hasSize(2);
    Alert s = out.get(1);
    assertThat(s.rule()).isEqualTo("Terminal shell in container");
    assertThat(s.priority()).isEqualTo(Priority.NOTICE);
    assertThat(s.outputFields().get(AlertAggregator.COUNT_FIELD)).isEqualTo(999L);
    assertThat(s.outputFields().get(AlertAggregator.FIRST_FIELD))
        .isEqualTo(FalcoJson.formatTime(TestAlerts.T0.plusMillis(1)));
    assertThat(s.outputFields().get(AlertAggregator.LAST_FIELD))
        .isEqualTo(FalcoJson.formatTime(TestAlerts.T0.plusMillis(999)));
    assertThat(s.output()).isEqualTo(same(999).output() + " (repeated 999 times between "
        + FalcoJson.formatTime(TestAlerts.T0.plusMillis(1)) + " and " + FalcoJson.formatTime(TestAlerts.T0.plusMillis(999))
        + ")");
    assertThat(s.time()).isEqualTo(TestAlerts.T0.plusMillis(999));
    assertThat(s.outputFields()).containsEntry("container.id", "c0ffee000001").containsEntry("proc.name", "bash");
    assertThat(FalcoJson.toJson(s)).contains("\"vigil.aggregate.count\":999");
    assertThat(metrics.count("vigil.aggregate.folded", "rule", "Terminal shell in container")).isEqualTo(999);
  }

  @Test
  void quietWindow_closesTheKey_andTheNextAlertGoesOutAtOnce() {
    AlertAggregator agg = aggregator(AggregationOptions.defaults());
    agg.accept(same(0));
    clock.advance(Duration.ofSeconds(61));
    agg.tick();
    assertThat(out).hasSize(1); // no repeats: no summary
    assertThat(agg.openKeys()).isZero();
    agg.accept(same(1));
    assertThat(out).hasSize(2);
    assertThat(out.get(1).outputFields()).doesNotContainKey(AlertAggregator.COUNT_FIELD);
  }

  @Test
  void continuingFlood_yieldsOneSummaryPerWindow() {
    AlertAggregator agg = aggregator(AggregationOptions.defaults());
    int n = 0;
    for (int second = 0; second < 180; second++) { // 3 minutes, 5 alerts a second
      for (int k = 0; k < 5; k++) {
        agg.accept(same(n++));
      }
      clock.advance(Duration.ofSeconds(1));
      agg.tick();
    }
    assertThat(out).hasSize(1 + 3);
    long total = 1;
    for (Alert a : out.subList(1, out.size())) {
      total += (Long) a.outputFields().get(AlertAggregator.COUNT_FIELD);
    }
    assertThat(total).isEqualTo(900);
  }

  @Test
  void lateTick_windowClosedByTheNextAlertOfTheKey() {
    AlertAggregator agg = aggregator(AggregationOptions.defaults());
    agg.accept(same(0));
    agg.accept(same(1));
    clock.advance(Duration.ofSeconds(70)); // no tick ran
    agg.accept(same(2));
    assertThat(out).hasSize(2);
    assertThat(out.get(1).outputFields().get(AlertAggregator.COUNT_FIELD)).isEqualTo(1L);
    // the flood goes on in a new window: same(2) was folded into it
    clock.advance(Duration.ofSeconds(61));
    agg.tick();
    assertThat(out).hasSize(3);
    assertThat(out.get(2).outputFields().get(AlertAggregator.COUNT_FIELD)).isEqualTo(1L);
  }

  @Test
  void defaultKey_isRuleContainerAndIdenticalOutput() {
    AlertAggregator agg = aggregator(AggregationOptions.defaults());
    agg.accept(TestAlerts.alert("Shell", "aaa", Priority.NOTICE, TestAlerts.T0, "sh", "sh"));
    agg.accept(TestAlerts.alert("Shell", "bbb", Priority.NOTICE, TestAlerts.T0, "sh", "sh")); // other container
    agg.accept(TestAlerts.alert("Other", "aaa", Priority.NOTICE, TestAlerts.T0, "sh", "sh")); // other rule
    agg.accept(TestAlerts.alert("Shell", "aaa", Priority.NOTICE, TestAlerts.T0, "bash", "bash")); // other output
    agg.accept(TestAlerts.alert("Shell", "aaa", Priority.NOTICE, TestAlerts.T0.plusSeconds(1), "sh", "sh")); // fold
    assertThat(out).extracting(Alert::rule).containsExactly("Shell", "Shell", "Other", "Shell");
    assertThat(agg.openKeys()).isEqualTo(4);
  }

  @Test
  void configuredKeyFields_replaceTheOutputText_emptyListFoldsTheWholeRulePerContainer() {
    AggregationOptions o = new AggregationOptions(Duration.ofSeconds(60), 100,
        Map.of("Drift", new AggregationOptions.RuleAggregation(null, List.of("proc.name")),
            "Any", new AggregationOptions.RuleAggregation(null, List.of())), Set.of());
    AlertAggregator agg = aggregator(o);
    agg.accept(TestAlerts.alert("Drift", "aaa", Priority.NOTICE, TestAlerts.T0, "sh", "sh"));
    agg.accept(TestAlerts.alert("Drift", "aaa", Priority.NOTICE, TestAlerts.T0, "bash", "bash")); // key differs
    agg.accept(TestAlerts.alert("Drift", "aaa", Priority.NOTICE, TestAlerts.T0, "bash", "bash -c x")); // folded
    agg.accept(TestAlerts.alert("Any", "aaa", Priority.NOTICE, TestAlerts.T0, "a", "a"));
    agg.accept(TestAlerts.alert("Any", "aaa", Priority.NOTICE, TestAlerts.T0, "b", "b")); // folded
    agg.accept(TestAlerts.alert("Any", "bbb", Priority.NOTICE, TestAlerts.T0, "b", "b")); // other container
    assertThat(out).extracting(a -> a.rule() + "/" + a.outputFields().get("proc.cmdline"))
        .containsExactly("Drift/sh", "Drift/bash", "Any/a", "Any/b");
  }

  @Test
  void perRuleWindow_andNeverList() {
    AggregationOptions o = new AggregationOptions(Duration.ofSeconds(60), 100,
        Map.of("Fast", new AggregationOptions.RuleAggregation(Duration.ofSeconds(5), List.of()),
            "Off", new AggregationOptions.RuleAggregation(Duration.ZERO, List.of())),
        Set.of("Never"));
    AlertAggregator agg = aggregator(o);
    for (String rule : List.of("Fast", "Off", "Never", "Slow")) {
      for (int i = 0; i < 3; i++) {
        agg.accept(TestAlerts.alert(rule, "c", Priority.WARNING, TestAlerts.T0.plusMillis(i), "x", "x"));
      }
    }
    assertThat(out).extracting(Alert::rule).containsExactly("Fast", "Off", "Off", "Off", "Never", "Never",
        "Never", "Slow");
    clock.advance(Duration.ofSeconds(6));
    agg.tick();
    assertThat(out).hasSize(9);
    assertThat(out.get(8).rule()).isEqualTo("Fast");
    assertThat(out.get(8).outputFields().get(AlertAggregator.COUNT_FIELD)).isEqualTo(2L);
    clock.advance(Duration.ofSeconds(60));
    agg.tick();
    assertThat(out.get(9).rule()).isEqualTo("Slow");
  }

  @Test
  void zeroDefaultWindow_turnsAggregationOff() {
    AlertAggregator agg = aggregator(AggregationOptions.off());
    for (int i = 0; i < 10; i++) {
      agg.accept(same(i));
    }
    assertThat(out).hasSize(10);
    assertThat(agg.openKeys()).isZero();
  }

  @Test
  void tooManyOpenKeys_oldestClosedEarly_withItsSummary_andCounted() {
    AlertAggregator agg = aggregator(new AggregationOptions(Duration.ofSeconds(60), 3, Map.of(), Set.of()));
    agg.accept(TestAlerts.alert("R", "c1", Priority.WARNING, TestAlerts.T0, "x", "x"));
    agg.accept(TestAlerts.alert("R", "c1", Priority.WARNING, TestAlerts.T0.plusSeconds(1), "x", "x"));
    agg.accept(TestAlerts.alert("R", "c2", Priority.WARNING, TestAlerts.T0, "x", "x"));
    agg.accept(TestAlerts.alert("R", "c3", Priority.WARNING, TestAlerts.T0, "x", "x"));
    assertThat(out).hasSize(3);
    agg.accept(TestAlerts.alert("R", "c4", Priority.WARNING, TestAlerts.T0, "x", "x"));
    assertThat(agg.openKeys()).isEqualTo(3);
    assertThat(out).hasSize(5);
    assertThat(out.get(3).outputFields()).containsEntry("container.id", "c1")
        .containsEntry(AlertAggregator.COUNT_FIELD, 1L);
    assertThat(out.get(4).outputFields()).containsEntry("container.id", "c4");
    assertThat(metrics.count("vigil.aggregate.evicted", "reason", "max_keys")).isEqualTo(1);
  }

  @Test
  void close_sendsPendingSummaries() {
    AlertAggregator agg = aggregator(AggregationOptions.defaults());
    for (int i = 0; i < 5; i++) {
      agg.accept(same(i));
    }
    agg.close();
    assertThat(out).hasSize(2);
    assertThat(out.get(1).outputFields().get(AlertAggregator.COUNT_FIELD)).isEqualTo(4L);
  }

  @Test
  void ticker_closesWindowsOnItsOwn() throws Exception {
    AlertAggregator agg = new AlertAggregator(new AggregationOptions(Duration.ofMillis(200), 10, Map.of(),
        Set.of()), a -> {
          synchronized (out) {
            out.add(a);
          }
        }, java.time.Clock.systemUTC(), metrics);
    agg.start(Duration.ofMillis(50));
    try {
      agg.accept(same(0));
      agg.accept(same(1));
      long end = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < end) {
        synchronized (out) {
          if (out.size() == 2) {
            break;
          }
        }
        Thread.sleep(20);
      }
      synchronized (out) {
        assertThat(out).hasSize(2);
        assertThat(out.get(1).outputFields().get(AlertAggregator.COUNT_FIELD)).isEqualTo(1L);
      }
    } finally {
      agg.close();
    }
  }
}
