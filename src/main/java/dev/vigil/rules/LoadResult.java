package dev.vigil.rules;

import java.util.List;

/**
 * The outcome of loading rules files: every rule (enabled or with the reason it is disabled), every diagnostic, and
 * the size of the field cache evaluation needs. A result with errors must not be used to monitor. Immutable.
 */
public record LoadResult(List<CompiledRule> rules, List<Diagnostic> diagnostics, int fieldSlots) {

  public LoadResult {
    rules = List.copyOf(rules);
    diagnostics = List.copyOf(diagnostics);
  }

  public boolean hasErrors() {
    return diagnostics.stream().anyMatch(Diagnostic::isError);
  }

  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::isError).toList();
  }

  public List<Diagnostic> warnings() {
    return diagnostics.stream().filter(d -> !d.isError()).toList();
  }

  public List<CompiledRule> enabled() {
    return rules.stream().filter(CompiledRule::enabled).toList();
  }
}
