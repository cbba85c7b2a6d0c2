package dev.vigil.rules;

/** A compiled condition: a predicate over the event in an {@link EvalContext}. Immutable and stateless. */
@FunctionalInterface
interface Cond {

  boolean test(EvalContext ctx);

  Cond TRUE = ctx -> true;

  static Cond and(Cond[] terms) {
    if (terms.length == 2) {
      Cond a = terms[0];
      Cond b = terms[1];
      return ctx -> a.test(ctx) && b.test(ctx);
    }
    return ctx -> {
      for (Cond c : terms) {
        if (!c.test(ctx)) {
          return false;
        }
      }
      return true;
    };
  }

  static Cond or(Cond[] terms) {
    if (terms.length == 2) {
      Cond a = terms[0];
      Cond b = terms[1];
      return ctx -> a.test(ctx) || b.test(ctx);
    }
    return ctx -> {
      for (Cond c : terms) {
        if (c.test(ctx)) {
          return true;
        }
      }
      return false;
    };
  }

  static Cond not(Cond inner) {
    return ctx -> !inner.test(ctx);
  }
}
