package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A container writing logs as fast as it can ({@code yes}, json-file driver) for 60 s: its log lag is visible in
 * status.json while it floods, the backlog past {@code --max-log-lag} is skipped, counted in the loss ledger (the
 * same in status.json and the metrics) and alerted, and another container's attack still alerts within 1 s.
 * Containers are named {@code vigil-loss-it-*} and removed by name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogFloodIT {

  private static final String RULE = "Remote file copy tool launched in container";
  private static final int FLOOD_SECONDS = 60;

  private Agent agent;
  private LossProbe probe;

  @BeforeAll
  void start() throws Exception {
    probe = LossProbe.start("--max-log-lag", "3s");
    agent = probe.agent;
  }

  @AfterAll
  void stop() throws Exception {
    probe.close();
  }

  private static long lagOf(JsonNode status, String container, String field) {
    for (JsonNode l : status.path("logLag")) {
      if (l.path("container").asText().equals(container)) {
        return l.path(field).asLong();
      }
    }
    return -1;
  }

  @Test
  void aLogFlood_showsItsLag_skipsItsBacklogVisibly_andDoesNotDelayAnotherContainersAlert() throws Exception {
    String flood = probe.container("logflood");
    String victim = probe.container("victim");
    DockerCli.ok("run", "-d", "--name", victim, "--network", "none", DockerCli.BUSYBOX, "sleep", "600");
    DockerCli.ok("run", "-d", "--name", flood, "--network", "none", "--log-driver", "json-file",
        "--log-opt", "max-size=50m", "--log-opt", "max-file=2", DockerCli.BUSYBOX, "sh", "-c",
        "yes & sleep " + FLOOD_SECONDS + "; kill $!");
    long floodEnd = System.nanoTime() + Duration.ofSeconds(FLOOD_SECONDS).toNanos();
    long maxLag = -1;
    long maxQueue = 0;
    boolean degraded = false;
    List<Long> delays = new ArrayList<>();
    long nextAttack = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < floodEnd - Duration.ofSeconds(2).toNanos()) {
      JsonNode st = probe.status();
      maxLag = Math.max(maxLag, lagOf(st, flood, "lagMillis"));
      maxQueue = Math.max(maxQueue, st.path("queueDepth").asLong());
      degraded |= LossProbe.degradedBy(st, "docker.logs backlog_skipped");
      if (System.nanoTime() > nextAttack) {
        delays.add(attack(victim, delays.size()));
        nextAttack = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      }
      Thread.sleep(200);
    }
    JsonNode st = probe.status();
    String body = probe.scrape();
    java.util.regex.Matcher in = java.util.regex.Pattern.compile(
        "(?m)^vigil_events_in_total\\{sensor=\"docker.logs\"} ([0-9.eE+]+)$").matcher(body);
    double linesRead = in.find() ? Double.parseDouble(in.group(1)) : -1;
    long skipped = lagOf(st, flood, "skippedMillis");
    long sheds = lagOf(st, flood, "sheds");
    System.out.printf("LOG FLOOD %d s: max lag seen in status %d ms, skipped %d ms in %d sheds, ledger "
            + "docker.logs/backlog_skipped %d ms, DEGRADED seen %s, max queue %d, attack alert delays %s ms, "
            + "log lines read %.0f, ledger %s%n", FLOOD_SECONDS, maxLag, skipped, sheds, LossProbe.total(st, "docker.logs/backlog_skipped"),
        degraded, maxQueue, delays, linesRead, LossProbe.totals(st));

    assertThat(maxLag).as("the flooding container's lag is in status.json during the flood").isPositive();
    assertThat(sheds).as("the backlog past 3 s was skipped").isPositive();
    assertThat(skipped).as("skipped time counted per container").isGreaterThan(3_000 * sheds - 1);
    assertThat(LossProbe.total(st, "docker.logs/backlog_skipped")).isGreaterThanOrEqualTo(skipped);
    assertThat(degraded).as("DEGRADED while skipping").isTrue();
    JsonNode notice = agent.awaitAlert(a -> a.path("rule").asText().equals("Sensor lost events")
        && a.path("output").asText().contains("what=skipped")
        && a.path("output").asText().contains(flood), Duration.ofSeconds(10));
    assertThat(notice.path("priority").asText()).isEqualTo("Error");
    assertThat(delays).as("attacks during the flood").hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(d -> assertThat(d).as("another container's alert delay, ms").isLessThan(1_000));

    DockerCli.exec("rm", "-f", flood);
    Map<String, Long> same = probe.awaitStatusEqualsMetrics(Duration.ofSeconds(20));
    assertThat(same.get("docker.logs/backlog_skipped")).isGreaterThanOrEqualTo(skipped);
  }

  /** Runs wget in the victim; returns the time from the exec (the alert's evt.time) to the alert in the file. */
  private long attack(String victim, int n) throws Exception {
    String url = "http://127.0.0.1:1/attack-" + n;
    DockerCli.ok("exec", "-d", victim, "wget", "-q", "-O", "/dev/null", url);
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      for (JsonNode a : agent.alerts()) {
        if (a.path("rule").asText().equals(RULE) && a.path("output").asText().contains(url)) {
          long seen = System.currentTimeMillis();
          return seen - a.path("output_fields").path("evt.time").asLong() / 1_000_000;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no alert for " + url + " within 30 s");
  }
}
