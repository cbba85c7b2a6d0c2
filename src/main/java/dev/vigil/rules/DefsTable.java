package dev.vigil.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The definitions read so far, keyed by name. Redefining a name keeps its first slot, so definition order is the
 * order names were first defined (as in Falco). Mutable, confined to one {@link RulesReader#read} call.
 */
final class DefsTable {

  final Map<String, Defs.ListDef> lists = new LinkedHashMap<>();
  final Map<String, Defs.MacroDef> macros = new LinkedHashMap<>();
  final Map<String, Defs.RuleDef> rules = new LinkedHashMap<>();
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Set<String> failed = new HashSet<>();

  void report(Diagnostic d) {
    diagnostics.add(d);
  }

  /** Remembers that an item named {@code kind name} failed, so later updates of it do not add a second error. */
  void markFailed(String kind, String name) {
    failed.add(kind + '\u0000' + name);
  }

  boolean hasFailed(String kind, String name) {
    return failed.contains(kind + '\u0000' + name);
  }

  Defs.Collected collected() {
    return new Defs.Collected(new ArrayList<>(lists.values()), new ArrayList<>(macros.values()),
        new ArrayList<>(rules.values()), diagnostics);
  }
}
