package dev.vigil.sink.opensearch;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.sink.delivery.Envelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Builds the NDJSON body of an Elasticsearch/OpenSearch {@code _bulk} request: for each alert a {@code create}
 * action whose {@code _id} is the envelope's idempotency id, then the alert's document.
 *
 * <p>{@code create} (not {@code index}) in both modes: it is the only action a data stream takes, and for a daily
 * index a replayed alert then answers 409 "already exists" instead of rewriting the stored copy. The daily index is
 * chosen by the alert's own time (UTC), so a replay lands in the same index as the first delivery.
 *
 * <p>The document is Falco's JSON ({@code hostname, output, output_fields, priority, rule, source, tags, time,
 * uuid}, the {@code uuid} being the alert's id as in every other sink, here also the {@code _id}) plus
 * {@code @timestamp} (the alert time, which Kibana and Dashboards pick as the time field), {@code vigil.alert_id},
 * {@code vigil.severity} (0 Emergency .. 7 Debug, for "at least Warning" range queries) and {@code container.id},
 * {@code container.name} and {@code container.image} lifted from the output fields. Output field names have their
 * dots replaced by underscores ({@code proc.cmdline} becomes {@code output_fields.proc_cmdline}): the search engine
 * expands dotted keys into nested objects, so {@code container.image} (a value) and
 * {@code container.image.repository} (which needs {@code container.image} to be an object) could not both be
 * mapped, and the second alert to use one of them would be rejected with a mapping error.
 */
public final class BulkBody {

  private static final JsonFactory JSON = new JsonFactory();

  private BulkBody() {}

  /**
   * A batch's bulk lines, written once: one entry (action line and document line) per envelope, in order, with
   * where each entry ends, so that any run of consecutive entries is a valid request body on its own. The
   * destination splits a batch by size, or after HTTP 413, by slicing this instead of writing the JSON again.
   */
  public static final class Entries {
    private final byte[] bytes;
    private final int[] ends;

    Entries(byte[] bytes, int[] ends) {
      this.bytes = bytes;
      this.ends = ends;
    }

    /** How many entries. */
    public int count() {
      return ends.length;
    }

    /** Where entry {@code i} starts in {@link #bytes()}. */
    public int start(int i) {
      return i == 0 ? 0 : ends[i - 1];
    }

    /** Where entry {@code i} ends (exclusive). */
    public int end(int i) {
      return ends[i];
    }

    /** The bytes of entries {@code from} (inclusive) to {@code to} (exclusive). */
    public long size(int from, int to) {
      return to <= from ? 0 : (long) end(to - 1) - start(from);
    }

    /** Every entry's bytes, back to back; not copied, do not change. */
    public byte[] bytes() {
      return bytes;
    }
  }

  /** The request body for {@code batch}, UTF-8, each line ended by a newline as {@code _bulk} requires. */
  public static byte[] build(List<Envelope> batch, OpenSearchConfig cfg) {
    return entries(batch, cfg).bytes();
  }

  /** The request body for {@code batch} with its entries' boundaries (see {@link Entries}). */
  public static Entries entries(List<Envelope> batch, OpenSearchConfig cfg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(batch.size() * 1024);
    int[] ends = new int[batch.size()];
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.setRootValueSeparator(null);
      long day = Long.MIN_VALUE;
      String index = null;
      int i = 0;
      for (Envelope e : batch) {
        long d = Math.floorDiv(e.alert().time().getEpochSecond(), 86_400L);
        if (d != day) { // a batch is nearly always one day: name the index once
          day = d;
          index = cfg.target(LocalDate.ofEpochDay(d));
        }
        g.writeStartObject();
        g.writeObjectFieldStart("create");
        g.writeStringField("_index", index);
        g.writeStringField("_id", e.id());
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
        writeDocument(g, e);
        g.writeRaw('\n');
        g.flush();
        ends[i++] = out.size();
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return new Entries(out.toByteArray(), ends);
  }

  /** One alert's document, as indexed. */
  static void writeDocument(JsonGenerator g, Envelope e) throws IOException {
    Alert a = e.alert();
    String time = FalcoJson.formatTime(a.time());
    g.writeStartObject();
    g.writeStringField("@timestamp", time);
    g.writeStringField("hostname", a.hostname());
    g.writeStringField("output", FalcoJson.renderOutputLine(a));
    g.writeObjectFieldStart("output_fields");
    for (Map.Entry<String, Object> f : a.outputFields().entrySet()) {
      writeValue(g, fieldKey(f.getKey()), f.getValue());
    }
    g.writeEndObject();
    g.writeStringField("priority", a.priority().label());
    g.writeStringField("rule", a.rule());
    g.writeStringField("source", a.source());
    g.writeArrayFieldStart("tags");
    for (String t : a.tags()) {
      g.writeString(t);
    }
    g.writeEndArray();
    g.writeStringField("time", time);
    g.writeStringField("uuid", e.id());
    writeContainer(g, a.outputFields());
    g.writeObjectFieldStart("vigil");
    g.writeStringField("alert_id", e.id());
    g.writeNumberField("severity", a.priority().ordinal());
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The indexed name of an output field: dots become underscores (see the class comment for why). */
  public static String fieldKey(String falcoName) {
    return falcoName.replace('.', '_');
  }

  private static void writeContainer(JsonGenerator g, Map<String, Object> f) throws IOException {
    Object id = f.get("container.id");
    Object name = f.get("container.name");
    Object image = f.get("container.image");
    if (image == null && f.get("container.image.repository") != null) {
      Object tag = f.get("container.image.tag");
      image = f.get("container.image.repository") + (tag == null || tag.toString().isEmpty() ? "" : ":" + tag);
    }
    if (id == null && name == null && image == null) {
      return;
    }
    g.writeObjectFieldStart("container");
    if (id != null) {
      g.writeStringField("id", id.toString());
    }
    if (name != null) {
      g.writeStringField("name", name.toString());
    }
    if (image != null) {
      g.writeStringField("image", image.toString());
    }
    g.writeEndObject();
  }

  private static void writeValue(JsonGenerator g, String key, Object v) throws IOException {
    if (v == null) {
      g.writeNullField(key);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumberField(key, ((Number) v).longValue());
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        g.writeNumberField(key, d);
      } else {
        g.writeNullField(key); // NaN is not JSON: it would fail the whole request, not just this alert
      }
    } else if (v instanceof Boolean b) {
      g.writeBooleanField(key, b);
    } else {
      g.writeStringField(key, v.toString());
    }
  }
}
