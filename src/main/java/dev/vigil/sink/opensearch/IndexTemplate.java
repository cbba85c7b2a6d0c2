package dev.vigil.sink.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The composable index template ({@code PUT _index_template/<index>}) that maps Vigil's alert documents, so that
 * Kibana and OpenSearch Dashboards can filter, aggregate and chart them with no mapping work: {@code @timestamp}
 * and {@code time} are dates, rule, priority, source, hostname, tags, the alert id ({@code uuid}) and the
 * container's id, name and image are keywords, {@code output} is text with a keyword sub-field, output fields are
 * keywords (strings), longs or doubles, with command lines and log lines as text. The settings and mappings live in
 * {@code opensearch-template.json} next to this class; documented in {@code docs/OPENSEARCH.md}.
 *
 * <p>Uses only what Elasticsearch 7.8+ / 8.x and OpenSearch 1.x-3.x all accept: the composable template API,
 * {@code date}, {@code keyword}, {@code text}, {@code long}, {@code double}, {@code byte}, dynamic templates by
 * {@code path_match} and {@code match_mapping_type}.
 */
public final class IndexTemplate {

  /** Raised whenever the template changes, so that an installed copy can be recognised. */
  public static final int VERSION = 2;

  /** Above Elasticsearch's built-in templates (100) so ours wins for our own pattern. */
  static final int PRIORITY = 200;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private IndexTemplate() {}

  /** The template's name on the server: the configured index (or data stream) name. */
  public static String name(OpenSearchConfig cfg) {
    return cfg.index();
  }

  /** The template's body for {@code cfg}: daily indices {@code <index>-*}, or the data stream {@code <index>}. */
  public static ObjectNode body(OpenSearchConfig cfg) {
    ObjectNode t = MAPPER.createObjectNode();
    t.putArray("index_patterns").add(cfg.dataStream() ? cfg.index() : cfg.index() + "-*");
    if (cfg.dataStream()) {
      t.putObject("data_stream");
    }
    t.put("priority", PRIORITY);
    t.put("version", VERSION);
    t.putObject("_meta").put("managed_by", "vigil").put("description",
        "Vigil alerts in Falco's JSON shape; see docs/OPENSEARCH.md");
    t.set("template", settingsAndMappings());
    return t;
  }

  private static ObjectNode settingsAndMappings() {
    try (InputStream in = IndexTemplate.class.getResourceAsStream("opensearch-template.json")) {
      if (in == null) {
        throw new IllegalStateException("opensearch-template.json is missing from the jar");
      }
      return (ObjectNode) MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
