package dev.vigil.detect.baseline;

import static dev.vigil.detect.baseline.Synthetic.API;
import static dev.vigil.detect.baseline.Synthetic.API_KEY;
import static dev.vigil.detect.baseline.Synthetic.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureAggregatorTest {

  /** On the 30 s grid. */
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  private final FeatureAggregator agg = new FeatureAggregator(API, API_KEY, 30);

  private static StatsSample stats(Instant t, double cpu, long mem, double rx, double tx, long pids) {
    return new StatsSample(t, API, "docker.stats", cpu, mem, 1L << 30, 0, 0, rx, tx, 0, 0, pids);
  }

  private static NetConnection conn(Instant t, NetConnection.Direction d, String ip, int port) {
    return new NetConnection(t, API, "kernel.net", d, "tcp", "172.17.0.5", 40000, ip, port, 100, "node");
  }

  /** Feeds events; returns the samples closed along the way. */
  private List<IntervalSample> feed(dev.vigil.event.Event... events) {
    List<IntervalSample> out = new ArrayList<>();
    for (dev.vigil.event.Event e : events) {
      IntervalSample s = agg.add(e);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void firstIntervalIsDropped_secondIsSummedUp() {
    Instant i1 = T0.plusSeconds(30);
    List<IntervalSample> closed = feed(
        stats(T0.plusSeconds(20), 99, 1, 1, 1, 1), // first (partial) interval
        stats(i1.plusSeconds(1), 10, 100, 1000, 3000, 10),
        stats(i1.plusSeconds(11), 20, 300, 3000, 1000, 12),
        exec(API, i1.plusSeconds(2), "/bin/sh"),
        exec(API, i1.plusSeconds(3), "/bin/sh"),
        exec(API, i1.plusSeconds(4), "/usr/bin/curl"),
        conn(i1.plusSeconds(5), NetConnection.Direction.OUTBOUND, "10.0.0.1", 5432),
        conn(i1.plusSeconds(6), NetConnection.Direction.OUTBOUND, "10.0.0.1", 5432),
        conn(i1.plusSeconds(6), NetConnection.Direction.OUTBOUND, "10.0.0.1", 6379),
        conn(i1.plusSeconds(7), NetConnection.Direction.INBOUND, "10.0.0.9", 51000),
        conn(i1.plusSeconds(8), NetConnection.Direction.INBOUND, "10.0.0.9", 51001),
        conn(i1.plusSeconds(8), NetConnection.Direction.LISTEN, "", 0),
        new FileOpen(i1.plusSeconds(9), API, "kernel.fanotify", "/app/a.log", FileOpen.Mode.WRITE, 1, "node"),
        new FileOpen(i1.plusSeconds(9), API, "kernel.fanotify", "/app/b.js", FileOpen.Mode.READ, 1, "node"),
        new FileOpen(i1.plusSeconds(9), API, "kernel.fanotify", "/bin/sh", FileOpen.Mode.EXEC, 1, "node"),
        new FileChange(i1.plusSeconds(10), API, "docker.diff", "/app/c", FileChange.Kind.ADDED),
        new FileChange(i1.plusSeconds(10), API, "docker.diff", "/app/d", FileChange.Kind.MODIFIED),
        new FileChange(i1.plusSeconds(10), API, "docker.diff", "/app/e", FileChange.Kind.DELETED),
        stats(T0.plusSeconds(61), 1, 1, 1, 1, 1)); // next interval closes the second

    assertThat(closed).hasSize(1);
    IntervalSample s = closed.get(0);
    assertThat(s.start()).isEqualTo(i1);
    assertThat(s.end()).isEqualTo(T0.plusSeconds(60));
    assertThat(s.imageKey()).isEqualTo(API_KEY);
    assertThat(s.container()).isEqualTo(API);
    assertThat(s.statsSamples()).isEqualTo(2);
    assertThat(s.cpuPercent()).isEqualTo(15);
    assertThat(s.memoryBytes()).isEqualTo(200);
    assertThat(s.rxRate()).isEqualTo(2000);
    assertThat(s.txRate()).isEqualTo(2000);
    assertThat(s.pids()).isEqualTo(11);
    assertThat(s.execsPerMinute()).isEqualTo(6); // 3 in 30 s
    assertThat(s.executables()).containsExactly("/bin/sh", "/usr/bin/curl");
    assertThat(s.remoteEndpoints()).isEqualTo(3); // 10.0.0.1:5432, 10.0.0.1:6379, inbound 10.0.0.9
    assertThat(s.fileWritesPerMinute()).isEqualTo(6); // one write close, one added, one modified
    double[] raw = s.rawFeatures(1);
    assertThat(raw[Feature.NEW_EXECUTABLES.ordinal()]).isEqualTo(1);
    assertThat(raw[Feature.TX_RATE.ordinal()]).isEqualTo(2000);
    assertThat(raw[Feature.FILE_WRITE_RATE.ordinal()]).isEqualTo(6);
  }

  @Test
  void intervalWithoutStats_carriesTheLastStats() {
    feed(stats(T0.plusSeconds(5), 1, 1, 1, 1, 1));
    feed(stats(T0.plusSeconds(35), 40, 500, 10, 20, 7));
    List<IntervalSample> closed = feed(exec(API, T0.plusSeconds(65), "/bin/sh"), // closes [30,60)
        exec(API, T0.plusSeconds(95), "/bin/sh")); // closes [60,90), which had no stats
    assertThat(closed).hasSize(2);
    IntervalSample noStats = closed.get(1);
    assertThat(noStats.statsSamples()).isZero();
    assertThat(noStats.cpuPercent()).isEqualTo(40);
    assertThat(noStats.memoryBytes()).isEqualTo(500);
    assertThat(noStats.pids()).isEqualTo(7);
    assertThat(noStats.execsPerMinute()).isEqualTo(2);
  }

  @Test
  void intervalsLieOnTheEpochGrid_andEmptyIntervalsAreSkipped() {
    FeatureAggregator a = new FeatureAggregator(API, API_KEY, 60);
    a.add(exec(API, Instant.parse("2026-11-29T10:00:59Z"), "/x")); // first, dropped
    a.add(exec(API, Instant.parse("2026-11-29T10:01:13Z"), "/x"));
    // Five silent minutes later: the [10:01, 10:02) interval closes, the empty ones are not emitted.
    IntervalSample s = a.add(exec(API, Instant.parse("2026-11-29T10:07:30Z"), "/x"));
    assertThat(s.start()).isEqualTo(Instant.parse("2026-11-29T10:01:00Z"));
    assertThat(s.end()).isEqualTo(Instant.parse("2026-11-29T10:02:00Z"));
    IntervalSample next = a.add(exec(API, Instant.parse("2026-11-29T10:08:00Z"), "/x"));
    assertThat(next.start()).isEqualTo(Instant.parse("2026-11-29T10:07:00Z"));
    assertThat(next.execsPerMinute()).isEqualTo(1);
  }

  @Test
  void quietContainer_closesOnlyAWholeIntervalAfterItsEnd() {
    feed(stats(T0.plusSeconds(1), 1, 1, 1, 1, 1), stats(T0.plusSeconds(31), 5, 5, 5, 5, 5));
    assertThat(agg.closeIfQuiet(T0.plusSeconds(60))).as("just ended: a slower sensor may still report").isNull();
    assertThat(agg.closeIfQuiet(T0.plusSeconds(89))).isNull();
    IntervalSample s = agg.closeIfQuiet(T0.plusSeconds(90));
    assertThat(s).isNotNull();
    assertThat(s.start()).isEqualTo(T0.plusSeconds(30));
    assertThat(s.cpuPercent()).isEqualTo(5);
    assertThat(agg.closeIfQuiet(T0.plusSeconds(500))).as("nothing open").isNull();
    assertThat(agg.lastEventTime()).isEqualTo(T0.plusSeconds(31));
  }

  @Test
  void executablesAndEndpointsPerIntervalAreBounded() {
    feed(exec(API, T0.plusSeconds(1), "/first"));
    Instant i1 = T0.plusSeconds(30);
    for (int i = 0; i < FeatureAggregator.MAX_EXECUTABLES_PER_INTERVAL + 44; i++) {
      feed(exec(API, i1, "/bin/x" + i));
    }
    for (int i = 0; i < FeatureAggregator.MAX_ENDPOINTS_PER_INTERVAL + 10; i++) {
      feed(conn(i1, NetConnection.Direction.OUTBOUND, "10.0.0.1", 1 + i));
    }
    IntervalSample s = agg.add(exec(API, T0.plusSeconds(60), "/x"));
    assertThat(s.executables()).hasSize(FeatureAggregator.MAX_EXECUTABLES_PER_INTERVAL);
    assertThat(s.executablesOverflow()).isEqualTo(44);
    assertThat(s.remoteEndpoints()).isEqualTo(FeatureAggregator.MAX_ENDPOINTS_PER_INTERVAL);
    assertThat(s.execsPerMinute()).isCloseTo(2.0 * (FeatureAggregator.MAX_EXECUTABLES_PER_INTERVAL + 44),
        within(1e-9));
  }

  @Test
  void executablePath_fallsBackToArgv0ThenName() {
    assertThat(FeatureAggregator.executablePath(exec(API, T0, "/usr/bin/curl"))).isEqualTo("/usr/bin/curl");
    assertThat(FeatureAggregator.executablePath(new dev.vigil.event.ProcessExec(T0, API, "docker.top", 1, 0, "sh",
        "", List.of("sh", "-c", "x"), 0, "", "", dev.vigil.event.ExecOrigin.UNKNOWN, ""))).isEqualTo("sh");
    assertThat(FeatureAggregator.executablePath(new dev.vigil.event.ProcessExec(T0, API, "docker.top", 1, 0,
        "kworker", "", List.of(), 0, "", "", dev.vigil.event.ExecOrigin.UNKNOWN, ""))).isEqualTo("kworker");
  }
}
