package dev.vigil.rules;

import dev.vigil.rules.lang.Expr;
import dev.vigil.rules.lang.FieldRef;
import dev.vigil.rules.lang.Operand;
import dev.vigil.rules.lang.Pos;
import java.util.AbstractList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a condition's AST so positions count in the rules files instead of the condition text, and remembers
 * which file each of those positions is in.
 *
 * <p>A {@link Pos} has no file, and a compile {@link ExprCompiler.Scope} reports every problem against one file;
 * but a condition with appended parts spans several files. So each instance records, per {@code Pos} object it
 * creates (by identity: equal positions in two files stay apart), that position's file, and {@link #sink} fixes
 * the file of every diagnostic reported at one of them. This works because the compiler reports the AST's own
 * {@code Pos} objects. Single-threaded; one instance per compiled condition.
 */
final class AstPositions {

  private final Map<Pos, String> files = new IdentityHashMap<>();

  /** The AST of the text {@code map} maps, with positions in the files {@code map} maps it to. */
  Expr toFile(Expr e, TextMap map) {
    if (e instanceof Expr.And a) {
      return new Expr.And(a.terms().stream().map(t -> toFile(t, map)).toList(), at(a.pos(), map));
    }
    if (e instanceof Expr.Or x) {
      return new Expr.Or(x.terms().stream().map(t -> toFile(t, map)).toList(), at(x.pos(), map));
    }
    if (e instanceof Expr.Not n) {
      return new Expr.Not(toFile(n.inner(), map), at(n.pos(), map));
    }
    if (e instanceof Expr.MacroRef m) {
      return new Expr.MacroRef(m.name(), at(m.pos(), map));
    }
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(field(u.field(), map), u.op(), at(u.pos(), map));
    }
    Expr.Compare c = (Expr.Compare) e;
    return new Expr.Compare(field(c.field(), map), c.op(), operand(c.value(), map), at(c.pos(), map));
  }

  /** Makes diagnostics reported at {@code origin}'s position (that very object) name {@code origin}'s file. */
  Pos remember(Defs.Origin origin) {
    files.put(origin.pos(), origin.file());
    return origin.pos();
  }

  /**
   * A view of {@code diagnostics} for a compile scope: adding a diagnostic at a position this instance created
   * (or {@link #remember}ed) adds it with that position's file.
   */
  List<Diagnostic> sink(List<Diagnostic> diagnostics) {
    return new AbstractList<>() {
      @Override
      public Diagnostic get(int index) {
        return diagnostics.get(index);
      }

      @Override
      public int size() {
        return diagnostics.size();
      }

      @Override
      public void add(int index, Diagnostic d) {
        String file = d.pos() == null ? null : files.get(d.pos());
        diagnostics.add(index, file == null || file.equals(d.file()) ? d
            : new Diagnostic(d.code(), file, d.pos(), d.message()));
      }
    };
  }

  private FieldRef field(FieldRef f, TextMap map) {
    return new FieldRef(f.name(), f.arg(), f.transformers(), at(f.pos(), map));
  }

  private Operand operand(Operand v, TextMap map) {
    if (v instanceof Operand.Value val) {
      return new Operand.Value(val.text(), val.quoted(), at(val.pos(), map));
    }
    if (v instanceof Operand.ListValue l) {
      return new Operand.ListValue(l.items().stream()
          .map(i -> new Operand.Value(i.text(), i.quoted(), at(i.pos(), map))).toList(), at(l.pos(), map));
    }
    Operand.FieldValue f = (Operand.FieldValue) v;
    return new Operand.FieldValue(field(f.field(), map), at(f.pos(), map));
  }

  private Pos at(Pos inText, TextMap map) {
    return remember(map.toFile(inText));
  }
}
