package dev.vigil.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Map;

/**
 * Writes an {@link Alert} as one line of Falco's JSON output:
 * {@code {"hostname","output","output_fields","priority","rule","source","tags","time","uuid"}}, the keys in
 * Falco's (alphabetical) order. {@code uuid} is the alert's id ({@link Alert#id()}), under the key falcosidekick
 * uses for it; it is left out when the alert has none yet. The {@code output} text starts, as Falco's does, with
 * the event's wall-clock time and the priority. Control characters in the output text are shown as {@code \xNN}
 * so that printing an alert cannot drive a terminal; output_fields keep the raw values (JSON-escaped).
 * Thread-safe.
 */
public final class FalcoJson {

  /** RFC 3339 in UTC with nine fraction digits, as Falco writes {@code time}. */
  public static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").toFormatter().withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  private FalcoJson() {}

  /** The alert as a single JSON line, without the trailing newline. */
  public static String toJson(Alert alert) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("hostname", alert.hostname());
      g.writeStringField("output", renderOutputLine(alert));
      g.writeObjectFieldStart("output_fields");
      for (Map.Entry<String, Object> e : alert.outputFields().entrySet()) {
        writeValue(g, e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeStringField("priority", alert.priority().label());
      g.writeStringField("rule", alert.rule());
      g.writeStringField("source", alert.source());
      g.writeArrayFieldStart("tags");
      for (String t : alert.tags()) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeStringField("time", TIME.format(alert.time()));
      if (alert.id() != null) {
        g.writeStringField("uuid", alert.id());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Falco's output line: {@code HH:mm:ss.nnnnnnnnn: Priority text}. */
  public static String renderOutputLine(Alert alert) {
    return CLOCK.format(alert.time()) + ": " + alert.priority().label() + " " + neutralizeControls(alert.output());
  }

  /** Formats an instant as Falco's {@code time} field. */
  public static String formatTime(Instant t) {
    return TIME.format(t);
  }

  static String neutralizeControls(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
      if (control) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(String.format("\\x%02x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static void writeValue(JsonGenerator g, String key, Object v) throws IOException {
    if (v == null) {
      g.writeNullField(key);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      g.writeNumberField(key, ((Number) v).longValue());
    } else if (v instanceof Number n) {
      g.writeNumberField(key, n.doubleValue());
    } else if (v instanceof Boolean b) {
      g.writeBooleanField(key, b);
    } else {
      g.writeStringField(key, v.toString());
    }
  }
}
