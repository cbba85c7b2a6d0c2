package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR110;
import static dev.vigil.rules.lang.DiagnosticCode.VR111;

import dev.vigil.rules.lang.ConditionParser;
import dev.vigil.rules.lang.Expr;
import dev.vigil.rules.lang.ParseException;
import dev.vigil.rules.lang.Pos;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The macros of a load: parsed on first use, compiled once and shared by every rule that references them, with
 * reference cycles reported (VR111) instead of recursing forever. Single-threaded, one instance per load.
 */
final class Macros {

  private final Map<String, Defs.MacroDef> defs = new LinkedHashMap<>();
  private final Map<String, Expr> parsed = new HashMap<>();
  // The files of the parsed ASTs' positions, for macros with appended parts from other files.
  private final Map<String, AstPositions> positions = new HashMap<>();
  private final Map<String, ExprCompiler.MacroCode> compiled = new HashMap<>();
  private final Set<String> failedParse = new HashSet<>();
  private final Deque<String> stack = new ArrayDeque<>();
  private final java.util.List<Diagnostic> diagnostics;

  Macros(Iterable<Defs.MacroDef> macros, java.util.List<Diagnostic> diagnostics) {
    for (Defs.MacroDef m : macros) {
      defs.put(m.name(), m);
    }
    this.diagnostics = diagnostics;
  }

  boolean exists(String name) {
    return defs.containsKey(name);
  }

  Set<String> names() {
    return defs.keySet();
  }

  Set<String> used() {
    return compiled.keySet();
  }

  Defs.MacroDef def(String name) {
    return defs.get(name);
  }

  /** The macro's AST in file coordinates; null when it does not exist or does not parse (reported once). */
  Expr parsed(String name) {
    if (parsed.containsKey(name)) {
      return parsed.get(name);
    }
    Defs.MacroDef d = defs.get(name);
    if (d == null || failedParse.contains(name)) {
      return null;
    }
    try {
      AstPositions files = new AstPositions();
      Expr e = files.toFile(ConditionParser.parse(d.condition()), d.conditionMap());
      parsed.put(name, e);
      positions.put(name, files);
      return e;
    } catch (ParseException ex) {
      failedParse.add(name);
      Defs.Origin at = ex.pos() == null ? d.conditionOrigin() : d.conditionMap().toFile(ex.pos());
      diagnostics.add(new Diagnostic(ex.code(), at.file(), at.pos(), "macro '" + name + "': " + ex.getMessage()));
      return null;
    }
  }

  /** The compiled macro, or null after reporting an undefined macro or a cycle in {@code s}. */
  ExprCompiler.MacroCode compiled(String name, Pos usedAt, ExprCompiler.Scope s, ExprCompiler compiler) {
    ExprCompiler.MacroCode done = compiled.get(name);
    if (done != null) {
      return done;
    }
    if (!defs.containsKey(name)) {
      s.error(VR110, usedAt, "undefined macro '" + name + "'");
      return null;
    }
    if (stack.contains(name)) {
      java.util.List<String> chain = new java.util.ArrayList<>();
      stack.descendingIterator().forEachRemaining(chain::add);
      s.error(VR111, usedAt, "macro cycle: " + String.join(" -> ", chain) + " -> " + name);
      return null;
    }
    Expr e = parsed(name);
    if (e == null) {
      s.broken = true;
      return null;
    }
    stack.push(name);
    try {
      Defs.MacroDef d = defs.get(name);
      ExprCompiler.Scope ms = new ExprCompiler.Scope("macro '" + name + "'", d.conditionOrigin().file(),
          positions.get(name).sink(diagnostics));
      Cond c = compiler.compile(e, ms);
      if (!(e instanceof Expr.Compare) && !(e instanceof Expr.Unary)) {
        c = compiler.memoized(c); // a compound macro (user_exec, open_write) is evaluated once per event
      }
      ExprCompiler.MacroCode code = new ExprCompiler.MacroCode(c, Set.copyOf(ms.unsupported), ms.broken);
      compiled.put(name, code);
      return code;
    } finally {
      stack.pop();
    }
  }
}
