package dev.vigil.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The alert database's schema (version {@value #VERSION}), how connections are opened, how rows map to alerts, and
 * how SQLite's error codes become messages an operator can act on. One table {@code alerts}, one row per alert,
 * keyed by the alert id ({@code INSERT OR IGNORE} makes storing idempotent), with the columns {@code vigil alerts}
 * filters on indexed together with the time; the full output fields and tags are kept as JSON so the Falco JSON of
 * an alert can be rebuilt exactly. {@code schema_version} holds the version so a later Vigil can migrate and an
 * older one refuses a newer file instead of misreading it.
 */
final class Schema {

  static final int VERSION = 1;

  private static final List<String> CREATE = List.of(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
      "CREATE TABLE IF NOT EXISTS alerts ("
          + "seq INTEGER PRIMARY KEY, "
          + "alert_id TEXT NOT NULL UNIQUE, "
          + "time_ns INTEGER NOT NULL, "
          + "priority INTEGER NOT NULL, "
          + "rule TEXT NOT NULL, "
          + "source TEXT, "
          + "hostname TEXT, "
          + "container_id TEXT, "
          + "container_name TEXT, "
          + "image TEXT, "
          + "output TEXT NOT NULL, "
          + "tags TEXT NOT NULL, "
          + "output_fields TEXT NOT NULL)",
      "CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time_ns)",
      "CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule, time_ns)",
      "CREATE INDEX IF NOT EXISTS alerts_container_name ON alerts (container_name, time_ns)",
      "CREATE INDEX IF NOT EXISTS alerts_container_id ON alerts (container_id, time_ns)",
      "CREATE INDEX IF NOT EXISTS alerts_priority ON alerts (priority, time_ns)");

  static final String INSERT = "INSERT OR IGNORE INTO alerts (alert_id, time_ns, priority, rule, source, hostname, "
      + "container_id, container_name, image, output, tags, output_fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  static final String COLUMNS = "alert_id, time_ns, priority, rule, source, hostname, output, tags, output_fields";

  /** NaN and infinities are not JSON, but a field may hold one: written and read back as Jackson's tokens. */
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();
  private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() {};
  private static final TypeReference<List<String>> TAGS = new TypeReference<>() {};

  private Schema() {}

  // SQLite's primary result codes (sqlite3.h), as the driver reports them in SQLException.getErrorCode().
  static final int SQLITE_PERM = 3;
  static final int SQLITE_BUSY = 5;
  static final int SQLITE_LOCKED = 6;
  static final int SQLITE_READONLY = 8;
  static final int SQLITE_CORRUPT = 11;
  static final int SQLITE_FULL = 13;
  static final int SQLITE_CANTOPEN = 14;
  static final int SQLITE_NOTADB = 26;
  /** sqlite3_open_v2 flags: READONLY, or READWRITE | CREATE. */
  private static final int OPEN_READONLY = 0x1;
  private static final int OPEN_READWRITE_CREATE = 0x2 | 0x4;

