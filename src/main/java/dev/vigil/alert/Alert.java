package dev.vigil.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One alert, in the shape of Falco's JSON output. Immutable.
 *
 * <p>The {@code hostname} and the {@code id} are stamped once, by {@link AlertStamp}, where every alert passes
 * before it is copied to the sinks (after aggregation), so the alerts file, stdout, the store, webhooks, Slack and
 * Elasticsearch/OpenSearch all show the same id for the same alert. Rules and detectors create alerts without
 * either (the 7-argument constructor); a sink that gets an alert without an id (used on its own, in tests) gives it
 * a fresh one from {@link AlertIds}. An alert derived from others (an aggregation summary) is a new alert and gets
 * its own id.
 *
 * @param output the rendered, human-readable text (without Falco's time and priority prefix; see
 *     {@link FalcoJson})
 * @param source the event source: {@code syscall} for process and file activity, {@code docker} for engine
 *     events, {@code log} for container output, {@code stats} for resource samples
 * @param outputFields field name to value (String, Number, Boolean or null), in insertion order
 * @param id the alert's id (UUID text, see {@link AlertIds}), or null before it was assigned
 */
public record Alert(
    Instant time, String rule, Priority priority, String output, String source, List<String> tags,
    String hostname, Map<String, Object> outputFields, String id) {

  public Alert {
    tags = List.copyOf(tags);
    outputFields = Collections.unmodifiableMap(new LinkedHashMap<>(outputFields));
  }

  /** An alert without host name and id yet: how rules and detectors make them (see {@link AlertStamp}). */
  public Alert(Instant time, String rule, Priority priority, String output, String source, List<String> tags,
      Map<String, Object> outputFields) {
    this(time, rule, priority, output, source, tags, null, outputFields, null);
  }

  /** An alert without an id yet. */
  public Alert(Instant time, String rule, Priority priority, String output, String source, List<String> tags,
      String hostname, Map<String, Object> outputFields) {
    this(time, rule, priority, output, source, tags, hostname, outputFields, null);
  }

  /** This alert with {@code host} as its host name and {@code newId} as its id. */
  public Alert stamped(String host, String newId) {
    return new Alert(time, rule, priority, output, source, tags, host, outputFields, newId);
  }

  /** This alert with {@code newId} (this same object when it already has that id). */
  public Alert withId(String newId) {
    if (Objects.equals(newId, id)) {
      return this;
    }
    return new Alert(time, rule, priority, output, source, tags, hostname, outputFields, newId);
  }
}
