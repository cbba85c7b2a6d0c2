package dev.vigil.rules;

import dev.vigil.rules.lang.Expr;
import dev.vigil.rules.lang.FieldRef;
import dev.vigil.rules.lang.Operand;
import dev.vigil.rules.lang.Pos;

/** Rewrites a condition's AST so positions count from the start of the file instead of the condition text. */
final class AstPositions {

  private AstPositions() {}

  static Expr offset(Expr e, Pos o) {
    if (e instanceof Expr.And a) {
      return new Expr.And(a.terms().stream().map(t -> offset(t, o)).toList(), a.pos().offsetBy(o));
    }
    if (e instanceof Expr.Or x) {
      return new Expr.Or(x.terms().stream().map(t -> offset(t, o)).toList(), x.pos().offsetBy(o));
    }
    if (e instanceof Expr.Not n) {
      return new Expr.Not(offset(n.inner(), o), n.pos().offsetBy(o));
    }
    if (e instanceof Expr.MacroRef m) {
      return new Expr.MacroRef(m.name(), m.pos().offsetBy(o));
    }
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(field(u.field(), o), u.op(), u.pos().offsetBy(o));
    }
    Expr.Compare c = (Expr.Compare) e;
    return new Expr.Compare(field(c.field(), o), c.op(), operand(c.value(), o), c.pos().offsetBy(o));
  }

  static FieldRef field(FieldRef f, Pos o) {
    return new FieldRef(f.name(), f.arg(), f.transformers(), f.pos().offsetBy(o));
  }

  private static Operand operand(Operand v, Pos o) {
    if (v instanceof Operand.Value val) {
      return new Operand.Value(val.text(), val.quoted(), val.pos().offsetBy(o));
    }
    if (v instanceof Operand.ListValue l) {
      return new Operand.ListValue(l.items().stream()
          .map(i -> new Operand.Value(i.text(), i.quoted(), i.pos().offsetBy(o))).toList(), l.pos().offsetBy(o));
    }
    Operand.FieldValue f = (Operand.FieldValue) v;
    return new Operand.FieldValue(field(f.field(), o), f.pos().offsetBy(o));
  }
}
