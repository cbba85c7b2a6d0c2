package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR112;
import static dev.vigil.rules.lang.DiagnosticCode.VR113;
import static dev.vigil.rules.lang.DiagnosticCode.VR114;
import static dev.vigil.rules.lang.DiagnosticCode.VR116;
import static dev.vigil.rules.lang.DiagnosticCode.VR117;
import static dev.vigil.rules.lang.DiagnosticCode.VR119;
import static dev.vigil.rules.lang.DiagnosticCode.VR121;

import com.google.re2j.Pattern;
import dev.vigil.event.Capability;
import dev.vigil.rules.field.FieldDef;
import dev.vigil.rules.field.FieldTable;
import dev.vigil.rules.field.FieldType;
import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.rules.lang.Expr;
import dev.vigil.rules.lang.FieldRef;
import dev.vigil.rules.lang.Operand;
import dev.vigil.rules.lang.Pos;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles condition ASTs (positions already in file coordinates) to {@link Cond} predicates against the field
 * table: fields resolved, values converted once, lists expanded into hash sets, macros compiled once and shared.
 * A user error becomes an error diagnostic; a field or operator Vigil cannot evaluate here becomes an
 * "unsupported" note that disables the rule with a warning. Single-threaded, one instance per load.
 */
final class ExprCompiler {

  /** Where problems found while compiling one rule or macro are collected. */
  static final class Scope {
    final String what;
    final String file;
    final List<Diagnostic> diagnostics;
    final Set<String> unsupported = new LinkedHashSet<>();
    boolean broken;

    Scope(String what, String file, List<Diagnostic> diagnostics) {
      this.what = what;
      this.file = file;
      this.diagnostics = diagnostics;
    }

    void error(DiagnosticCode code, Pos pos, String message) {
      broken = true;
      diagnostics.add(new Diagnostic(code, file, pos, what + ": " + message));
    }
  }

  /** A macro compiled once: its predicate and what it needs. */
  record MacroCode(Cond cond, Set<String> unsupported, boolean broken) {}

  private final FieldTable table;
  private final Set<Capability> capabilities;
  private final Map<String, List<String>> lists;
  private final Macros macros;
  private final Map<String, FieldAccessor> accessors = new java.util.HashMap<>();
  private final Set<String> usedLists = new HashSet<>();
  /** Next free slot of the per-event cache, shared by field accessors and memoized macros. */
  private int nextSlot;

  ExprCompiler(FieldTable table, Set<Capability> capabilities, Map<String, List<String>> lists, Macros macros) {
    this.table = table;
    this.capabilities = capabilities;
    this.lists = lists;
    this.macros = macros;
  }

  int slots() {
    return nextSlot;
  }

  /**
   * A macro's predicate whose result is kept for the rest of the event, so a macro that many rules share (such as
   * {@code user_exec}) is evaluated once per event, not once per rule.
   */
  Cond memoized(Cond c) {
    int slot = nextSlot++;
    return ctx -> ctx.memo(slot, c);
  }

  Set<String> usedLists() {
    return usedLists;
  }

  Cond compile(Expr e, Scope s) {
    if (e instanceof Expr.And a) {
      return Cond.and(a.terms().stream().map(t -> compile(t, s)).toArray(Cond[]::new));
    }
    if (e instanceof Expr.Or o) {
      return Cond.or(o.terms().stream().map(t -> compile(t, s)).toArray(Cond[]::new));
    }
    if (e instanceof Expr.Not n) {
      return Cond.not(compile(n.inner(), s));
    }
    if (e instanceof Expr.MacroRef m) {
      MacroCode code = macros.compiled(m.name(), m.pos(), s, this);
      if (code == null) {
        return Cond.TRUE;
      }
      s.unsupported.addAll(code.unsupported());
      s.broken |= code.broken();
      return code.cond();
    }
    if (e instanceof Expr.Unary u) {
      FieldAccessor f = accessor(u.field(), s);
      if (!u.op().equals("exists")) {
        s.error(VR113, u.pos(), "unknown unary operator '" + u.op() + "'");
      }
      return f == null ? Cond.TRUE : Matchers.exists(f);
    }
    Expr.Compare c = (Expr.Compare) e;
    FieldAccessor f = accessor(c.field(), s);
    if (f == null) {
      return Cond.TRUE;
    }
    return compare(f, c.op(), c.value(), c.pos(), s);
  }

