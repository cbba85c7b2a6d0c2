package dev.vigil.engine;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.Event;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleSet;
import java.util.List;

/**
 * The rules-driven {@link Engine}: evaluates each event against the compiled ruleset and turns every match into a
 * Falco-shaped alert (output rendered from the rule's template, {@code <NA>} for missing fields). Single-threaded.
 */
public final class RuleEngine implements Engine {

  private final RuleSet rules;
  private final int loaded;

  public RuleEngine(LoadResult result, ContainerDirectory directory) {
    this.rules = new RuleSet(result, directory);
    this.loaded = result.rules().size();
  }

  @Override
  public void process(Event event, AlertSink out) {
    rules.evaluate(event, (rule, fields) -> out.accept(alert(event, rule, fields)));
  }

  private Alert alert(Event e, CompiledRule r, java.util.Map<String, Object> fields) {
    return new Alert(e.time(), r.name(), r.priority(), r.output().render(fields), e.kind().source(), r.tags(),
        fields);
  }

  @Override
  public List<String> describe() {
    return List.of(rules.size() + " of " + loaded + " rules enabled");
  }
}
