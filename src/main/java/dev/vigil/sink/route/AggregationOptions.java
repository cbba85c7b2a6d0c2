package dev.vigil.sink.route;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link AlertAggregator} folds repeated alerts. Immutable.
 *
 * @param window default window: repeats within it after the first alert of a key are folded into one follow-up;
 *     {@link Duration#ZERO} turns aggregation off for rules without their own setting. Default 60 s.
 * @param maxKeys the most keys with an open window; beyond it the oldest is closed early (its follow-up sent)
 * @param rules per rule name: its own window and extra key fields
 * @param never rule names never aggregated (every alert goes out as it is)
 */
public record AggregationOptions(Duration window, int maxKeys, Map<String, RuleAggregation> rules,
    Set<String> never) {

  /** The default window, 60 s. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
  /** The default bound on open keys. */
  public static final int DEFAULT_MAX_KEYS = 10_000;

  /**
   * One rule's setting.
   *
   * @param window its window, or null for the default; ZERO: never aggregate this rule
   * @param key output fields that, with rule and container id, make the key (e.g. {@code proc.name}); an empty
   *     list folds every alert of the rule in a container; null (the default) folds only alerts with the same
   *     output text
   */
  public record RuleAggregation(Duration window, List<String> key) {
    public RuleAggregation {
      key = key == null ? null : List.copyOf(key);
      if (window != null && window.isNegative()) {
        throw new IllegalArgumentException("an aggregation window must not be negative (got " + window + ")");
      }
    }
  }

  public AggregationOptions {
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("the aggregation window must not be negative (got " + window + ")");
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("max_keys must be at least 1 (got " + maxKeys + ")");
    }
    rules = Map.copyOf(rules);
    never = Set.copyOf(never);
  }

  /** 60 s for every rule, 10,000 open keys. */
  public static AggregationOptions defaults() {
    return new AggregationOptions(DEFAULT_WINDOW, DEFAULT_MAX_KEYS, Map.of(), Set.of());
  }

  /** No aggregation at all. */
  public static AggregationOptions off() {
    return new AggregationOptions(Duration.ZERO, DEFAULT_MAX_KEYS, Map.of(), Set.of());
  }

  /** The window for a rule: ZERO when it is not aggregated. */
  public Duration windowFor(String rule) {
    if (never.contains(rule)) {
      return Duration.ZERO;
    }
    RuleAggregation r = rules.get(rule);
    return r != null && r.window() != null ? r.window() : window;
  }

  /** The key fields of a rule, or null when its alerts are keyed by their output text (the default). */
  public List<String> keyFor(String rule) {
    RuleAggregation r = rules.get(rule);
    return r == null ? null : r.key();
  }
}