  /** Resolves a field use to a shared accessor; null (after a diagnostic or unsupported note) when unusable. */
  FieldAccessor accessor(FieldRef ref, Scope s) {
    FieldDef def = table.find(ref.name()).orElse(null);
    if (def == null) {
      if (FieldTable.isFalcoClass(ref.name())) {
        s.unsupported.add("field " + ref.name() + " (not supported by Vigil)");
      } else {
        String near = table.closest(ref.name());
        s.error(VR112, ref.pos(), "unknown field '" + ref.name() + "'"
            + (near != null ? "; did you mean '" + near + "'?" : " (see `vigil fields`)"));
      }
      return null;
    }
    if (!capabilities.contains(def.needs())) {
      s.unsupported.add("field " + ref.name() + " (needs the " + def.needs() + " sensor, not running)");
    }
    if (ref.arg() != null && def.arg() == FieldDef.Arg.NONE) {
      s.error(VR116, ref.pos(), "field '" + ref.name() + "' takes no [argument]");
      return null;
    }
    if (ref.arg() == null && def.arg() == FieldDef.Arg.REQUIRED_KEY) {
      s.error(VR116, ref.pos(), "field '" + ref.name() + "' needs an argument, e.g. " + ref.name() + "[key]");
      return null;
    }
    for (String t : ref.transformers()) {
      if (!FieldAccessor.TRANSFORMERS.contains(t)) {
        s.error(VR117, ref.pos(), "unknown transformer '" + t + "' (known: "
            + String.join(", ", FieldAccessor.TRANSFORMERS) + ")");
        return null;
      }
    }
    String key = ref.display();
    return accessors.computeIfAbsent(key,
        k -> new FieldAccessor(def, ref.arg(), ref.transformers(), nextSlot++));
  }

