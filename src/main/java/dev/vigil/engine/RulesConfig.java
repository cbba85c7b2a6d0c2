package dev.vigil.engine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * The {@code rules} section of the configuration file: how rule evaluation is bounded. Immutable.
 *
 * <pre>{@code
 * rules:
 *   evaluation_budget: 50ms   # the most one event's rule evaluation may take; its remaining rules are skipped
 * }</pre>
 *
 * @param evaluationBudget past this much time on one event, the event's remaining rules are skipped, the overrun
 *     counted ({@code vigil.rules.budget_overruns}) and alerted; {@code 0s} turns the budget off
 */
public record RulesConfig(
    @JsonProperty("evaluation_budget") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration evaluationBudget) {

  /**
   * 50 ms: the built-in rules take about 1 µs on an ordinary event, so only a hostile one comes near it, and a thread
   * descheduled on a busy host rarely passes it (rules skipped for that would be detection lost).
   */
  public static final Duration DEFAULT_BUDGET = Duration.ofMillis(50);

  public RulesConfig {
    evaluationBudget = evaluationBudget == null ? DEFAULT_BUDGET : evaluationBudget;
    if (evaluationBudget.isNegative() || evaluationBudget.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("rules.evaluation_budget must be between 0s and 10s, not "
          + DurationText.format(evaluationBudget));
    }
  }

  /** The defaults: a budget of {@link #DEFAULT_BUDGET}. */
  public static RulesConfig defaults() {
    return new RulesConfig(null);
  }
}