  /**
   * Opens a connection for the writer (creating the file) or for a reader (read-only, the file must exist). Plain
   * JDBC with the xerial driver's connection properties ({@code open_mode}, {@code busy_timeout}), so nothing of
   * Vigil compiles against the driver's own classes.
   */
  static Connection connect(Path file, boolean readOnly, int busyTimeoutMillis) throws SQLException {
    Properties p = new Properties();
    p.setProperty("open_mode", Integer.toString(readOnly ? OPEN_READONLY : OPEN_READWRITE_CREATE));
    p.setProperty("busy_timeout", Integer.toString(busyTimeoutMillis));
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), p);
  }

  /** Sets the writer's pragmas and creates or checks the schema. */
  static void prepareForWriting(Connection conn, Path file) throws SQLException, StoreException {
    try (Statement st = conn.createStatement()) {
      // Only takes effect on a new, empty file; lets retention give pages back to the file system.
      st.execute("PRAGMA auto_vacuum = INCREMENTAL");
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
        if (!rs.next() || !"wal".equalsIgnoreCase(rs.getString(1))) {
          throw new StoreException("alerts database " + file + ": cannot switch to WAL mode (is it on a network "
              + "file system?)");
        }
      }
      // WAL + NORMAL: a commit survives a crash of the agent; a power loss may take the last commits back.
      st.execute("PRAGMA synchronous = NORMAL");
    }
    // Transactions are explicit (BEGIN IMMEDIATE ... COMMIT) on an auto-commit connection: the writer takes the
    // write lock when it starts a batch, never while idle.
    try (Statement st = conn.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      try {
        int found = version(conn);
        if (found > VERSION) {
          throw new StoreException("alerts database " + file + " has schema version " + found
              + ", written by a newer Vigil (this one knows version " + VERSION + "); upgrade, or move the file "
              + "away");
        }
        for (String ddl : CREATE) {
          st.execute(ddl);
        }
        if (found == 0) {
          st.execute("DELETE FROM schema_version");
          st.execute("INSERT INTO schema_version (version) VALUES (" + VERSION + ")");
        }
        st.execute("COMMIT");
      } catch (SQLException | StoreException e) {
        rollback(conn);
        throw e;
      }
    }
  }

  static void rollback(Connection conn) {
    try (Statement st = conn.createStatement()) {
      st.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction open, or the connection is gone: the first error is the one to report
    }
  }

  /** Checks a reader's file: Vigil's schema, not newer than this code. */
  static void checkForReading(Connection conn, Path file) throws SQLException, StoreException {
    int found = version(conn);
    if (found == 0) {
      throw new StoreException(file + " is not a Vigil alerts database (no schema_version table)");
    }
    if (found > VERSION) {
      throw new StoreException("alerts database " + file + " has schema version " + found
          + ", written by a newer Vigil (this one reads version " + VERSION + ")");
    }
  }

  /** The stored schema version, 0 when the file has none yet. */
  private static int version(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet t = st.executeQuery(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")) {
      if (t.next() && t.getInt(1) == 0) {
        return 0;
      }
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** Binds one alert to {@link #INSERT}. */
  static void bind(PreparedStatement ps, StoredAlert s) throws SQLException {
    Alert a = s.alert();
    Map<String, Object> f = a.outputFields();
    ps.setString(1, s.id());
    ps.setLong(2, nanos(a.time()));
    ps.setInt(3, a.priority().ordinal());
    ps.setString(4, a.rule());
    ps.setString(5, a.source());
    ps.setString(6, a.hostname());
    ps.setString(7, text(f.get("container.id")));
    ps.setString(8, text(f.get("container.name")));
    ps.setString(9, image(f));
    ps.setString(10, a.output());
    try {
      ps.setString(11, JSON.writeValueAsString(a.tags()));
      ps.setString(12, JSON.writeValueAsString(f));
    } catch (JsonProcessingException e) {
      throw new SQLException("cannot encode the alert's fields: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads one row selected with {@link #COLUMNS}. */
  static StoredAlert read(ResultSet rs) throws SQLException {
    long ns = rs.getLong(2);
    Priority[] ps = Priority.values();
    int p = rs.getInt(3);
    try {
      Map<String, Object> fields = JSON.readValue(rs.getString(9), FIELDS);
      List<String> tags = JSON.readValue(rs.getString(8), TAGS);
      Alert a = new Alert(Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)),
          rs.getString(4), ps[Math.max(0, Math.min(p, ps.length - 1))], rs.getString(7), rs.getString(5), tags,
          rs.getString(6), fields, rs.getString(1));
      return new StoredAlert(rs.getString(1), a);
    } catch (JsonProcessingException e) {
      throw new SQLException("alert " + rs.getString(1) + " has unreadable JSON: " + e.getOriginalMessage(), e);
    }
  }

  static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  private static String text(Object v) {
    return v == null ? null : v.toString();
  }

  private static String image(Map<String, Object> f) {
    Object image = f.get("container.image");
    if (image != null) {
      return image.toString();
    }
    Object repo = f.get("container.image.repository");
    if (repo == null) {
      return null;
    }
    Object tag = f.get("container.image.tag");
    return tag == null || tag.toString().isEmpty() ? repo.toString() : repo + ":" + tag;
  }

  /** SQLite's primary result code of an error (the low byte of an extended code). */
  static int code(SQLException e) {
    return e.getErrorCode() & 0xff;
  }

  /** An operator's explanation of a failure to open or use {@code file}. */
  static String explain(Path file, SQLException e) {
    int code = code(e);
    String what = "alerts database " + file;
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
      return what + " is corrupted or not a SQLite database; move it away (the agent then starts a new one) or "
          + "point store.path elsewhere";
    }
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return what + " is locked by another process (is another vigil monitor using the same data directory?)";
    }
    if (code == SQLITE_CANTOPEN) {
      return what + " cannot be opened (does the directory exist and may this user write it?)";
    }
    if (code == SQLITE_READONLY || code == SQLITE_PERM) {
      return what + " is read-only for this user";
    }
    if (code == SQLITE_FULL) {
      return what + ": the disk is full";
    }
    return what + ": " + e.getMessage();
  }
}
