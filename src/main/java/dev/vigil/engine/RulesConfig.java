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
 *   evaluation_budget: 250ms  # the most one event's rule evaluation may take; its remaining rules are skipped
 * }</pre>
 *
 * @param evaluationBudget past this much time on one event, the event's remaining rules are skipped, the overrun
 *     counted ({@code vigil.rules.budget_overruns}) and alerted; {@code 0s} turns the budget off
 */
public record RulesConfig(
    @JsonProperty("evaluation_budget") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration evaluationBudget) {

  /**
   * 250 ms. The work per event is bounded by RE2 and the input cuts (the worst hostile event of issue 11 takes about
   * 8 ms); the budget is the backstop, measured in wall time, so a garbage collection or a descheduled thread counts
   * too, and rules it skips are detection lost: at 50 ms, a 10,000-line log burst on a loaded 2-core host had rules
   * skipped (AlertDeliveryIT), at 25 ms so did a fresh agent's first container event.
   */
  public static final Duration DEFAULT_BUDGET = Duration.ofMillis(250);

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
