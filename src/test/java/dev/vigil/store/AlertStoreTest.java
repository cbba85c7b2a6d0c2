package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertStoreTest {

  static final Instant T0 = Instant.parse("2026-11-29T10:00:00.000000123Z");

  @TempDir
  Path dir;

  private final Metrics metrics = Metrics.inMemory();
  private final MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  static Alert alert(Instant t, String rule, Priority p, String container, String id) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", t.getEpochSecond() * 1_000_000_000L + t.getNano());
    f.put("evt.type", "execve");
    f.put("container.id", id);
    f.put("container.name", container);
    f.put("container.image.repository", "nginx");
    f.put("container.image.tag", "1.27");
    f.put("proc.cmdline", "sh -c 'echo \u001b[31m'");
    f.put("proc.pid", 4242);
    f.put("vigil.ratio", 0.25);
    f.put("fd.name", null);
    f.put("evt.is_open_write", true);
    return new Alert(t, rule, p, rule + " in " + container + " (cmd=sh\n)", "syscall", List.of("container", "T1059"),
        "host-1", f);
  }

  private AlertStore store(StoreConfig cfg) throws StoreException {
    AlertStore s = AlertStore.open(dir.resolve("alerts.db"), cfg, metrics, clock);
    open.add(s);
    return s;
  }

  private AlertStore store() throws StoreException {
    return store(StoreConfig.defaults());
  }

  private AlertReader reader() throws StoreException {
    AlertReader r = AlertReader.open(dir.resolve("alerts.db"));
    open.add(r);
    return r;
  }

  @Test
  void storedAlertsComeBackAsTheSameFalcoJson_oldestFirst() throws Exception {
    AlertStore s = store();
    Alert a = alert(T0, "Shell in container", Priority.WARNING, "web", "0123456789ab");
    Alert b = alert(T0.plusSeconds(5), "Reverse shell", Priority.CRITICAL, "db", "abcdef012345");
    s.offer("id-a", a);
    s.offer("id-b", b);
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();

    List<StoredAlert> found = reader().find(AlertQuery.latest(10));
    assertThat(found).extracting(StoredAlert::id).containsExactly("id-a", "id-b");
    // the stored alert comes back with the id it was stored under, as its Falco JSON's uuid
    assertThat(FalcoJson.toJson(found.get(0).alert())).isEqualTo(FalcoJson.toJson(a.withId("id-a")));
    assertThat(FalcoJson.toJson(found.get(1).alert())).isEqualTo(FalcoJson.toJson(b.withId("id-b")));
    assertThat(found.get(0).alert().time()).isEqualTo(T0);
    assertThat(metrics.count("vigil.sink.delivered", "sink", "store")).isEqualTo(2);
  }

  @Test
  void theSameIdTwiceIsStoredOnce_keepingTheFirst() throws Exception {
    AlertStore s = store();
    s.offer("same", alert(T0, "First", Priority.ERROR, "web", "0123456789ab"));
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
    s.offer("same", alert(T0.plusSeconds(1), "Second", Priority.ERROR, "web", "0123456789ab"));
    s.offer("other", alert(T0.plusSeconds(2), "Third", Priority.ERROR, "web", "0123456789ab"));
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();

    AlertReader r = reader();
    assertThat(r.count()).isEqualTo(2);
    assertThat(r.find(AlertQuery.latest(10))).extracting(x -> x.alert().rule()).containsExactly("First", "Third");
    assertThat(s.written()).isEqualTo(2);
  }

  @Test
  void acceptAssignsFreshIds() throws Exception {
    AlertStore s = store();
    Alert a = alert(T0, "Same alert", Priority.ERROR, "web", "0123456789ab");
    s.accept(a);
    s.accept(a);
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(reader().count()).isEqualTo(2);
  }

  @Test
  void eachFilterSelectsItsAlerts() throws Exception {
    AlertStore s = store();
    s.offer("1", alert(T0, "Shell in container", Priority.NOTICE, "web", "aaaa11112222"));
    s.offer("2", alert(T0.plusSeconds(60), "Shell in container", Priority.WARNING, "db", "bbbb11112222"));
    s.offer("3", alert(T0.plusSeconds(120), "Reverse shell", Priority.CRITICAL, "web", "aaaa11112222"));
    s.offer("4", alert(T0.plusSeconds(180), "Write below etc", Priority.ERROR, "cache", "cccc11112222"));
    s.offer("5", alert(T0.plusSeconds(240), "Shell spawned by web server", Priority.DEBUG, "web", "aaaa11112222"));
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
    AlertReader r = reader();

    assertThat(ids(r, new AlertQuery(T0.plusSeconds(60), null, null, null, null, 100))).containsExactly("2", "3", "4",
        "5");
    assertThat(ids(r, new AlertQuery(null, T0.plusSeconds(120), null, null, null, 100))).containsExactly("1", "2");
    assertThat(ids(r, new AlertQuery(T0.plusSeconds(60), T0.plusSeconds(180), null, null, null, 100)))
        .containsExactly("2", "3");
    assertThat(ids(r, new AlertQuery(null, null, "Shell in container", null, null, 100))).containsExactly("1", "2");
    assertThat(ids(r, new AlertQuery(null, null, "Shell*", null, null, 100))).containsExactly("1", "2", "5");
    assertThat(ids(r, new AlertQuery(null, null, "shell in container", null, null, 100))).isEmpty();
    assertThat(ids(r, new AlertQuery(null, null, null, "web", null, 100))).containsExactly("1", "3", "5");
    assertThat(ids(r, new AlertQuery(null, null, null, "bbbb", null, 100))).containsExactly("2");
    assertThat(ids(r, new AlertQuery(null, null, null, "ccc", null, 100))).containsExactly("4");
    assertThat(ids(r, new AlertQuery(null, null, null, "nope", null, 100))).isEmpty();
    assertThat(ids(r, new AlertQuery(null, null, null, null, Priority.ERROR, 100))).containsExactly("3", "4");
    assertThat(ids(r, new AlertQuery(null, null, null, null, Priority.WARNING, 100))).containsExactly("2", "3", "4");
    assertThat(ids(r, new AlertQuery(null, null, null, null, null, 2))).containsExactly("4", "5");
    assertThat(ids(r, new AlertQuery(T0, null, "Shell*", "web", Priority.NOTICE, 100))).containsExactly("1");
  }

  private static List<String> ids(AlertReader r, AlertQuery q) throws StoreException {
    return r.find(q).stream().map(StoredAlert::id).toList();
  }

  @Test
  void retentionDeletesAlertsOlderThanTheRetention() throws Exception {
    clock.set(T0);
    AlertStore s = store(new StoreConfig(true, null, Duration.ofDays(7), 1_000_000L, 1000));
    for (int d = 0; d < 10; d++) {
      s.offer("d" + d, alert(T0.minus(Duration.ofDays(d)).minusSeconds(1), "R", Priority.ERROR, "web",
          "aaaa11112222"));
    }
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(s.retain()).isEqualTo(3); // 7, 8 and 9 days (and a second) old
    assertThat(ids(reader(), AlertQuery.latest(100))).containsExactly("d6", "d5", "d4", "d3", "d2", "d1", "d0");

    clock.set(T0.plus(Duration.ofDays(3)));
    assertThat(s.retain()).isEqualTo(3);
    assertThat(metrics.count("vigil.store.expired", "reason", "age")).isEqualTo(6);
    assertThat(s.retain()).isZero();
  }

  @Test
  void retentionKeepsAtMostMaxRows_theNewest() throws Exception {
    AlertStore s = store(new StoreConfig(true, null, Duration.ofDays(30), 100L, 1000));
    for (int i = 0; i < 250; i++) {
      s.offer("a" + i, alert(T0.plusSeconds(i), "R", Priority.ERROR, "web", "aaaa11112222"));
    }
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(s.retain()).isEqualTo(150);
    AlertReader r = reader();
    assertThat(r.count()).isEqualTo(100);
    List<String> left = ids(r, AlertQuery.latest(1000));
    assertThat(left.get(0)).isEqualTo("a150");
    assertThat(left.get(99)).isEqualTo("a249");
    assertThat(metrics.count("vigil.store.expired", "reason", "rows")).isEqualTo(150);
  }

  @Test
  void openAppliesRetentionAtStart() throws Exception {
    Path file = dir.resolve("alerts.db");
    try (AlertStore s = AlertStore.open(file, StoreConfig.defaults(), metrics, clock)) {
      s.offer("old", alert(T0.minus(Duration.ofDays(40)), "R", Priority.ERROR, "web", "aaaa11112222"));
      s.offer("new", alert(T0, "R", Priority.ERROR, "web", "aaaa11112222"));
    }
    try (AlertStore s = AlertStore.open(file, StoreConfig.defaults(), metrics, clock)) {
      assertThat(s.file()).isEqualTo(file);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (metrics.count("vigil.store.expired", "reason", "age") < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    }
    assertThat(ids(reader(), AlertQuery.latest(10))).containsExactly("new");
  }

  @Test
  void closeWritesEverythingStillQueued() throws Exception {
    Path file = dir.resolve("alerts.db");
    AlertStore s = AlertStore.open(file, new StoreConfig(true, null, Duration.ofDays(30), 1_000_000L, 20_000),
        metrics, clock);
    for (int i = 0; i < 10_000; i++) {
      assertThat(s.offer("c" + i, alert(T0.plusMillis(i), "R", Priority.ERROR, "web", "aaaa11112222"))).isTrue();
    }
    s.close();
    assertThat(s.offer("late", alert(T0, "R", Priority.ERROR, "web", "aaaa11112222"))).isFalse();
    assertThat(reader().count()).isEqualTo(10_000);
    assertThat(metrics.count("vigil.sink.dropped", "sink", "store")).isEqualTo(1);
    // the WAL was checkpointed into the main file on close
    assertThat(Files.exists(dir.resolve("alerts.db-wal")) ? Files.size(dir.resolve("alerts.db-wal")) : 0L)
        .isZero();
  }

  @Test
  void aReaderSeesCommittedAlertsWhileTheWriterWrites() throws Exception {
    AlertStore s = store(new StoreConfig(true, null, Duration.ofDays(30), 1_000_000L, 50_000));
    int chunks = 10;
    int perChunk = 2000;
    AtomicReference<Throwable> readerFailure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicLong lastSeen = new java.util.concurrent.atomic.AtomicLong();
    java.util.Set<Long> distinct = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread readerThread = new Thread(() -> {
      try (AlertReader r = AlertReader.open(dir.resolve("alerts.db"))) {
        long last = 0;
        while (last < (long) chunks * perChunk) {
          long n = r.count();
          if (n < last) {
            throw new AssertionError("count went back from " + last + " to " + n);
          }
          List<StoredAlert> newest = r.find(AlertQuery.latest(5));
          if (n > 0 && newest.isEmpty()) {
            throw new AssertionError("count " + n + " but no rows");
          }
          distinct.add(n);
          last = n;
          lastSeen.set(n);
        }
      } catch (Throwable t) {
        readerFailure.set(t);
      }
    });
    readerThread.start();
    int id = 0;
    for (int c = 1; c <= chunks; c++) {
      for (int i = 0; i < perChunk; i++, id++) {
        s.offer("w" + id, alert(T0.plusMillis(id), "R", Priority.ERROR, "web", "aaaa11112222"));
      }
      assertThat(s.flush(Duration.ofSeconds(30))).isTrue();
      // the reader, querying all along, must see this chunk committed before the next one is written
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (lastSeen.get() < (long) c * perChunk && readerFailure.get() == null && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }
    readerThread.join(30_000);
    assertThat(readerFailure.get()).isNull();
    assertThat(lastSeen.get()).isEqualTo((long) chunks * perChunk);
    assertThat(distinct.size()).as("the reader saw the intermediate states").isGreaterThanOrEqualTo(chunks);
  }

  @Test
  void aFullQueueDropsAndCounts_neverBlocks() throws Exception {
    Path file = dir.resolve("alerts.db");
    AlertStore s = AlertStore.open(file, new StoreConfig(true, null, Duration.ofDays(30), 1_000_000L, 100),
        metrics, clock, 60_000);
    open.add(s);
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = other.createStatement()) {
      st.execute("BEGIN IMMEDIATE"); // another process holds the write lock: the writer waits
      long start = System.nanoTime();
      int accepted = 0;
      for (int i = 0; i < 1000; i++) {
        if (s.offer("q" + i, alert(T0.plusMillis(i), "R", Priority.ERROR, "web", "aaaa11112222"))) {
          accepted++;
        }
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      // the queue's 100, plus at most the batch the writer took out before it blocked
      assertThat(accepted).isBetween(100, 201);
      assertThat(metrics.count("vigil.sink.dropped", "sink", "store")).isEqualTo(1000 - accepted);
      st.execute("ROLLBACK");
    }
    assertThat(s.flush(Duration.ofSeconds(30))).isTrue();
    assertThat(reader().count()).isEqualTo(metrics.count("vigil.sink.delivered", "sink", "store"))
        .isBetween(100L, 201L);
  }

  @Test
  void aCorruptedFileIsAClearError() throws Exception {
    Path file = dir.resolve("alerts.db");
    byte[] junk = new byte[8192];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) (i * 31);
    }
    Files.write(file, junk);
    assertThatThrownBy(() -> AlertStore.open(file, StoreConfig.defaults(), metrics, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("corrupted or not a SQLite database");
    assertThatThrownBy(() -> AlertReader.open(file))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("corrupted or not a SQLite database");
  }

  @Test
  void aTextFileIsNotADatabase() throws Exception {
    Path file = dir.resolve("alerts.db");
    Files.writeString(file, "{\"rule\":\"this is alerts.jsonl, not a database\"}\n".repeat(200),
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> AlertStore.open(file, StoreConfig.defaults(), metrics, clock))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("corrupted or not a SQLite database");
  }

  @Test
  void aDatabaseLockedByAnotherProcessIsAClearError() throws Exception {
    Path file = dir.resolve("alerts.db");
    AlertStore.open(file, StoreConfig.defaults(), metrics, clock).close();
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = other.createStatement()) {
      st.execute("PRAGMA locking_mode = EXCLUSIVE");
      st.execute("BEGIN EXCLUSIVE");
      long start = System.nanoTime();
      assertThatThrownBy(() -> AlertStore.open(file, StoreConfig.defaults(), metrics, clock, 200))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("locked by another process");
      // the busy timeout given was applied (the default one waits 5 s)
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      st.execute("ROLLBACK");
    }
  }

  @Test
  void readerConnectionsAreReadOnly() throws Exception {
    AlertStore s = store();
    s.offer("x", alert(T0, "R", Priority.ERROR, "web", "aaaa11112222"));
    assertThat(s.flush(Duration.ofSeconds(10))).isTrue();
    try (Connection c = Schema.connect(dir.resolve("alerts.db"), true, 100); Statement st = c.createStatement()) {
      assertThatThrownBy(() -> st.executeUpdate("DELETE FROM alerts"))
          .isInstanceOfSatisfying(java.sql.SQLException.class,
              e -> assertThat(Schema.code(e)).isEqualTo(Schema.SQLITE_READONLY));
    }
    assertThat(reader().count()).isEqualTo(1);
  }

  @Test
  void aNewerSchemaIsRefused() throws Exception {
    Path file = dir.resolve("alerts.db");
    AlertStore.open(file, StoreConfig.defaults(), metrics, clock).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("UPDATE schema_version SET version = 99");
    }
    assertThatThrownBy(() -> AlertStore.open(file, StoreConfig.defaults(), metrics, clock))
        .isInstanceOf(StoreException.class).hasMessageContaining("schema version 99").hasMessageContaining("newer");
    assertThatThrownBy(() -> AlertReader.open(file))
        .isInstanceOf(StoreException.class).hasMessageContaining("schema version 99");
  }

  @Test
  void aForeignSqliteFileIsNotTakenForAlerts() throws Exception {
    Path file = dir.resolve("other.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (x)");
    }
    assertThatThrownBy(() -> AlertReader.open(file))
        .isInstanceOf(StoreException.class).hasMessageContaining("not a Vigil alerts database");
  }

  @Test
  void noFileIsAClearErrorForReaders() {
    assertThatThrownBy(() -> AlertReader.open(dir.resolve("missing.db")))
        .isInstanceOf(StoreException.class).hasMessageContaining("no alerts database at");
  }

  @Test
  void theDatabaseIsInWalMode() throws Exception {
    store();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("alerts.db"));
        Statement st = c.createStatement(); var rs = st.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