  private Cond compare(FieldAccessor f, String op, Operand value, Pos pos, Scope s) {
    FieldType t = f.type();
    boolean numeric = t == FieldType.NUMBER || t == FieldType.DECIMAL;
    if (value instanceof Operand.FieldValue fv) {
      FieldAccessor other = accessor(fv.field(), s);
      if (other == null) {
        return Cond.TRUE;
      }
      if (!op.equals("=") && !op.equals("==") && !op.equals("!=")) {
        s.unsupported.add("operator " + op + " with val()");
        return Cond.TRUE;
      }
      boolean neg = op.equals("!=");
      return ctx -> {
        Object a = ctx.value(f);
        Object b = ctx.value(other);
        return a != null && b != null && (a.toString().equals(b.toString()) != neg);
      };
    }
    switch (op) {
      case "=":
      case "==":
      case "!=":
        return Matchers.check(f, equality(t, single(value, op, pos, s), pos, s), op.equals("!="));
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!numeric) {
          s.error(VR113, pos, "operator '" + op + "' needs a numeric field; " + f.display() + " is " + t);
          return Cond.TRUE;
        }
        return Matchers.check(f, Matchers.compare(op, number(single(value, op, pos, s), pos, s)), false);
      case "contains":
      case "icontains":
      case "startswith":
      case "endswith":
      case "glob":
      case "iglob":
      case "regex":
        if (numeric || t == FieldType.BOOL) {
          s.error(VR113, pos, "operator '" + op + "' needs a string field; " + f.display() + " is " + t);
          return Cond.TRUE;
        }
        return Matchers.check(f, stringOp(op, single(value, op, pos, s), value.pos(), s), false);
      case "in":
      case "intersects":
        return Matchers.check(f, membership(t, items(value, s), pos, s), false);
      case "pmatch": {
        List<String> prefixes = new ArrayList<>();
        List<Pattern> globs = new ArrayList<>();
        for (String item : items(value, s)) {
          if (Matchers.isGlob(item)) {
            globs.add(glob(item, false, value.pos(), s));
          } else {
            prefixes.add(item);
          }
        }
        return Matchers.check(f, Matchers.pmatch(prefixes, globs), false);
      }
      case "bcontains":
      case "bstartswith":
        s.unsupported.add("operator " + op);
        return Cond.TRUE;
      default:
        s.error(VR113, pos, "unknown operator '" + op + "'");
        return Cond.TRUE;
    }
  }

  private Matchers.Scalar equality(FieldType t, String v, Pos pos, Scope s) {
    switch (t) {
      case NUMBER:
        return Matchers.equalsNumber(integer(v, pos, s));
      case DECIMAL:
        return Matchers.equalsDecimal(number(v, pos, s));
      case BOOL:
        if (!v.equals("true") && !v.equals("false")) {
          s.error(VR114, pos, "'" + v + "' is not a boolean (true or false)");
        }
        return Matchers.equalsBool(Boolean.parseBoolean(v));
      default:
        return Matchers.equalsString(v);
    }
  }

  private Matchers.Scalar stringOp(String op, String v, Pos pos, Scope s) {
    switch (op) {
      case "contains":
        return Matchers.contains(v);
      case "icontains":
        return Matchers.icontains(v);
      case "startswith":
        return Matchers.startsWith(v);
      case "endswith":
        return Matchers.endsWith(v);
      case "glob":
        return Matchers.matches(glob(v, false, pos, s));
      case "iglob":
        return Matchers.matches(glob(v, true, pos, s));
      default:
        RegexSyntax.Result r = RegexSyntax.regex(v);
        if (r.pattern() == null) {
          s.error(r.unsupported() ? VR121 : VR119, pos, r.message());
          return o -> false;
        }
        return Matchers.regex(r.pattern());
    }
  }

  /** A glob as an RE2 pattern; one RE2 refuses is reported (VR119) and matches nothing. */
  private static Pattern glob(String glob, boolean ignoreCase, Pos pos, Scope s) {
    RegexSyntax.Result r = RegexSyntax.glob(glob, Matchers.glob(glob), ignoreCase);
    if (r.pattern() == null) {
      s.error(VR119, pos, r.message());
      return Pattern.compile("[^\\x00-\\x{10FFFF}]");
    }
    return r.pattern();
  }

  private Matchers.Scalar membership(FieldType t, List<String> items, Pos pos, Scope s) {
    if (t == FieldType.NUMBER || t == FieldType.DECIMAL) {
      Set<Long> nums = new HashSet<>();
      for (String i : items) {
        nums.add(t == FieldType.NUMBER ? integer(i, pos, s) : (long) number(i, pos, s));
      }
      return Matchers.inNumbers(nums);
    }
    return Matchers.inStrings(new HashSet<>(items));
  }

  private String single(Operand v, String op, Pos pos, Scope s) {
    if (v instanceof Operand.Value val) {
      return val.text();
    }
    s.error(VR113, pos, "operator '" + op + "' takes one value, not a list");
    return "";
  }

  private double number(String v, Pos pos, Scope s) {
    try {
      return v.contains(".") ? Double.parseDouble(v) : (double) Long.decode(v);
    } catch (NumberFormatException e) {
      s.error(VR114, pos, "'" + v + "' is not a number");
      return 0;
    }
  }

  /** A whole number (decimal, 0x hex or 0 octal); a fraction is an error, not silently truncated. */
  private long integer(String v, Pos pos, Scope s) {
    try {
      return Long.decode(v.trim());
    } catch (NumberFormatException e) {
      s.error(VR114, pos, "'" + v + "' is not an integer");
      return 0;
    }
  }

  /** The values of a list operand, with bare names of lists expanded. */
  private List<String> items(Operand v, Scope s) {
    List<String> out = new ArrayList<>();
    List<Operand.Value> values = v instanceof Operand.ListValue l ? l.items()
        : v instanceof Operand.Value one ? List.of(one) : List.of();
    for (Operand.Value item : values) {
      List<String> named = item.quoted() ? null : lists.get(item.text());
      if (named != null) {
        usedLists.add(item.text());
        out.addAll(named);
      } else {
        out.add(item.text());
      }
    }
    return out;
  }
}
