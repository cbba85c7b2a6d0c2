package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.Event;
import dev.vigil.event.LogLine;
import dev.vigil.event.SensorNotice;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log sensor reading with the engine's timestamps, against the real engine: the stamps never reach the lines
 * (not even inside a line the engine split into 16 KiB messages), and a stream read further behind than the bound
 * (here made so by moving the sensor's clock 5 s ahead once lines flow) is reopened from now, counted and noticed,
 * and keeps being read. Containers are named {@code vigil-loss-it-*} and removed by name.
 */
class DockerLogsLagIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static final String SPLIT = "vigil-loss-it-logsplit";
  private static final String TTY = "vigil-loss-it-logtty";
  private static final String TICK = "vigil-loss-it-logtick";
  private static final String GONE = "vigil-loss-it-loggone";
  private static DockerConnection conn;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private DockerLogsSensor logs;

  @BeforeAll
  static void connect() throws Exception {
    conn = DockerConnection.open(DockerSettings.defaults());
    remove();
  }

  @AfterAll
  static void disconnect() {
    remove();
    conn.close();
  }

  @AfterEach
  void closeSensor() {
    if (logs != null) {
      logs.close();
    }
  }

  private static void remove() {
    conn.requests().listContainersCmd().withShowAll(true).withNameFilter(List.of(SPLIT, TTY, TICK, GONE)).exec()
        .forEach(c -> conn.requests().removeContainerCmd(c.getId()).withForce(true).exec());
  }

  private DockerLogsSensor start(Clock clock, Duration maxLag) throws Exception {
    DockerInventory inv = new DockerInventory(conn);
    new DockerEventsSensor(conn, inv, events::add, metrics, Duration.ofSeconds(5), Duration.ofMinutes(5)).start();
    logs = new DockerLogsSensor(conn, inv, events::add, clock, 65_536, metrics, maxLag);
    logs.start();
    return logs;
  }

  private static void run(String name, boolean tty, String script) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network", "none"));
    if (tty) {
      cmd.add("-t");
    }
    cmd.addAll(List.of(IMAGE, "sh", "-c", script));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  private <T extends Event> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      for (Event e : events) {
        if (type.isInstance(e) && match.test(type.cast(e))) {
          return type.cast(e);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching " + type.getSimpleName() + " in 30 s");
  }

  @Test
  void stampsAreTakenOff_evenInsideALineTheEngineSplit_andTheLagIsMeasured() throws Exception {
    start(Clock.systemUTC(), Duration.ofSeconds(10));
    run(SPLIT, false, "sleep 1; head -c 40000 /dev/zero | tr '\\0' B; echo; echo after; sleep 30");
    run(TTY, true, "sleep 1; echo tty-line; sleep 30");
    LogLine after = await(LogLine.class, l -> l.text().equals("after"));
    LogLine big = await(LogLine.class, l -> l.container().name().equals(SPLIT) && l.text().startsWith("B"));
    assertThat(big.text()).as("three engine messages, one line, no stamp inside").hasSize(40_000).matches("B+");
    assertThat(big.originalBytes()).isEqualTo(40_000);
    assertThat(after.container().name()).isEqualTo(SPLIT);
    assertThat(await(LogLine.class, l -> l.container().name().equals(TTY)).text()).isEqualTo("tty-line");
    assertThat(logs.lags()).anySatisfy(l -> {
      assertThat(l.container()).isEqualTo(SPLIT);
      assertThat(l.lagMillis()).isBetween(0L, 5_000L);
      assertThat(l.sheds()).isZero();
    });
    assertThat(metrics.registry().find("vigil.log.lag").tag("container", SPLIT).gauge()).isNotNull();
  }

  @Test
  void aStreamBehindTheBound_isReopenedFromNow_countedAndNoticed_andStillRead() throws Exception {
    java.util.concurrent.atomic.AtomicLong offset = new java.util.concurrent.atomic.AtomicLong();
    Clock jumping = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public java.time.Instant instant() {
        return Clock.systemUTC().instant().plusMillis(offset.get());
      }
    };
    start(jumping, Duration.ofSeconds(1));
    run(TICK, false, "i=0; while [ $i -lt 200 ]; do echo tick-$i; i=$((i+1)); usleep 200000; done");
    await(LogLine.class, l -> l.container().name().equals(TICK) && l.text().equals("tick-3"));
    assertThat(events).noneMatch(e -> e instanceof SensorNotice);
    offset.set(5_000); // from now on every line reads 5 s late, as if the stream had fallen behind
    SensorNotice n = await(SensorNotice.class, x -> x.what().equals("skipped")
        && x.container().name().equals(TICK));
    assertThat(n.sensor()).isEqualTo(DockerLogsSensor.NAME);
    assertThat(n.count()).as("milliseconds skipped").isBetween(4_900L, 15_000L);
    assertThat(n.message()).contains(TICK).contains("behind (bound 1s)");
    long linesAtNotice = events.stream().filter(e -> e instanceof LogLine l && l.container().name().equals(TICK))
        .count();
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end && events.stream()
        .filter(e -> e instanceof LogLine l && l.container().name().equals(TICK)).count() < linesAtNotice + 3) {
      Thread.sleep(100);
    }
    assertThat(events.stream().filter(e -> e instanceof LogLine l && l.container().name().equals(TICK)).count())
        .as("lines keep coming after the stream was reopened").isGreaterThanOrEqualTo(linesAtNotice + 3);
    assertThat(logs.following()).isGreaterThanOrEqualTo(1);
    DockerLogsSensor.Lag lag = logs.lags().stream().filter(l -> l.container().equals(TICK)).findFirst()
        .orElseThrow();
    // it sheds at every line (the clock stays 5 s ahead), so the counters, read later, are at least as high; each
    // skip is the lag over the container's floor (the fastest delivery seen, a few ms), in whole milliseconds
    assertThat(lag.sheds()).isGreaterThanOrEqualTo(2);
    assertThat(lag.skippedMillis()).isGreaterThanOrEqualTo(4_900L * lag.sheds());
    assertThat(metrics.count("vigil.log.skipped.ms", "sensor", DockerLogsSensor.NAME))
        .isGreaterThanOrEqualTo(lag.skippedMillis());
    assertThat(metrics.count("vigil.log.sheds", "sensor", DockerLogsSensor.NAME)).isGreaterThanOrEqualTo(lag.sheds());
  }

  @Test
  void aContainerRemovedBeforeItsFollowOpened_isNotRetried() throws Exception {
    run(GONE, false, "sleep 300");
    DockerInventory inv = new DockerInventory(conn);
    inv.syncAll(); // lists it running; no events sensor tells the inventory it went
    String id = inv.running().stream().filter(c -> c.ref().name().equals(GONE)).findFirst().orElseThrow()
        .ref().id();
    conn.requests().removeContainerCmd(id).withForce(true).exec();
    logs = new DockerLogsSensor(conn, inv, events::add, Clock.systemUTC(), 65_536, metrics, Duration.ofSeconds(10));
    logs.start();
    Thread.sleep(5_000); // two retry periods
    assertThat(metrics.count("vigil.log.stream_errors", "sensor", DockerLogsSensor.NAME))
        .as("a 404 is not a stream to follow again").isZero();
    assertThat(logs.lags()).noneMatch(l -> l.container().equals(GONE));
  }
}
