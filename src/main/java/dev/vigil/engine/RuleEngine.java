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
 * Falco-shaped alert (output rendered from the rule's template, {@code <NA>} for missing fields). An event found at
 * the agent's start ({@link Event#foundAtStart()}) gives alerts with {@code evt.found_at_start: true} in their
 * output fields and {@value #FOUND_AT_START_SUFFIX} after their text. Single-threaded.
 */
public final class RuleEngine implements Engine {

  /** Appended to the output text of an alert on an event found at start. */
  public static final String FOUND_AT_START_SUFFIX = " (found at start)";

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
    String output = r.output().render(fields);
    if (e.foundAtStart()) {
      // Marked in every sink: found running at the agent's start (or replayed from while it was down), not seen live.
      fields.put("evt.found_at_start", true);
      output += FOUND_AT_START_SUFFIX;
    }
    return new Alert(e.time(), r.name(), r.priority(), output, e.kind().source(), r.tags(), fields);
  }

  @Override
  public List<String> describe() {
    return List.of(rules.size() + " of " + loaded + " rules enabled");
  }
}
