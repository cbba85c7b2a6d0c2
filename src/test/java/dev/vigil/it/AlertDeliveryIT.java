package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Alert delivery end to end, with the real agent ({@code vigil monitor --config FILE}) and a real HTTP receiver on
 * 127.0.0.1 standing in for Slack and for a webhook: during a receiver outage (connections refused, then HTTP 500,
 * then requests that hang) a container produces 10,000 alerts; the agent is restarted once in the middle; after
 * recovery every alert arrives at least once, each with one stable idempotency id and a valid HMAC signature, and
 * the agent's memory stayed bounded. Also: 1,000 identical log lines give one alert and one summary of 999, and
 * the Slack message is readable and escaped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertDeliveryIT {

  static {
    // The JDK's test server otherwise answers with Nagle's algorithm on: 40 ms per keep-alive response.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BURST = 10_000;
  private static final String SECRET = "it-hmac-secret-\u00e9";
  private static final String SLACK_PATH = "/services/T0VIGIL/B0VIGIL/itSecretToken";
  private static final String BURST_RULE = "Vigil IT burst line";
  private static final String REPEAT_RULE = "Vigil IT repeated line";
  private static final String SLACK_RULE = "Vigil IT slack line";
  /** The agent's RSS must stay under this during the outage (a JVM with default heap sizing on this host). */
  private static final long RSS_BOUND_KB = 600 * 1024;

  private Path work;
  private Receiver receiver;

  /** The stand-in for Slack and the webhook: refuses, fails, hangs or accepts, as told. */
  static final class Receiver implements AutoCloseable {
    enum Mode { REFUSE, ERROR, HANG, OK }

    final int port;
    volatile Mode mode = Mode.REFUSE;
    private HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "it-receiver");
      t.setDaemon(true);
      return t;
    });
    private volatile CountDownLatch hung = new CountDownLatch(1);
    /** Burst sequence number to the alert ids it was delivered with (accepted requests only). */
    final Map<Integer, Set<String>> burst = new ConcurrentHashMap<>();
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger refusedByUs = new AtomicInteger();
    final List<String> badSignatures = new CopyOnWriteArrayList<>();
    final List<String> badShapes = new CopyOnWriteArrayList<>();
    final List<JsonNode> webhookAlerts = new CopyOnWriteArrayList<>();
    final List<JsonNode> slackMessages = new CopyOnWriteArrayList<>();

    Receiver() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
    }

    synchronized void mode(Mode m) throws IOException {
      if (m == Mode.REFUSE) {
        if (server != null) {
          server.stop(0);
          server = null;
        }
      } else if (server == null) {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
      }
      if (m != Mode.HANG) {
        hung.countDown();
        hung = new CountDownLatch(1);
      }
      mode = m;
    }

    private void handle(HttpExchange ex) throws IOException {
      byte[] body = ex.getRequestBody().readAllBytes();
      Mode m = mode;
      if (m == Mode.HANG) {
        try {
          hung.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.close();
        return;
      }
      if (m == Mode.ERROR) {
        refusedByUs.incrementAndGet();
        respond(ex, 500, "receiver down for maintenance");
        return;
      }
      String path = ex.getRequestURI().getPath();
      JsonNode json = JSON.readTree(body);
      if (path.equals(SLACK_PATH)) {
        slackMessages.add(json);
      } else if (path.equals("/falco")) {
        String sig = ex.getRequestHeaders().getFirst("X-Vigil-Signature");
        String id = ex.getRequestHeaders().getFirst("X-Vigil-Alert-Id");
        if (!signatureValid(body, sig)) {
          badSignatures.add(String.valueOf(sig));
        }
        if (!falcosidekickAccepts(json) || !"it".equals(ex.getRequestHeaders().getFirst("X-Test"))
            || !json.path("uuid").asText().equals(id)) { // one id per alert: the body's uuid is the header's
          badShapes.add(json.toString());
        }
        webhookAlerts.add(json);
        if (json.path("rule").asText().equals(BURST_RULE)) {
          int seq = Integer.parseInt(json.path("output_fields").path("log.line").asText().substring(15).trim());
          burst.computeIfAbsent(seq, k -> ConcurrentHashMap.newKeySet()).add(id);
        }
      }
      accepted.incrementAndGet();
      respond(ex, 200, "ok");
    }

    private static void respond(HttpExchange ex, int status, String text) throws IOException {
      byte[] out = text.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    }

    /** As a receiver verifies: HMAC-SHA256 over the raw body with the shared secret, constant-time compare. */
    private static boolean signatureValid(byte[] body, String header) {
      try {
        if (header == null || !header.startsWith("sha256=")) {
          return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return MessageDigest.isEqual(mac.doFinal(body), HexFormat.of().parseHex(header.substring(7)));
      } catch (Exception e) {
        return false;
      }
    }

    /** falcosidekick's input check: priority, rule, a parseable time and non-empty output_fields. */
    private static boolean falcosidekickAccepts(JsonNode p) {
      try {
        OffsetDateTime.parse(p.path("time").asText());
      } catch (RuntimeException e) {
        return false;
      }
      return !p.path("priority").asText().isEmpty() && !p.path("rule").asText().isEmpty()
          && p.path("output_fields").size() > 0 && p.path("output").isTextual() && p.path("source").isTextual()
          && p.path("tags").isArray() && p.path("hostname").isTextual();
    }

    @Override
    public synchronized void close() {
      hung.countDown();
      if (server != null) {
        server.stop(0);
      }
      pool.shutdownNow();
    }
  }

  @BeforeAll
  void setUp() throws Exception {
    DockerCli.requireEngineAndImages();
    DockerCli.removeAll();
    work = Files.createTempDirectory("vigil-it-delivery");
    receiver = new Receiver();
  }

  @AfterAll
  void tearDown() {
    try {
      if (receiver != null) {
        receiver.close();
      }
    } finally {
      DockerCli.removeAll();
    }
  }

  private Path writeRules() throws IOException {
    String rules = String.join("\n",
        "- rule: " + BURST_RULE,
        "  desc: A numbered line of the delivery test's burst.",
        "  condition: evt.type = log and container and log.line startswith \"vigil-it-burst \"",
        "  output: Burst line (line=%log.line container=%container.name)",
        "  priority: NOTICE",
        "  source: log",
        "  tags: [test]",
        "- rule: " + REPEAT_RULE,
        "  desc: The same line again and again.",
        "  condition: evt.type = log and container and log.line = \"vigil-it-repeat same line\"",
        "  output: Repeated line (line=%log.line container=%container.name)",
        "  priority: NOTICE",
        "  source: log",
        "  tags: [test]",
        "- rule: " + SLACK_RULE,
        "  desc: Hostile text for the Slack message.",
        "  condition: evt.type = log and container and log.line startswith \"vigil-it-slack \"",
        "  output: Slack line (line=%log.line container=%container.name)",
        "  priority: WARNING",
        "  source: log",
        "  tags: [test]",
        "");
    return Files.writeString(work.resolve("it-rules.yaml"), rules);
  }

  private Path writeConfig() throws IOException {
    String yaml = String.join("\n",
        "data_dir: " + work.resolve("data"),
        "delivery:",
        "  queue: 1000",
        "  timeout: 2s",
        "  backoff: {initial: 200ms, max: 1s}",
        "  spool_max_bytes: 64MB",
        "aggregation:",
        "  window: 60s",
        "  rules:",
        "    \"" + REPEAT_RULE + "\": {window: 10s, key: []}",
        "  never: [\"" + BURST_RULE + "\"]",
        "sinks:",
        "  stdout: {enabled: false}",
        "  slack:",
        "    webhook_url: \"${VIGIL_IT_SLACK_URL:-http://127.0.0.1:" + receiver.port + SLACK_PATH + "}\"",
        "    min_priority: warning",
        "  webhooks:",
        "    - name: receiver",
        "      url: \"http://127.0.0.1:" + receiver.port + "/falco\"",
        "      headers: {X-Test: it}",
        "      hmac_secret: \"${VIGIL_IT_SECRET:-" + SECRET + "}\"",
        "      min_priority: notice",
        "");
    return Files.writeString(work.resolve("vigil.yaml"), yaml);
  }

  private Agent startAgent(Path config, Path rules) throws Exception {
    // --data-dir on the command line (Agent adds a fresh one otherwise): the restarted agent must find the spool
    return Agent.start("monitor", "--config", config.toString(), "--data-dir", work.resolve("data").toString(),
        "--rules", rules.toString(),
        "--status-interval", "1s", "--disable-sensor", "kernel.proc", "--disable-sensor", "kernel.fanotify",
        "--disable-sensor", "kernel.net", "--disable-sensor", "docker.top", "--disable-sensor", "docker.diff",
        "--disable-sensor", "docker.stats").awaitReady(Duration.ofSeconds(60));
  }

  /** The agent's pid, from the status.json it writes every second. */
  private long pid() throws IOException {
    return JSON.readTree(work.resolve("data").resolve("status.json").toFile()).path("pid").asLong();
  }

  private static long rssKb(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError("no VmRSS for " + pid);
  }

  private JsonNode receiverSink(Path dataDir) throws IOException {
    JsonNode st = JSON.readTree(dataDir.resolve("status.json").toFile());
    for (JsonNode s : st.path("sinks")) {
      if (s.path("name").asText().equals("webhook:receiver")) {
        return s;
      }
    }
    throw new AssertionError("no webhook:receiver in status.json: " + st);
  }

  private static long count(Agent a, String rule) {
    return a.alerts().stream().filter(x -> x.path("rule").asText().equals(rule)).count();
  }

  private static void await(String what, Duration timeout, java.util.function.BooleanSupplier cond)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      Thread.sleep(200);
    }
  }

  @Test
  void outageRefusedThen500ThenHanging_withARestart_everyAlertArrives_memoryBounded_andAggregationFolds()
      throws Exception {
    Path rules = writeRules();
    Path config = writeConfig();
    Path data = work.resolve("data");
    List<Long> rss = new ArrayList<>();

    // ---- phase 1: receiver down (connections refused) while a container produces 10,000 alerts
    receiver.mode(Receiver.Mode.REFUSE);
    Agent first = startAgent(config, rules);
    await("status.json", Duration.ofSeconds(10), () -> Files.exists(data.resolve("status.json")));
    long baselineRss = rssKb(pid());
    String burst = DockerCli.uniqueName("burst");
    String repeat = DockerCli.uniqueName("repeat");
    String slack = DockerCli.uniqueName("slack");
    try {
      DockerCli.runShell(repeat, "sleep 1; i=0; while [ $i -lt 1000 ]; do echo 'vigil-it-repeat same line';"
          + " i=$((i+1)); done; sleep 600", "--stop-timeout", "1");
      DockerCli.runShell(slack, "sleep 1; echo 'vigil-it-slack <!channel> & <https://evil.example|click>';"
          + " sleep 600", "--stop-timeout", "1");
      DockerCli.runShell(burst, "sleep 1; i=0; while [ $i -lt " + BURST + " ]; do echo \"vigil-it-burst $i\";"
          + " i=$((i+1)); done; sleep 600", "--stop-timeout", "1");

      await("the burst's alerts in the alerts file", Duration.ofSeconds(90), () -> {
        sample(first, rss);
        return count(first, BURST_RULE) >= BURST;
      });
      sample(first, rss);

      // ---- phase 2: the receiver answers 500
      receiver.mode(Receiver.Mode.ERROR);
      await("500s answered", Duration.ofSeconds(30), () -> {
        sample(first, rss);
        return receiver.refusedByUs.get() >= 3;
      });

      // ---- aggregation: 1,000 identical lines gave one alert at once and one summary of 999
      JsonNode summary = first.awaitAlert(a -> a.path("rule").asText().equals(REPEAT_RULE)
          && a.path("output_fields").has("vigil.aggregate.count"), Duration.ofSeconds(40));
      List<JsonNode> repeats = first.alerts().stream().filter(a -> a.path("rule").asText().equals(REPEAT_RULE))
          .toList();
      assertThat(repeats).hasSize(2);
      assertThat(repeats.get(0).path("output_fields").has("vigil.aggregate.count")).isFalse();
      assertThat(summary.path("output_fields").path("vigil.aggregate.count").asLong()).isEqualTo(999);
      assertThat(summary.path("output").asText()).contains("(repeated 999 times between ");
      assertThat(summary.path("output_fields").path("container.name").asText()).isEqualTo(repeat);

      // ---- phase 3: the receiver hangs (the agent's 2 s timeout fires)
      receiver.mode(Receiver.Mode.HANG);
      Thread.sleep(5000);
      sample(first, rss);

      // Everything is on disk, the memory queue holds at most its bound.
      JsonNode st = receiverSink(data);
      assertThat(st.path("queued").asLong()).isLessThanOrEqualTo(1000);
      // Alerts not yet on disk are still in the bounded memory queue (the spool writer may lag on a loaded host).
      assertThat(st.path("spoolRecords").asLong() + st.path("queued").asLong()).isGreaterThanOrEqualTo(BURST);
      assertThat(st.path("delivered").asLong()).isZero();
      assertThat(st.path("lastError").asText()).contains("127.0.0.1:" + receiver.port)
          .doesNotContain(SLACK_PATH);
    } finally {
      // ---- restart in the middle of the outage: SIGTERM, as a service manager does
      assertThat(first.stop()).isIn(0, 143);
    }
    assertThat(first.stderrText()).contains("left in its spool for the next start").doesNotContain("itSecretToken")
        .doesNotContain(SECRET);

    Agent second = startAgent(config, rules);
    try {
      second.awaitLog(l -> l.contains("sink webhook:receiver: delivering") && l.contains("alerts left in its spool"),
          Duration.ofSeconds(10));
      sample(second, rss);
      Thread.sleep(3000); // still hanging after the restart
      sample(second, rss);

      // ---- recovery
      receiver.mode(Receiver.Mode.OK);
      long okAt = System.nanoTime();
      await("every burst alert at the receiver", Duration.ofSeconds(240), () -> {
        sample(second, rss);
        return receiver.burst.size() == BURST;
      });
      double drainSeconds = (System.nanoTime() - okAt) / 1e9;

      assertThat(receiver.burst.keySet()).hasSize(BURST);
      assertThat(receiver.burst.values()).as("each alert keeps one idempotency id through retries and the restart")
          .allMatch(ids -> ids.size() == 1);
      Set<String> ids = ConcurrentHashMap.newKeySet();
      receiver.burst.values().forEach(ids::addAll);
      assertThat(ids).hasSize(BURST);
      assertThat(receiver.badSignatures).isEmpty();
      assertThat(receiver.badShapes).isEmpty();
      await("summary and slack alert delivered", Duration.ofSeconds(60), () ->
          receiver.webhookAlerts.stream().anyMatch(a -> a.path("output_fields").has("vigil.aggregate.count"))
              && !receiver.slackMessages.isEmpty());

      // ---- Slack: readable, escaped
      JsonNode m = receiver.slackMessages.stream()
          .filter(x -> x.toString().contains("Vigil IT slack line")).findFirst().orElseThrow();
      String text = m.toString();
      assertThat(m.path("text").asText()).startsWith(":warning: *Warning* Vigil IT slack line in container " + slack);
      assertThat(text).contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;")
          .doesNotContain("<!channel>").contains("vigil-test/busybox:1");
      assertThat(receiver.slackMessages).noneMatch(x -> x.toString().contains("Burst line"));

      long maxRss = rss.stream().mapToLong(Long::longValue).max().orElseThrow();
      System.out.printf("delivery IT: baseline RSS %d MB, max RSS %d MB over %d samples; requests accepted %d "
              + "(%d burst alerts, %d duplicates); backlog drained in %.1f s after recovery%n", baselineRss / 1024,
          maxRss / 1024, rss.size(), receiver.accepted.get(), BURST, receiver.webhookAlerts.stream()
              .filter(a -> a.path("rule").asText().equals(BURST_RULE)).count() - BURST, drainSeconds);
      assertThat(maxRss).as("agent RSS during the outage (KB)").isLessThan(RSS_BOUND_KB);
      assertThat(second.stderrText()).doesNotContain("itSecretToken").doesNotContain(SECRET)
          .doesNotContain("\tat ");
    } finally {
      assertThat(second.stop()).isIn(0, 143);
    }
  }

  private void sample(Agent a, List<Long> rss) {
    try {
      if (a.isAlive()) {
        rss.add(rssKb(pid()));
      }
    } catch (IOException | RuntimeException e) {
      // the process just ended, or its status file is being replaced
    }
  }
}
