package dev.vigil.detect.logsig;

import dev.vigil.alert.Priority;
import java.util.List;
import java.util.Objects;

/**
 * One log signature: literal patterns that, found in a container's output line, raise an alert with this rule name,
 * priority and tags. A signature is the unit of alerting and throttling; its patterns are alternatives (any one is
 * enough). Immutable.
 *
 * @param id stable identifier, unique in a {@link SignatureSet}; configuration disables signatures by it
 * @param rule the alert's rule name (shared by the signatures of a group, so users filter on a few names)
 * @param description why the patterns matter, for the alert and for people reading the file
 * @param ignoreCase whether the patterns ignore ASCII case
 * @param patterns literals, each at least {@link LiteralMatcher#MIN_LITERAL_BYTES} bytes of UTF-8, no line breaks
 * @param origin where it was defined ({@code file:line}), for messages
 */
public record Signature(String id, String rule, Priority priority, List<String> tags, String description,
    boolean ignoreCase, List<String> patterns, String origin) {

  public Signature {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(priority, "priority");
    tags = List.copyOf(tags);
    description = description == null ? "" : description;
    patterns = List.copyOf(patterns);
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("signature " + id + " has no patterns");
    }
    origin = origin == null ? "" : origin;
  }
}
