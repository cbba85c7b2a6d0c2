package dev.vigil.sink.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spool's record format for one {@link Envelope}: compact JSON keeping everything an {@link Alert} holds
 * exactly (time to the nanosecond, the raw output text, field values with their JSON types), unlike Falco's JSON,
 * which renders the output line. Versioned by the {@code v} key so later agents can read older spools. Thread-safe.
 */
public final class EnvelopeCodec {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int VERSION = 1;

  private EnvelopeCodec() {}

  public static byte[] encode(Envelope e) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(768);
    Alert a = e.alert();
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("id", e.id());
      g.writeNumberField("s", a.time().getEpochSecond());
      g.writeNumberField("n", a.time().getNano());
      g.writeStringField("rule", a.rule());
      g.writeStringField("priority", a.priority().name());
      g.writeStringField("output", a.output());
      g.writeStringField("source", a.source());
      g.writeStringField("hostname", a.hostname());
      g.writeArrayFieldStart("tags");
      for (String t : a.tags()) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("fields");
      for (Map.Entry<String, Object> f : a.outputFields().entrySet()) {
        Object v = f.getValue();
        if (v == null) {
          g.writeNullField(f.getKey());
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
          g.writeNumberField(f.getKey(), ((Number) v).longValue());
        } else if (v instanceof Number n) {
          g.writeNumberField(f.getKey(), n.doubleValue());
        } else if (v instanceof Boolean b) {
          g.writeBooleanField(f.getKey(), b);
        } else {
          g.writeStringField(f.getKey(), v.toString());
        }
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return buf.toByteArray();
  }

  /**
   * Reads a record written by {@link #encode}.
   *
   * @throws IOException when the bytes are not such a record (the spool counts and skips it)
   */
  public static Envelope decode(byte[] data) throws IOException {
    String id = null;
    long s = 0;
    int n = 0;
    String rule = null;
    Priority priority = null;
    String output = null;
    String source = null;
    String hostname = null;
    List<String> tags = new ArrayList<>();
    Map<String, Object> fields = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("spool record is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        switch (key) {
          case "v":
            if (p.getIntValue() > VERSION) {
              throw new IOException("spool record version " + p.getIntValue() + " is newer than this agent's");
            }
            break;
          case "id":
            id = p.getText();
            break;
          case "s":
            s = p.getLongValue();
            break;
          case "n":
            n = p.getIntValue();
            break;
          case "rule":
            rule = p.getText();
            break;
          case "priority":
            priority = Priority.valueOf(p.getText());
            break;
          case "output":
            output = p.getText();
            break;
          case "source":
            source = p.getText();
            break;
          case "hostname":
            hostname = p.getText();
            break;
          case "tags":
            while (p.nextToken() != JsonToken.END_ARRAY) {
              tags.add(p.getText());
            }
            break;
          case "fields":
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              fields.put(name, value(p, p.nextToken()));
            }
            break;
          default:
            p.skipChildren();
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("spool record has an unknown priority", e);
    }
    if (id == null || rule == null || priority == null || output == null) {
      throw new IOException("spool record lacks id, rule, priority or output");
    }
    return new Envelope(id, new Alert(Instant.ofEpochSecond(s, n), rule, priority, output, source, tags, hostname,
        fields));
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        return p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_STRING:
        return p.getText();
      default:
        p.skipChildren();
        return null;
    }
  }
}
