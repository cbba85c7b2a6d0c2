package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The Prometheus endpoint of a real agent (per-sensor event counters, alerts per rule and priority, agent meters) and
 * its embedded alert store, queried with {@code vigil alerts}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

  private Agent agent;
  private int port;

  @BeforeAll
  void start() throws Exception {
    DockerCli.requireEngineAndImages();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    agent = Agent.start("monitor", "--metrics-listen", "127.0.0.1:" + port).awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      agent.stop();
    } finally {
      DockerCli.removeAll();
    }
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static double value(String body, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void anAlertAndItsEvents_showInTheMetrics() throws Exception {
    String name = DockerCli.uniqueName("metrics");
    DockerCli.runShell(name, "sleep 1; wget -q -O- http://127.0.0.1:1/ ; sleep 30");
    agent.awaitAlert(Agent.rule("Remote file copy tool launched in container", name), Duration.ofSeconds(20));
    String body = scrape();
    assertThat(value(body, "vigil_alerts_rule_total{rule=\"Remote file copy tool launched in container\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(value(body, "vigil_alerts_total{priority=\"Notice\"}")).isGreaterThanOrEqualTo(1);
    assertThat(value(body, "vigil_events_in_total{sensor=\"docker.events\"}")).isPositive();
    assertThat(value(body, "vigil_events_dropped_total{sensor=\"docker.events\"}")).as("drops shown at 0").isZero();
    assertThat(value(body, "vigil_process_rss_bytes")).isGreaterThan(10_000_000);
    assertThat(body).contains("process_cpu_usage").contains("vigil_pipeline_queue");

    // The same alert is in the embedded store, and `vigil alerts` finds it while the agent runs.
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    DockerCli.Result r;
    do {
      r = Agent.vigil("alerts", "--data-dir", agent.dataDir().toString(), "--container", name, "--json");
    } while (!r.out().contains("Remote file copy tool launched in container") && System.nanoTime() < end);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.contains("\"rule\":\"Remote file copy tool launched in container\""))
        .findFirst()).as("stored alert").hasValueSatisfying(l -> assertThat(l).contains(name).startsWith("{"));
  }
}
