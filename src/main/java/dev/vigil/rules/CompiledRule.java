package dev.vigil.rules;

import dev.vigil.alert.OutputTemplate;
import dev.vigil.alert.Priority;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rule ready to evaluate, or the record of why it is disabled. Immutable; the condition is stateless.
 *
 * @param eventTypes the {@code evt.type} values the rule is indexed under
 * @param outputFields the template's field names mapped to accessors (null accessor: unsupported, renders NA)
 * @param disabledReason empty when enabled
 */
public record CompiledRule(String name, String desc, Priority priority, List<String> tags, String source,
    OutputTemplate output, Map<String, FieldAccessor> outputFields, Set<String> eventTypes, Cond condition,
    Defs.Origin origin, boolean enabled, String disabledReason) {

  public CompiledRule {
    tags = List.copyOf(tags);
    eventTypes = Set.copyOf(eventTypes);
    outputFields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputFields));
  }

  CompiledRule disabled(String reason) {
    return new CompiledRule(name, desc, priority, tags, source, output, outputFields, eventTypes, condition, origin,
        false, reason);
  }
}
