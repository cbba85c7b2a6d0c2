package dev.vigil.store;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertIds;
import dev.vigil.alert.AlertSink;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded alert store: every alert in a SQLite file ({@code <data-dir>/alerts.db}) that {@code vigil alerts}
 * queries, also while the agent runs (WAL mode: readers never wait for the writer, nor it for them).
 *
 * <p>It is an {@link AlertSink} with its own bounded queue and writer thread ({@code vigil-store}), not a
 * destination behind the disk spool of network sinks: the spool exists to survive a remote outage, and the store's
 * only "remote" is the same disk, so spooling would write each alert twice to it for nothing. {@link #accept} never
 * blocks the engine thread: a full queue (the disk stalls) drops the alert and counts it in
 * {@code vigil.sink.dropped{sink=store}}. The writer inserts whatever is queued in one transaction (up to
 * {@value #MAX_BATCH} alerts), so a burst costs one commit, not one per alert. {@link #close()} writes everything
 * still queued before it returns, so a stop or restart loses nothing; only a crash loses what was queued and not
 * yet committed (milliseconds of alerts).
 *
 * <p>Rows are keyed by the alert's id, the one the alerts file, stdout and the network sinks show for it. Storing is
 * idempotent on it ({@code INSERT OR IGNORE}): an alert offered again with the same id is stored once. Retention runs
 * at start and every {@link #RETENTION_EVERY} on the writer thread: alerts older than the configured retention are
 * deleted, then the oldest beyond {@code max_rows}; freed pages go back to the file system. Counters:
 * {@code vigil.sink.delivered|dropped|failures{sink=store}}, {@code vigil.store.expired{reason=age|rows}}.
 *
 * <p>Thread-safe: {@link #accept} and {@link #offer} from any thread.
 */
public final class AlertStore implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AlertStore.class);
  static final int MAX_BATCH = 1000;
  /** How often retention runs while the agent is up. */
  public static final Duration RETENTION_EVERY = Duration.ofMinutes(10);
  private static final int DELETE_CHUNK = 5000;
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final String SINK = "store";
  /** Put in the queue by {@link #close()} to wake the writer. */
  private static final StoredAlert CLOSE = new StoredAlert("",
      new Alert(java.time.Instant.EPOCH, "", dev.vigil.alert.Priority.DEBUG, "", "", List.of(), "", java.util.Map.of()));

  private final Path file;
  private final StoreConfig cfg;
  private final Metrics metrics;
  private final Clock clock;
  private final Connection conn;
  private final PreparedStatement insert;
  private final BlockingQueue<StoredAlert> queue;
  private final Thread writer;
  /** Offered and not yet written or failed. */
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean closing;
  private volatile long lastDropLog = System.nanoTime() - LOG_EVERY_NANOS;
  private long lastFailureLog = System.nanoTime() - LOG_EVERY_NANOS;

  private AlertStore(Path file, StoreConfig cfg, Metrics metrics, Clock clock, Connection conn) throws SQLException {
    this.file = file;
    this.cfg = cfg;
    this.metrics = metrics;
    this.clock = clock;
    this.conn = conn;
    this.insert = conn.prepareStatement(Schema.INSERT);
    this.queue = new ArrayBlockingQueue<>(cfg.queue());
    this.writer = Threads.daemon("vigil-store", this::writeLoop);
  }

  /**
   * Opens (creating it and its directory as needed) the database at {@code file}, checks its schema, and starts the
   * writer thread, which first applies retention.
   *
   * @param clock the source of "now" for retention
   * @throws StoreException with a message for the operator: corrupted or foreign file, locked by another process,
   *     newer schema, unwritable directory
   */
  public static AlertStore open(Path file, StoreConfig cfg, Metrics metrics, Clock clock) throws StoreException {
    return open(file, cfg, metrics, clock, 5_000);
  }

  static AlertStore open(Path file, StoreConfig cfg, Metrics metrics, Clock clock, int busyTimeoutMillis)
      throws StoreException {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StoreException("alerts database " + file + ": cannot create its directory: " + e, e);
    }
    Connection conn = null;
    try {
      conn = Schema.connect(file, false, busyTimeoutMillis);
      Schema.prepareForWriting(conn, file);
      AlertStore store = new AlertStore(file, cfg, metrics, clock, conn);
      store.writer.start();
      return store;
    } catch (SQLException e) {
      closeQuietly(conn);
      throw new StoreException(Schema.explain(file, e), e);
    } catch (StoreException e) {
      closeQuietly(conn);
      throw e;
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Queues the alert under its id ({@link Alert#id()}, which the alerts file and every network sink show too), or
   * under a fresh one from {@link AlertIds} when it has none (the store used on its own).
   */
  @Override
  public void accept(Alert alert) {
    offer(alert.id() != null ? alert.id() : AlertIds.next(), alert);
  }

  /**
   * Queues an alert under the caller's id. Never blocks.
   *
   * @return false when the alert was dropped (queue full, or the store is closing); the drop is counted
   */
  public boolean offer(String id, Alert alert) {
    if (!closing) {
      pending.incrementAndGet();
      if (queue.offer(new StoredAlert(id, alert))) {
        return true;
      }
      pending.decrementAndGet();
    }
    metrics.counter("vigil.sink.dropped", "sink", SINK).increment();
    long now = System.nanoTime();
    if (now - lastDropLog >= LOG_EVERY_NANOS) {
      lastDropLog = now;
      LOG.warn("alert store: {}; alerts are being dropped (vigil.sink.dropped{sink=store})",
          closing ? "closed" : "queue of " + cfg.queue() + " is full, the disk is not keeping up");
    }
    return false;
  }

  /** Alerts queued and not yet written. */
  public int queued() {
    return queue.size();
  }

  /**
   * Waits until everything queued before this call is committed (or failed and counted), or the timeout passes.
   *
   * @return true when nothing was left pending in time
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(2);
    }
    return true;
  }

  private void writeLoop() {
    long nextRetention = System.nanoTime();
    List<StoredAlert> batch = new ArrayList<>(MAX_BATCH);
    while (true) {
      try {
        if (!closing && System.nanoTime() - nextRetention >= 0) {
          retain();
          nextRetention = System.nanoTime() + RETENTION_EVERY.toNanos();
        }
        if (closing && queue.isEmpty()) {
          return;
        }
        StoredAlert first = queue.poll(Math.max(1, nextRetention - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (first == null || first == CLOSE) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        batch.removeIf(x -> x == CLOSE);
        write(batch);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("alert store: writer failed: {}", e.toString());
      } finally {
        pending.addAndGet(-batch.size());
        batch.clear();
      }
    }
  }

  /** Inserts one batch in one transaction; a busy database is waited for, other failures drop the batch. */
  private void write(List<StoredAlert> batch) {
    SQLException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        int added = insertBatch(batch);
        written.addAndGet(added);
        metrics.counter("vigil.sink.delivered", "sink", SINK).increment(batch.size());
        return;
      } catch (SQLException e) {
        failure = e;
        int code = Schema.code(e);
        if (code != Schema.SQLITE_BUSY && code != Schema.SQLITE_LOCKED) {
          break;
        }
      }
    }
    metrics.counter("vigil.sink.failures", "sink", SINK).increment(batch.size());
    long now = System.nanoTime();
    if (now - lastFailureLog >= LOG_EVERY_NANOS) {
      lastFailureLog = now;
      LOG.error("alert store: {} alerts not stored: {}", batch.size(), Schema.explain(file, failure));
    }
  }

  /**
   * Inserts alerts in one transaction on the calling thread, skipping ids already stored.
   *
   * @return how many rows were added
   */
  int insertBatch(List<StoredAlert> batch) throws SQLException {
    synchronized (conn) {
      try (Statement st = conn.createStatement()) {
        st.execute("BEGIN IMMEDIATE");
        try {
          for (StoredAlert s : batch) {
            Schema.bind(insert, s);
            insert.addBatch();
          }
          int added = 0;
          for (int n : insert.executeBatch()) {
            added += Math.max(n, 0);
          }
          st.execute("COMMIT");
          return added;
        } catch (SQLException | RuntimeException e) {
          insert.clearBatch();
          Schema.rollback(conn);
          throw e;
        }
      }
    }
  }

  /**
   * Applies retention now: deletes alerts older than the retention, then the oldest beyond {@code max_rows}.
   *
   * @return how many alerts were deleted
   */
  public long retain() {
    synchronized (conn) {
      try {
        long cutoff = Schema.nanos(clock.instant().minus(cfg.retention()));
        long byAge = deleteOlder("time_ns < ?", cutoff);
        long byRows = 0;
        try (PreparedStatement ps = conn.prepareStatement(
            "SELECT time_ns FROM alerts ORDER BY time_ns DESC LIMIT 1 OFFSET ?")) {
          ps.setLong(1, cfg.maxRows());
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              byRows = deleteOlder("time_ns <= ?", rs.getLong(1));
            }
          }
        }
        if (byAge > 0) {
          metrics.counter("vigil.store.expired", "reason", "age").increment(byAge);
        }
        if (byRows > 0) {
          metrics.counter("vigil.store.expired", "reason", "rows").increment(byRows);
        }
        if (byAge + byRows > 0) {
          try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA incremental_vacuum");
          }
          LOG.info("alert store: retention deleted {} alerts older than {} and {} beyond {} rows", byAge,
              cfg.retention().toString().substring(2).toLowerCase(java.util.Locale.ROOT), byRows, cfg.maxRows());
        }
        return byAge + byRows;
      } catch (SQLException e) {
        metrics.counter("vigil.sink.failures", "sink", SINK).increment();
        LOG.error("alert store: retention failed: {}", Schema.explain(file, e));
        return 0;
      }
    }
  }

  /** Deletes in chunks, one transaction each, so inserts are never held up long. */
  private long deleteOlder(String where, long bound) throws SQLException {
    long total = 0;
    try (PreparedStatement ps = conn.prepareStatement(
        "DELETE FROM alerts WHERE seq IN (SELECT seq FROM alerts WHERE " + where + " LIMIT " + DELETE_CHUNK + ")")) {
      while (true) {
        ps.setLong(1, bound);
        int n = ps.executeUpdate();
        total += n;
        if (n < DELETE_CHUNK) {
          return total;
        }
      }
    }
  }

  /** Alerts written by this store since it opened (duplicates not counted). */
  public long written() {
    return written.get();
  }

  /**
   * Stops taking alerts, writes everything still queued, and closes the file (checkpointing the WAL into it).
   * Waits at most 30 s for the writer.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (writer.isAlive() && !queue.offer(CLOSE, 50, TimeUnit.MILLISECONDS)) {
        if (System.nanoTime() - deadline >= 0) {
          break;
        }
      }
      writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.error("alert store: the writer did not finish within 30 s; {} alerts not stored", queue.size());
      writer.interrupt();
    } else if (!queue.isEmpty()) {
      // offered while close() began: written here rather than lost
      List<StoredAlert> rest = new ArrayList<>();
      queue.drainTo(rest);
      rest.removeIf(x -> x == CLOSE);
      if (!rest.isEmpty()) {
        write(rest);
        pending.addAndGet(-rest.size());
      }
    }
    synchronized (conn) {
      try (Statement st = conn.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (SQLException e) {
        LOG.debug("alert store: checkpoint on close failed: {}", e.getMessage());
      }
      try {
        insert.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
      closeQuietly(conn);
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing more to do with it
    }
  }
}
