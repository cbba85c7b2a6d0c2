package dev.vigil.rules.lang;

import java.util.List;

/**
 * The abstract syntax of a Falco condition. Immutable records; {@link #pos()} is where the construct starts in
 * the condition text.
 */
public sealed interface Expr {

  Pos pos();

  /** {@code a and b and c}: all terms, left to right. */
  record And(List<Expr> terms, Pos pos) implements Expr {
    public And {
      terms = List.copyOf(terms);
    }
  }

  /** {@code a or b or c}. */
  record Or(List<Expr> terms, Pos pos) implements Expr {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  /** {@code not a}. */
  record Not(Expr inner, Pos pos) implements Expr {}

  /** A bare identifier standing as a condition: a macro reference such as {@code spawned_process}. */
  record MacroRef(String name, Pos pos) implements Expr {}

  /** {@code field op value}: a binary comparison ({@code =, !=, <, <=, >, >=, contains, in, ...}). */
  record Compare(FieldRef field, String op, Operand value, Pos pos) implements Expr {}

  /** {@code field exists}: a unary check. */
  record Unary(FieldRef field, String op, Pos pos) implements Expr {}
}
