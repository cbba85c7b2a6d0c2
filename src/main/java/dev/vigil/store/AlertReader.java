package dev.vigil.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads the alert database, read-only, for {@code vigil alerts}. In WAL mode a reader sees the last committed state
 * and neither waits for the running agent's writer nor holds it up. Not thread-safe: one reader per thread.
 */
public final class AlertReader implements AutoCloseable {

  private final Path file;
  private final Connection conn;

  private AlertReader(Path file, Connection conn) {
    this.file = file;
    this.conn = conn;
  }

  /**
   * Opens an existing database.
   *
   * @throws StoreException when there is no file, or it is not a (current) Vigil alerts database, or is corrupted
   */
  public static AlertReader open(Path file) throws StoreException {
    if (!Files.isRegularFile(file)) {
      throw new StoreException("no alerts database at " + file + " (the agent creates it when it runs with the "
          + "store enabled; use --data-dir or --db to point elsewhere)");
    }
    Connection conn = null;
    try {
      conn = Schema.connect(file, true, 5_000);
      Schema.checkForReading(conn, file);
      return new AlertReader(file, conn);
    } catch (SQLException e) {
      close(conn);
      throw new StoreException(Schema.explain(file, e), e);
    } catch (StoreException e) {
      close(conn);
      throw e;
    }
  }

  /**
   * The newest {@code q.limit()} alerts matching the query, oldest first.
   *
   * @throws StoreException when the file cannot be read (corrupted, locked)
   */
  public List<StoredAlert> find(AlertQuery q) throws StoreException {
    StringBuilder sql = new StringBuilder("SELECT ").append(Schema.COLUMNS).append(" FROM alerts WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (q.since() != null) {
      sql.append(" AND time_ns >= ?");
      args.add(Schema.nanos(q.since()));
    }
    if (q.until() != null) {
      sql.append(" AND time_ns < ?");
      args.add(Schema.nanos(q.until()));
    }
    if (q.rule() != null) {
      boolean glob = q.rule().indexOf('*') >= 0 || q.rule().indexOf('?') >= 0;
      sql.append(glob ? " AND rule GLOB ?" : " AND rule = ?");
      args.add(q.rule());
    }
    if (q.container() != null) {
      String c = q.container();
      if (c.length() >= 3 && c.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
        sql.append(" AND (container_name = ? OR container_id GLOB ?)");
        args.add(c);
        args.add(c.toLowerCase(java.util.Locale.ROOT) + "*");
      } else {
        sql.append(" AND container_name = ?");
        args.add(c);
      }
    }
    if (q.id() != null) {
      sql.append(" AND alert_id GLOB ?");
      args.add(q.id().toLowerCase(java.util.Locale.ROOT) + "*");
    }
    if (q.minPriority() != null) {
      sql.append(" AND priority <= ?");
      args.add(q.minPriority().ordinal());
    }
    sql.append(" ORDER BY time_ns DESC, seq DESC LIMIT ?");
    args.add(q.limit());
    try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<StoredAlert> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(Schema.read(rs));
        }
      }
      Collections.reverse(out);
      return out;
    } catch (SQLException e) {
      throw new StoreException(Schema.explain(file, e), e);
    }
  }

  /** How many alerts the database holds. */
  public long count() throws StoreException {
    try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM alerts")) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new StoreException(Schema.explain(file, e), e);
    }
  }

  @Override
  public void close() {
    close(conn);
  }

  private static void close(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // read-only: nothing to lose
    }
  }
}
