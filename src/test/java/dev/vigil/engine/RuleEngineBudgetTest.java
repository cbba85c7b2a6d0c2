package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.event.Capability;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleCompiler;
import dev.vigil.rules.RulesLoader;
import dev.vigil.rules.RulesReader;
import dev.vigil.rules.field.FieldTable;
import dev.vigil.sink.TestAlerts.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An event whose rule evaluation passes the budget: its remaining rules are skipped, the overrun is counted per
 * container and raised, at most once a second, as the built-in "Rule evaluation over budget" alert.
 */
class RuleEngineBudgetTest {

  private static final ContainerRef SLOW = new ContainerRef("aaaaaaaaaaaa", "slow", "vigil-test/busybox", "1", "");
  private static final LoadResult BUILTIN = RuleCompiler.compile(RulesReader.read(List.of(RulesLoader.builtin())),
      FieldTable.standard(), new RuleCompiler.Options(Capability.all(), List.of(), List.of(), Priority.DEBUG));

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T23:00:00Z"));
  private final Metrics metrics = Metrics.inMemory();
  private final List<Alert> alerts = new ArrayList<>();
  /** Every read of the budget's clock is 10 ms later: each rule looks 10 ms slow. */
  private final long[] nanos = {0};
  private final RuleEngine engine = new RuleEngine(BUILTIN, null, new RulesConfig(Duration.ofMillis(25)), metrics,
      clock, () -> nanos[0] += 10_000_000L);

  private static ProcessExec exec(String... argv) {
    return new ProcessExec(Instant.EPOCH, SLOW, "test", 4321, 1, argv[0], "", List.of(argv), 0, "root", "",
        ExecOrigin.CONTAINER, "", List.of());
  }

  @Test
  void overrun_isCountedPerContainer_andAlertedOnce_thenAtMostOnceASecond() {
    engine.process(exec("sh", "-c", "id"), alerts::add); // the first exec is not budgeted (it loads the code)
    assertThat(engine.overruns()).isZero();
    alerts.clear();
    engine.process(exec("sh", "-c", "id"), alerts::add);

    assertThat(metrics.count("vigil.rules.budget_overruns", "container", "slow")).isEqualTo(1);
    assertThat(alerts).filteredOn(a -> a.rule().equals("Rule evaluation over budget")).singleElement()
        .satisfies(a -> {
          assertThat(a.output()).contains("container=slow").contains("count=1").contains("budget of 25 ms")
              .contains("execve");
          assertThat(a.priority()).isEqualTo(Priority.WARNING);
        });

    alerts.clear();
    engine.process(exec("sh", "-c", "id"), alerts::add);
    engine.process(exec("sh", "-c", "id"), alerts::add);
    assertThat(metrics.count("vigil.rules.budget_overruns", "container", "slow")).isEqualTo(3);
    assertThat(alerts).as("within the second: counted, not alerted")
        .noneMatch(a -> a.rule().equals("Rule evaluation over budget"));

    clock.advance(Duration.ofSeconds(1));
    engine.process(exec("sh", "-c", "id"), alerts::add);
    assertThat(alerts).filteredOn(a -> a.rule().equals("Rule evaluation over budget")).singleElement()
        .satisfies(a -> assertThat(a.output()).contains("count=3"));
    assertThat(engine.overruns()).isEqualTo(4);
  }

  @Test
  void noBudget_noOverrun() {
    RuleEngine unbounded = new RuleEngine(BUILTIN, null, new RulesConfig(Duration.ZERO), metrics, clock,
        () -> nanos[0] += 10_000_000L);
    unbounded.process(exec("sh", "-c", "id"), alerts::add);

    assertThat(unbounded.overruns()).isZero();
    assertThat(alerts).noneMatch(a -> a.rule().equals("Rule evaluation over budget"));
  }
}
