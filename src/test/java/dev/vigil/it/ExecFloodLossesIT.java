package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An exec flood (a busybox shell running /bin/true at a paced rate) with kernel.proc active: every exec the agent
 * did not capture is accounted for in the loss ledger, status.json shows the losses the metrics endpoint shows, and
 * the agent is DEGRADED while kernel.proc loses. Prints the capture rate (events captured / execs run) at 1,000 and
 * 2,000 execs/s for docs/BENCHMARKS.md. Containers are named {@code vigil-loss-it-*} and removed by name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecFloodLossesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Paced by /proc/uptime (read by the shell, no exec): 10 execs whenever it is behind the target rate. */
  static final String FLOOD = "rate=$1; secs=$2; read up rest < /proc/uptime; start=${up%.*}${up#*.}; n=0; "
      + "end=$((start + secs*100)); while :; do read up rest < /proc/uptime; now=${up%.*}${up#*.}; "
      + "[ $now -ge $end ] && break; if [ $n -lt $(( (now - start) * rate / 100 )) ]; then "
      + "/bin/true; /bin/true; /bin/true; /bin/true; /bin/true; /bin/true; /bin/true; /bin/true; /bin/true; "
      + "/bin/true; n=$((n+10)); else usleep 2000; fi; done; echo \"execs=$n centis=$((now-start))\"";
  private static final int SECONDS = 15;
  /** Shells running the flood side by side, each at rate / PARALLEL: one shell's fork+exec tops out near 300/s here. */
  static final int PARALLEL = 4;
  /** The flood in PARALLEL shells (forked, no exec); each prints its own execs= line. */
  static final String PARALLEL_FLOOD = "f() { " + FLOOD + "; }; i=0; while [ $i -lt " + PARALLEL + " ]; do "
      + "f $(($1 / " + PARALLEL + ")) $2 & i=$((i+1)); done; wait";

  private LossProbe probe;
  private Path events;

  @BeforeAll
  void start() throws Exception {
    events = Files.createTempDirectory("vigil-loss-it").resolve("events.jsonl");
    probe = LossProbe.start("--record-events", events.toString());
    assertThat(probe.agent.stderrText()).as("kernel.proc must run for this test")
        .contains("sensor kernel.proc started");
  }

  @AfterAll
  void stop() throws Exception {
    probe.close();
  }

  /** One flood: execs run, execs captured, the kernel.proc losses and whether the agent was DEGRADED meanwhile. */
  record Flood(int target, long run, double seconds, long captured, Map<String, Long> lost, boolean degraded) {
    double rate() {
      return run / seconds;
    }

    long lostEvents() {
      return lost.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private Flood flood(int rate) throws Exception {
    String name = probe.container("exec-" + rate);
    Map<String, Long> before = LossProbe.totals(probe.status());
    String id = DockerCli.ok("run", "-d", "--name", name, "--network", "none", DockerCli.BUSYBOX, "sh", "-c",
        PARALLEL_FLOOD, "flood", String.valueOf(rate), String.valueOf(SECONDS));
    boolean degraded = false;
    long checkAt = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
    long quietUntil = Long.MAX_VALUE;
    while (System.nanoTime() < quietUntil) { // status every 100 ms: a loss keeps it DEGRADED for 2 s only
      degraded |= LossProbe.degradedBy(probe.status(), "kernel.proc");
      if (quietUntil == Long.MAX_VALUE && System.nanoTime() > checkAt) {
        if (DockerCli.ok("inspect", "-f", "{{.State.Running}}", name).equals("true")) {
          checkAt = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        } else { // what the kernel delivered late, and two more status ticks
          quietUntil = System.nanoTime() + Duration.ofMillis(2_500).toNanos();
        }
      }
      Thread.sleep(100);
    }
    JsonNode after = probe.status();
    Matcher m = Pattern.compile("execs=(\\d+) centis=(\\d+)").matcher(DockerCli.ok("logs", name));
    long run = 0;
    long centis = 0;
    int shells = 0;
    while (m.find()) {
      shells++;
      run += Long.parseLong(m.group(1));
      centis = Math.max(centis, Long.parseLong(m.group(2)));
    }
    assertThat(shells).as("every flood shell reports what it ran").isEqualTo(PARALLEL);
    Map<String, Long> lost = new java.util.TreeMap<>();
    for (String key : List.of("kernel.proc/overflow", "kernel.proc/unreadable", "kernel.proc/queue_full",
        "recorder/dropped")) {
      lost.put(key, LossProbe.total(after, key) - before.getOrDefault(key, 0L));
    }
    Flood f = new Flood(rate, run, centis / 100.0, captured(id), lost, degraded);
    System.out.printf("EXEC FLOOD target %d/s: ran %d execs in %.1f s (%.0f/s), captured %d (%.1f %%), lost %s, "
            + "DEGRADED seen %s%n", rate, f.run(), f.seconds(), f.rate(), f.captured(),
        100.0 * f.captured() / f.run(), lost, degraded);
    return f;
  }

  /**
   * kernel.proc exec events in the container but the flood's shell, as recorded (what reached the engine): the
   * /bin/true execs, named {@code true}, or {@code busybox} when the process was gone before its argv could be read
   * (busybox runs {@code usleep} without exec).
   */
  private long captured(String id) throws Exception {
    long n = 0;
    for (String line : Files.readAllLines(events)) {
      if (!line.contains("\"exec\"") || !line.contains(id.substring(0, 12))) {
        continue;
      }
      JsonNode e = JSON.readTree(line).path("event");
      if (e.path("container").path("id").asText().startsWith(id.substring(0, 12))
          && e.path("sensor").asText().equals("kernel.proc") && !e.path("name").asText().equals("sh")) {
        n++;
      }
    }
    return n;
  }

  @Test
  void everyExecNotCaptured_isALossInTheLedger_andStatusShowsWhatMetricsShow() throws Exception {
    for (int rate : new int[] {1_000, 2_000}) {
      Flood f = flood(rate);
      assertThat(f.run()).as("the flood ran").isGreaterThan(100);
      assertThat(f.captured()).as("captured at most what ran").isLessThanOrEqualTo(f.run());
      assertThat(f.run() - f.captured())
          .as("execs missing at %d/s are accounted for as losses (kernel overflow, unreadable, queue full, "
              + "recorder): %s", rate, f.lost())
          .isLessThanOrEqualTo(f.lostEvents());
      if (f.lost().get("kernel.proc/overflow") + f.lost().get("kernel.proc/unreadable")
          + f.lost().get("kernel.proc/queue_full") > 0) {
        assertThat(f.degraded()).as("DEGRADED while kernel.proc lost events").isTrue();
      }
      Map<String, Long> same = probe.awaitStatusEqualsMetrics(Duration.ofSeconds(20));
      assertThat(same).containsKeys("kernel.proc/overflow", "kernel.proc/unreadable", "kernel.proc/queue_full");
    }
  }
}
