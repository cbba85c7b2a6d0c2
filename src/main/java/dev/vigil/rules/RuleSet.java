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

/**
 * The enabled rules of a load, indexed by {@code evt.type}: an event is tested only against the rules whose
 * condition allows its type, in definition order. Not thread-safe (it owns the evaluation context): one instance
 * per dispatch thread.
 */
public final class RuleSet {

  /** Told about each rule an event matched. */
  @FunctionalInterface
  public interface MatchListener {
    void matched(CompiledRule rule, Map<String, Object> outputFields);
  }

  private static final CompiledRule[] NONE = new CompiledRule[0];

  private final Map<String, CompiledRule[]> byType = new HashMap<>();
  private final EvalContext ctx;
  private final int size;

  public RuleSet(LoadResult loaded, ContainerDirectory directory) {
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
    CompiledRule[] rules = byType.get(FieldTable.eventType(e));
    if (rules == null) {
      return 0;
    }
    ctx.reset(e);
    int matches = 0;
    for (CompiledRule r : rules) {
      if (r.condition().test(ctx)) {
        matches++;
        listener.matched(r, outputFields(r));
      }
    }
    return matches;
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
