package dev.vigil.alert;

import dev.vigil.event.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds alerts from events: fills {@code output_fields} with the event's fields (plus any extra ones a detector
 * computed), renders the output template against them and stamps the host name. Immutable, thread-safe.
 */
public final class AlertFactory {

  private final String hostname;

  public AlertFactory(String hostname) {
    this.hostname = hostname;
  }

  public String hostname() {
    return hostname;
  }

  public Alert create(Event event, String rule, Priority priority, OutputTemplate output, List<String> tags,
      Map<String, ?> extraFields) {
    Map<String, Object> fields = new LinkedHashMap<>(EventFields.of(event));
    fields.putAll(extraFields);
    for (String f : output.fields()) {
      fields.putIfAbsent(f, null);
    }
    return new Alert(event.time(), rule, priority, output.render(fields), event.kind().source(), tags, hostname,
        fields);
  }
}
