package dev.vigil.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Binds a raw section of the configuration file (a Jackson tree, as the YAML loader hands it over) to the config
 * record of the component that owns the section, turning Jackson's multi-line messages into one line that names
 * the key: an unknown key lists the known ones, a validation error from the record's constructor is shown as it is.
 * Thread-safe.
 */
public final class ConfigBinding {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigBinding() {}

  /**
   * Binds {@code node} (null: an empty section) to {@code type}.
   *
   * @param section the section's dotted path, the prefix of every message (e.g. {@code sinks.opensearch})
   * @throws IllegalArgumentException with a one-line message
   */
  public static <T> T bind(JsonNode node, Class<T> type, String section) {
    try {
      return MAPPER.treeToValue(node == null || node.isNull() ? MAPPER.createObjectNode() : node, type);
    } catch (UnrecognizedPropertyException e) {
      List<String> known = e.getKnownPropertyIds() == null ? List.of()
          : e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.toList());
      throw new IllegalArgumentException(section + ": unknown key '" + e.getPropertyName() + "' (known: "
          + String.join(", ", known) + ")", e);
    } catch (JsonMappingException e) {
      // A record's own validation message (the first IllegalArgumentException in the chain) is already clear.
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        if (c instanceof IllegalArgumentException) {
          throw new IllegalArgumentException(c.getMessage(), e);
        }
      }
      String path = e.getPath().stream()
          .map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
          .collect(Collectors.joining("."));
      throw new IllegalArgumentException(section + (path.isEmpty() ? "" : "." + path) + ": "
          + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(section + ": " + e.getOriginalMessage(), e);
    }
  }
}
