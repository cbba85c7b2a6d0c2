package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR008;
import static dev.vigil.rules.lang.DiagnosticCode.VR115;
import static dev.vigil.rules.lang.DiagnosticCode.VR118;
import static dev.vigil.rules.lang.DiagnosticCode.VR120;
import static dev.vigil.rules.lang.DiagnosticCode.VW010;
import static dev.vigil.rules.lang.DiagnosticCode.VW011;
import static dev.vigil.rules.lang.DiagnosticCode.VW020;

import dev.vigil.alert.OutputTemplate;
import dev.vigil.alert.Priority;
import dev.vigil.event.Capability;
import dev.vigil.rules.field.FieldTable;
import dev.vigil.rules.lang.ConditionParser;
import dev.vigil.rules.lang.Expr;
import dev.vigil.rules.lang.FieldRef;
import dev.vigil.rules.lang.Operand;
import dev.vigil.rules.lang.ParseException;
import dev.vigil.rules.lang.Pos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Second stage of loading: turns read definitions into compiled rules. Lists are expanded (cycles reported),
 * conditions parsed and exceptions appended as {@code and not (...)}, macros inlined as shared compiled predicates,
 * output templates checked, and each rule indexed by the {@code evt.type} values its condition allows. Rules that
 * need a field, operator, source or event type that no running sensor provides load disabled with a warning
 * naming it. Stateless; each call is independent.
 */
public final class RuleCompiler {

  /** What to compile against and which rules the user switched off. */
  public record Options(Set<Capability> capabilities, List<String> disabledRules, List<String> disabledTags,
      Priority minPriority) {

    public Options {
      capabilities = Set.copyOf(capabilities);
      disabledRules = List.copyOf(disabledRules);
      disabledTags = List.copyOf(disabledTags);
    }

    public static Options defaults() {
      return new Options(Capability.dockerSensors(), List.of(), List.of(), Priority.DEBUG);
    }
  }

  private RuleCompiler() {}

  public static LoadResult compile(Defs.Collected defs, FieldTable table, Options opts) {
    List<Diagnostic> diags = new ArrayList<>(defs.diagnostics());
    Map<String, List<String>> lists = expandLists(defs.lists(), diags);
    Macros macros = new Macros(defs.macros(), diags);
    ExprCompiler compiler = new ExprCompiler(table, opts.capabilities(), lists, macros);
    List<CompiledRule> out = new ArrayList<>();
    for (Defs.RuleDef r : defs.rules()) {
      CompiledRule c = compileRule(r, table, opts, compiler, macros, lists, diags);
      if (c != null) {
        out.add(c);
      }
    }
    for (Defs.MacroDef m : defs.macros()) {
      if (!macros.used().contains(m.name())) {
        diags.add(new Diagnostic(VW020, m.origin().file(), m.origin().pos(),
            "macro '" + m.name() + "' is not used by any rule"));
      }
    }
    return new LoadResult(out, diags, compiler.slots());
  }

