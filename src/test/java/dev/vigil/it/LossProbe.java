package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the loss ITs read of a running agent: the loss ledger in its status.json, and the same ledger as the metrics
 * endpoint publishes it ({@code vigil_losses_total{kind,sensor}}). Entries are keyed {@code sensor/kind}.
 */
final class LossProbe {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LOSS = Pattern.compile(
      "(?m)^vigil_losses_total\\{kind=\"([^\"]+)\",sensor=\"([^\"]+)\"} ([0-9.eE+-]+)$");

  final int port;
  final Agent agent;
  private final Path statusFile;
  private final java.util.List<String> containers = new java.util.ArrayList<>();

  private LossProbe(int port, Agent agent) {
    this.port = port;
    this.agent = agent;
    this.statusFile = agent.dataDir().resolve("status.json");
  }

  /** An agent writing its status every second, with metrics on a free port; {@code args} are added. */
  static LossProbe start(String... args) throws Exception {
    DockerCli.requireEngineAndImages();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("monitor", "--status-interval", "1s",
        "--metrics-listen", "127.0.0.1:" + port));
    cmd.addAll(java.util.List.of(args));
    return new LossProbe(port, Agent.start(cmd.toArray(String[]::new)).awaitReady(Duration.ofSeconds(60)));
  }

  /** A unique container name ({@code vigil-loss-it-WHAT-...}), removed by {@link #close}. */
  String container(String what) {
    String n = "vigil-loss-it-" + what + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    containers.add(n);
    return n;
  }

  /** Stops the agent and removes the containers named here. */
  void close() throws InterruptedException {
    try {
      agent.stop();
    } finally {
      containers.forEach(c -> DockerCli.exec("rm", "-f", c));
    }
  }

  /** status.json as it is now (retried while the agent replaces it). */
  JsonNode status() throws Exception {
    for (int i = 0; ; i++) {
      try {
        return JSON.readTree(Files.readString(statusFile));
      } catch (java.io.IOException e) {
        if (i > 20) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /** The ledger's totals in a status. */
  static Map<String, Long> totals(JsonNode status) {
    Map<String, Long> out = new TreeMap<>();
    for (JsonNode e : status.path("losses").path("entries")) {
      out.put(e.path("sensor").asText() + "/" + e.path("kind").asText(), e.path("total").asLong());
    }
    return out;
  }

  static long total(JsonNode status, String key) {
    return totals(status).getOrDefault(key, 0L);
  }

  static boolean degradedBy(JsonNode status, String prefix) {
    for (JsonNode r : status.path("losses").path("reasons")) {
      if (r.asText().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** {@code vigil_losses_total} by sensor/kind. */
  static Map<String, Long> metricLosses(String body) {
    Map<String, Long> out = new TreeMap<>();
    Matcher m = LOSS.matcher(body);
    while (m.find()) {
      out.put(m.group(2) + "/" + m.group(1), (long) Double.parseDouble(m.group(3)));
    }
    return out;
  }

  /**
   * Waits until status.json and the metrics endpoint show the same losses, read while the ledger did not move
   * (status, scrape, status again all equal); fails with the last difference after {@code timeout}.
   */
  Map<String, Long> awaitStatusEqualsMetrics(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < end) {
      Map<String, Long> before = totals(status());
      Map<String, Long> metrics = metricLosses(scrape());
      Map<String, Long> after = totals(status());
      if (!before.isEmpty() && before.equals(after) && before.equals(metrics)) {
        return before;
      }
      last = "status " + before + " / " + after + "\nmetrics " + metrics;
      Thread.sleep(300);
    }
    throw new AssertionError("status.json and vigil_losses_total never agreed within " + timeout + ":\n" + last);
  }
}
