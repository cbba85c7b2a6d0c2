package dev.vigil.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert, in the shape of Falco's JSON output. Immutable.
 *
 * @param output the rendered, human-readable text (without Falco's time and priority prefix; see
 *     {@link FalcoJson})
 * @param source the event source: {@code syscall} for process and file activity, {@code docker} for engine
 *     events, {@code log} for container output, {@code stats} for resource samples
 * @param outputFields field name to value (String, Number, Boolean or null), in insertion order
 */
public record Alert(
    Instant time, String rule, Priority priority, String output, String source, List<String> tags,
    String hostname, Map<String, Object> outputFields) {

  public Alert {
    tags = List.copyOf(tags);
    outputFields = Collections.unmodifiableMap(new LinkedHashMap<>(outputFields));
  }
}