  private static CompiledRule compileRule(Defs.RuleDef r, FieldTable table, Options opts, ExprCompiler compiler,
      Macros macros, Map<String, List<String>> lists, List<Diagnostic> diags) {
    String file = r.origin().file();
    // Positions in the condition and exceptions may lie in other files than the rule's (appends, overrides).
    AstPositions positions = new AstPositions();
    ExprCompiler.Scope s = new ExprCompiler.Scope("rule '" + r.name() + "'", file, positions.sink(diags));
    Priority priority;
    try {
      priority = Priority.parse(r.priority() == null ? "" : r.priority());
    } catch (IllegalArgumentException e) {
      s.error(VR120, r.origin().pos(), e.getMessage());
      priority = Priority.DEBUG;
    }
    Expr cond;
    try {
      cond = positions.toFile(ConditionParser.parse(r.condition()), r.conditionMap());
    } catch (ParseException ex) {
      Defs.Origin at = ex.pos() == null ? r.conditionOrigin() : r.conditionMap().toFile(ex.pos());
      diags.add(new Diagnostic(ex.code(), at.file(), at.pos(), "rule '" + r.name() + "': " + ex.getMessage()));
      return null;
    }
    Expr full = withExceptions(cond, r, s, positions);
    Cond c = compiler.compile(full, s);

    Map<String, FieldAccessor> outputFields = new LinkedHashMap<>();
    OutputTemplate template = OutputTemplate.parse(r.output() == null ? "" : r.output());
    for (String f : template.fields()) {
      outputFields.put(f, outputAccessor(f, r, table, compiler, diags));
    }

    String source = r.source() == null ? "syscall" : r.source();
    Set<String> sourceTypes = FieldTable.SOURCE_TYPES.get(source);
    Set<String> types = new LinkedHashSet<>();
    String disabled = null;
    if (sourceTypes == null) {
      disabled = "source '" + source + "' is not supported by Vigil";
    } else {
      Set<String> constrained = EventTypes.of(full, macros, lists);
      Set<String> wanted = constrained == null ? sourceTypes : constrained;
      Set<String> unseen = new LinkedHashSet<>();
      for (String t : wanted) {
        if (FieldTable.EVENT_TYPES.containsKey(t) && opts.capabilities().contains(FieldTable.EVENT_TYPES.get(t))) {
          types.add(t);
        } else {
          unseen.add(t);
        }
      }
      if (types.isEmpty()) {
        disabled = "no running sensor produces evt.type " + String.join(", ", unseen);
      }
    }
    if (s.broken) {
      return null;
    }
    if (disabled == null && !s.unsupported.isEmpty()) {
      disabled = "uses " + String.join(", ", s.unsupported);
    }
    CompiledRule rule = new CompiledRule(r.name(), r.desc() == null ? "" : r.desc(), priority, r.tags(), source,
        template, outputFields, types, c, r.origin(), r.enabled(), r.enabled() ? "" : "enabled: false");
    if (disabled != null) {
      if (!r.skipIfUnknownFilter() || !disabled.contains("not supported")) {
        diags.add(new Diagnostic(VW010, file, r.origin().pos(), "rule '" + r.name() + "' disabled: "
            + disabled));
      }
      return rule.disabled(disabled);
    }
    String userOff = userDisabled(rule, opts);
    return userOff == null ? rule : rule.disabled(userOff);
  }

  private static String userDisabled(CompiledRule rule, Options opts) {
    if (!rule.enabled()) {
      return null;
    }
    for (String sub : opts.disabledRules()) {
      if (rule.name().contains(sub)) {
        return "disabled by --disable-rule " + sub;
      }
    }
    for (String tag : opts.disabledTags()) {
      if (rule.tags().contains(tag)) {
        return "disabled by --disable-tag " + tag;
      }
    }
    if (!rule.priority().atLeast(opts.minPriority())) {
      return "below --min-priority " + opts.minPriority().label();
    }
    return null;
  }

  private static FieldAccessor outputAccessor(String f, Defs.RuleDef r, FieldTable table, ExprCompiler compiler,
      List<Diagnostic> diags) {
    FieldRef ref;
    try {
      ref = ConditionParser.parseField(f);
    } catch (ParseException e) {
      diags.add(new Diagnostic(VW011, r.origin().file(), r.origin().pos(), "rule '" + r.name()
          + "': output field '%" + f + "' cannot be read; it prints <NA>"));
      return null;
    }
    if (table.find(ref.name()).isEmpty()) {
      if (FieldTable.isFalcoClass(ref.name())) {
        return null; // a Falco field Vigil lacks prints <NA>, as Falco prints fields it cannot extract
      }
      diags.add(new Diagnostic(VR118, r.origin().file(), r.origin().pos(), "rule '" + r.name()
          + "': unknown field '%" + f + "' in output"));
      return null;
    }
    ExprCompiler.Scope quiet = new ExprCompiler.Scope("rule '" + r.name() + "' output", r.origin().file(), diags);
    return compiler.accessor(ref, quiet);
  }

