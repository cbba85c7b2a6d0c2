package dev.vigil.detect;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.alert.StandardFields;
import dev.vigil.event.ContainerRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a detector's alert in the same shape as a rule's: {@code evt.time}, {@code evt.type} and the container's
 * id/name/image first in {@code output_fields}, then the detector's own evidence fields (named {@code vigil.*} or with
 * a Falco field name where one exists). Not thread-safe; one builder per alert.
 *
 * <pre>{@code
 * out.accept(DetectorAlert.of("Port scan from container", Priority.WARNING, "vigil", now, ref)
 *     .tags("network", "mitre_discovery", "T1046")
 *     .field("vigil.scan.ports", 300)
 *     .output("Port scan from container (ports=%d ...)".formatted(300))
 *     .build());
 * }</pre>
 */
public final class DetectorAlert {

  private final String rule;
  private final Priority priority;
  private final String source;
  private final Instant time;
  private final Map<String, Object> fields;
  private final List<String> tags = new ArrayList<>();
  private String output = "";

  private DetectorAlert(String rule, Priority priority, String source, Instant time, ContainerRef container,
      String evtType) {
    this.rule = rule;
    this.priority = priority;
    this.source = source;
    this.time = time;
    this.fields = StandardFields.of(time, evtType, container);
  }

  /**
   * Starts an alert.
   *
   * @param rule the alert's rule name (stable: users filter and aggregate on it)
   * @param source the event source, {@code vigil} for detector findings
   * @param time when the behaviour was seen (event time, never the wall clock)
   */
  public static DetectorAlert of(String rule, Priority priority, String source, Instant time,
      ContainerRef container) {
    return new DetectorAlert(rule, priority, source, time, container, "detector");
  }

  /** Adds an evidence field (String, Number, Boolean or null); later values replace earlier ones. */
  public DetectorAlert field(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  public DetectorAlert tags(String... t) {
    tags.addAll(List.of(t));
    return this;
  }

  /** The human-readable text; should name the container and the evidence. */
  public DetectorAlert output(String text) {
    this.output = text;
    return this;
  }

  /** The alert; the output stage stamps host name and id. */
  public Alert build() {
    return new Alert(time, rule, priority, output, source, tags, fields);
  }
}
