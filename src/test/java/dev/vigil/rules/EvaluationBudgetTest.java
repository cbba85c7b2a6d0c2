package dev.vigil.rules;

import static dev.vigil.rules.RuleTestKit.compile;
import static dev.vigil.rules.RuleTestKit.exec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-event evaluation budget of {@link RuleSet}: past it, the event's remaining rules are skipped. */
class EvaluationBudgetTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Five rules that all match {@code sh}, in this order. */
  private static final LoadResult FIVE = compile(IntStream.rangeClosed(1, 5).mapToObj(i -> """
      - rule: r%d
        desc: d
        condition: evt.type = execve and proc.name = sh
        output: o
        priority: WARNING
      """.formatted(i)).collect(Collectors.joining()));

  /** A clock that moves {@code step} nanoseconds every time it is read, as if each rule were that slow. */
  private static LongSupplier slowClock(long step) {
    long[] now = {0};
    return () -> now[0] += step;
  }

  /** A set whose first exec (not budgeted: it loads the matchers' code) was evaluated already. */
  private static RuleSet warmed(RuleSet set) {
    evaluate(set);
    return set;
  }

  private static List<String> evaluate(RuleSet set) {
    List<String> matched = new ArrayList<>();
    set.evaluate(exec("sh", "sh", "-c", "id"), (r, f) -> matched.add(r.name()));
    return matched;
  }

  @Test
  void slowRules_pastTheBudget_skipTheEventsRemainingRules_inDefinitionOrder() {
    // Reads: start 10, before r2 20, before r3 30, before r4 40: 30 ms spent, past 25 ms: r4 and r5 skipped.
    RuleSet set = warmed(new RuleSet(FIVE, null, 25 * MS, slowClock(10 * MS)));

    assertThat(evaluate(set)).containsExactly("r1", "r2", "r3");
    assertThat(set.skipped()).isEqualTo(2);
    assertThat(set.lastNanos()).isEqualTo(40 * MS);
  }

  @Test
  void theFirstEventOfAType_isNotBudgeted_itLoadsTheMatchersCode() {
    RuleSet set = new RuleSet(FIVE, null, 25 * MS, slowClock(10 * MS));

    assertThat(evaluate(set)).as("first exec").hasSize(5);
    assertThat(set.skipped()).isZero();
    assertThat(evaluate(set)).as("second exec").containsExactly("r1", "r2", "r3");
  }

  @Test
  void fastRules_withinTheBudget_areAllEvaluated_andTheNextEventStartsAfresh() {
    RuleSet slow = warmed(new RuleSet(FIVE, null, 25 * MS, slowClock(10 * MS)));
    evaluate(slow);
    assertThat(evaluate(slow)).as("a new budget per event").containsExactly("r1", "r2", "r3");

    RuleSet fast = warmed(new RuleSet(FIVE, null, 25 * MS, slowClock(MS)));
    assertThat(evaluate(fast)).containsExactly("r1", "r2", "r3", "r4", "r5");
    assertThat(fast.skipped()).isZero();
  }

  @Test
  void noBudget_evaluatesEveryRule_howeverSlowTheClock() {
    RuleSet set = warmed(new RuleSet(FIVE, null, 0, slowClock(1000 * MS)));

    assertThat(evaluate(set)).hasSize(5);
    assertThat(set.skipped()).isZero();
  }

  @Test
  void theFirstRule_alwaysRuns_evenWithABudgetAlreadySpent() {
    RuleSet set = warmed(new RuleSet(FIVE, null, 1, slowClock(10 * MS)));

    assertThat(evaluate(set)).containsExactly("r1");
    assertThat(set.skipped()).isEqualTo(4);
  }
}