  /** {@code cond and not (exception or exception ...)}, one exception being an OR of its value rows. */
  private static Expr withExceptions(Expr cond, Defs.RuleDef r, ExprCompiler.Scope s, AstPositions positions) {
    List<Expr> excluded = new ArrayList<>();
    for (Defs.ExceptionDef x : r.exceptions()) {
      // Everything an exception adds is reported where the exception is written (maybe another file).
      Pos at = positions.remember(x.origin());
      List<FieldRef> fields = new ArrayList<>();
      for (String f : x.fields()) {
        try {
          fields.add(ConditionParser.parseField(f));
        } catch (ParseException e) {
          s.error(VR008, at, "exception '" + x.name() + "': bad field '" + f + "': " + e.getMessage());
          return cond;
        }
      }
      if (x.singleField()) {
        List<Operand.Value> items = new ArrayList<>();
        for (List<Object> row : x.values()) {
          for (Object v : row) {
            items.add(new Operand.Value(String.valueOf(v), false, at));
          }
        }
        if (!items.isEmpty()) {
          excluded.add(new Expr.Compare(relocate(fields.get(0), at), x.comps().get(0),
              new Operand.ListValue(items, at), at));
        }
        continue;
      }
      for (List<Object> row : x.values()) {
        List<Expr> terms = new ArrayList<>();
        for (int i = 0; i < fields.size() && i < row.size(); i++) {
          Object v = row.get(i);
          Operand operand;
          if (v instanceof List<?> l) {
            operand = new Operand.ListValue(l.stream().map(o -> new Operand.Value(String.valueOf(o), false, at))
                .toList(), at);
          } else {
            operand = new Operand.Value(String.valueOf(v), true, at);
          }
          terms.add(new Expr.Compare(relocate(fields.get(i), at), x.comps().get(i), operand, at));
        }
        excluded.add(terms.size() == 1 ? terms.get(0) : new Expr.And(terms, at));
      }
    }
    if (excluded.isEmpty()) {
      return cond;
    }
    Expr any = excluded.size() == 1 ? excluded.get(0) : new Expr.Or(excluded, cond.pos());
    return new Expr.And(List.of(cond, new Expr.Not(any, cond.pos())), cond.pos());
  }

  private static FieldRef relocate(FieldRef f, Pos at) {
    return new FieldRef(f.name(), f.arg(), f.transformers(), at);
  }

  /** Expands list items that name other lists; strips quotes Falco rule authors put around items. */
  static Map<String, List<String>> expandLists(List<Defs.ListDef> defs, List<Diagnostic> diags) {
    Map<String, Defs.ListDef> byName = new HashMap<>();
    for (Defs.ListDef l : defs) {
      byName.put(l.name(), l);
    }
    Map<String, List<String>> out = new HashMap<>();
    for (Defs.ListDef l : defs) {
      out.put(l.name(), expand(l, byName, new HashSet<>(), diags));
    }
    return out;
  }

  private static List<String> expand(Defs.ListDef l, Map<String, Defs.ListDef> byName, Set<String> visiting,
      List<Diagnostic> diags) {
    if (!visiting.add(l.name())) {
      diags.add(new Diagnostic(VR115, l.origin().file(), l.origin().pos(), "list '" + l.name()
          + "' refers to itself through " + String.join(" -> ", visiting)));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String item : l.items()) {
      Defs.ListDef inner = byName.get(item);
      if (inner != null && !inner.name().equals(l.name())) {
        out.addAll(expand(inner, byName, visiting, diags));
      } else {
        out.add(unquote(item));
      }
    }
    visiting.remove(l.name());
    return out;
  }

  static String unquote(String s) {
    if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
