package dev.vigil.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.ConfigBinding;
import dev.vigil.common.DurationText;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code store} section of the configuration file: the embedded alert database that {@code vigil alerts}
 * reads. On by default. Immutable.
 *
 * <pre>{@code
 * store:
 *   enabled: true
 *   path: /var/lib/vigil/alerts.db   # default: <data-dir>/alerts.db
 *   retention: 30d                   # alerts older than this are deleted
 *   max_rows: 1000000                # and the oldest beyond this many
 *   queue: 10000                     # alerts waiting to be written; beyond it they are dropped and counted
 * }</pre>
 *
 * @param path the database file, null for {@code <data-dir>/alerts.db}
 */
public record StoreConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("path") Path path,
    @JsonProperty("retention") @JsonDeserialize(using = DurationText.Deserializer.class) Duration retention,
    @JsonProperty("max_rows") Long maxRows,
    @JsonProperty("queue") Integer queue) {

  public static final String FILE = "alerts.db";
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  public static final long DEFAULT_MAX_ROWS = 1_000_000;
  public static final int DEFAULT_QUEUE = 10_000;
  private static final String SECTION = "store";

  public StoreConfig {
    enabled = enabled == null || enabled;
    if (path != null && path.toString().isBlank()) {
      throw new IllegalArgumentException(SECTION + ".path is empty (leave it out for <data-dir>/" + FILE + ")");
    }
    maxRows = maxRows == null ? DEFAULT_MAX_ROWS : maxRows;
    queue = queue == null ? DEFAULT_QUEUE : queue;
    retention = retention == null ? DEFAULT_RETENTION : retention;
    if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(SECTION + ".retention must be at least 1m, not " + retention);
    }
    if (maxRows < 100) {
      throw new IllegalArgumentException(SECTION + ".max_rows must be at least 100, not " + maxRows);
    }
    if (queue < 1 || queue > 1_000_000) {
      throw new IllegalArgumentException(SECTION + ".queue must be between 1 and 1000000, not " + queue);
    }
  }

  /** The defaults: enabled, {@code <data-dir>/alerts.db}, 30 days, a million rows. */
  public static StoreConfig defaults() {
    return new StoreConfig(null, null, null, null, null);
  }

  /**
   * Binds the raw {@code store} node of the configuration file (null or missing: the defaults).
   *
   * @throws IllegalArgumentException with a one-line message naming the key
   */
  public static StoreConfig bind(JsonNode node) {
    return ConfigBinding.bind(node, StoreConfig.class, SECTION);
  }

  /** The database file for an agent whose data directory is {@code dataDir}. */
  public Path file(Path dataDir) {
    return path != null ? path : dataDir.resolve(FILE);
  }
}
