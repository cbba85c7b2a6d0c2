package dev.vigil.rules;

import dev.vigil.alert.StandardFields;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.Event;
import dev.vigil.rules.field.FieldTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The enabled rules of a load, indexed by {@code evt.type}: an event is tested only against the rules whose
 * condition allows its type, in definition order. With an evaluation budget, the time spent on one event is read
 * from the given clock before each rule after the first; once it passed the budget, the event's remaining rules are
 * skipped ({@link #skipped()}), so no event can hold the dispatch thread for long however slow its values are to
 * match. The first event of each type is not budgeted: its evaluation loads and first runs the matchers' code (seen:
 * over 25 ms for the first container event of a fresh agent, so a configuration rule of a container found at start
 * was skipped). Not thread-safe (it owns the evaluation context): one instance per dispatch thread.
 */
public final class RuleSet {

  /** Told about each rule an event matched. */
  @FunctionalInterface
  public interface MatchListener {
    void matched(CompiledRule rule, Map<String, Object> outputFields);
  }

  private static final CompiledRule[] NONE = new CompiledRule[0];

  private final Map<String, CompiledRule[]> byType = new HashMap<>();
  /** Event types evaluated once already, from when the budget applies to them. */
  private final java.util.Set<String> warm = new java.util.HashSet<>();
  private final EvalContext ctx;
  private final int size;
  private final long budgetNanos;
  private final LongSupplier nanoClock;
  private int skipped;
  private long lastNanos;

  /** Without an evaluation budget: every rule of the event's type is evaluated. */
  public RuleSet(LoadResult loaded, ContainerDirectory directory) {
    this(loaded, directory, 0, System::nanoTime);
  }

  /**
   * @param budgetNanos the most time one event's evaluation may take before its remaining rules are skipped; 0 for
   *     no budget
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; a test's clock in tests)
   */
  public RuleSet(LoadResult loaded, ContainerDirectory directory, long budgetNanos, LongSupplier nanoClock) {
    this.budgetNanos = budgetNanos;
    this.nanoClock = nanoClock;
    Map<String, List<CompiledRule>> index = new HashMap<>();
    int n = 0;
    for (CompiledRule r : loaded.enabled()) {
      n++;
      for (String t : r.eventTypes()) {
        index.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
      }
    }
    index.forEach((t, rs) -> byType.put(t, rs.toArray(NONE)));
    this.size = n;
    this.ctx = new EvalContext(directory, loaded.fieldSlots());
  }

  /** Number of enabled rules. */
  public int size() {
    return size;
  }

  /** Rules indexed under an event type (for tests and `vigil rules list`). */
  public int rulesFor(String evtType) {
    return byType.getOrDefault(evtType, NONE).length;
  }

  /** Tests the event against the rules of its type; calls {@code listener} for each match. Returns matches. */
  public int evaluate(Event e, MatchListener listener) {
    skipped = 0;
    lastNanos = 0;
    String type = FieldTable.eventType(e);
    CompiledRule[] rules = byType.get(type);
    if (rules == null) {
      return 0;
    }
    ctx.reset(e);
    boolean budgeted = budgetNanos > 0 && (warm.contains(type) || !warm.add(type));
    long start = budgetNanos > 0 ? nanoClock.getAsLong() : 0;
    int matches = 0;
    for (int i = 0; i < rules.length; i++) {
      if (i > 0 && budgeted && nanoClock.getAsLong() - start > budgetNanos) {
        skipped = rules.length - i;
        break;
      }
      CompiledRule r = rules[i];
      if (r.condition().test(ctx)) {
        matches++;
        listener.matched(r, outputFields(r));
      }
    }
    lastNanos = budgetNanos > 0 ? nanoClock.getAsLong() - start : 0;
    return matches;
  }

  /** Rules of the last evaluated event skipped because its evaluation passed the budget; 0 when none were. */
  public int skipped() {
    return skipped;
  }

  /** How long the last event's evaluation took, by the budget's clock (0 without a budget). */
  public long lastNanos() {
    return lastNanos;
  }

  /** The container fields every alert carries, then the fields the rule's output names (null when missing). */
  private Map<String, Object> outputFields(CompiledRule r) {
    Event e = ctx.event();
    Map<String, Object> f = StandardFields.of(e.time(), FieldTable.eventType(e), e.container());
    for (Map.Entry<String, FieldAccessor> x : r.outputFields().entrySet()) {
      FieldAccessor a = x.getValue();
      Object v = a == null ? null : ctx.value(a);
      f.put(x.getKey(), v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : v);
    }
    return f;
  }
}
