package dev.vigil.rules;

import dev.vigil.rules.lang.Expr;
import dev.vigil.rules.lang.Operand;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code evt.type} values a condition can match, so rules are indexed by type and an event only meets rules
 * that can match it. {@code null} means "not constrained". Conservative: a {@code not} or an unrecognised check
 * never narrows the set.
 */
final class EventTypes {

  private EventTypes() {}

  static Set<String> of(Expr e, Macros macros, Map<String, List<String>> lists) {
    return of(e, macros, lists, new HashSet<>());
  }

  private static Set<String> of(Expr e, Macros macros, Map<String, List<String>> lists, Set<String> visiting) {
    if (e instanceof Expr.And a) {
      Set<String> acc = null;
      for (Expr t : a.terms()) {
        Set<String> ts = of(t, macros, lists, visiting);
        if (ts != null) {
          if (acc == null) {
            acc = new LinkedHashSet<>(ts);
          } else {
            acc.retainAll(ts);
          }
        }
      }
      return acc;
    }
    if (e instanceof Expr.Or o) {
      Set<String> acc = new LinkedHashSet<>();
      for (Expr t : o.terms()) {
        Set<String> ts = of(t, macros, lists, visiting);
        if (ts == null) {
          return null;
        }
        acc.addAll(ts);
      }
      return acc;
    }
    if (e instanceof Expr.MacroRef m) {
      Expr body = macros.parsed(m.name());
      if (body == null || !visiting.add(m.name())) {
        return null;
      }
      try {
        return of(body, macros, lists, visiting);
      } finally {
        visiting.remove(m.name());
      }
    }
    if (e instanceof Expr.Compare c && c.field().name().equals("evt.type") && c.field().transformers().isEmpty()) {
      if ((c.op().equals("=") || c.op().equals("==")) && c.value() instanceof Operand.Value v) {
        return Set.of(v.text());
      }
      if (c.op().equals("in") && c.value() instanceof Operand.ListValue l) {
        Set<String> out = new LinkedHashSet<>();
        for (Operand.Value i : l.items()) {
          List<String> named = i.quoted() ? null : lists.get(i.text());
          if (named != null) {
            out.addAll(named);
          } else {
            out.add(i.text());
          }
        }
        return out;
      }
    }
    return null;
  }
}
