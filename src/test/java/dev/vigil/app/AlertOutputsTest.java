package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.delivery.DeliveringSink;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.delivery.Destination;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.file.FileSink;
import dev.vigil.store.AlertQuery;
import dev.vigil.store.AlertReader;
import dev.vigil.store.StoredAlert;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert path built from a configuration: aggregation, file, webhook and an extra destination, end to end. */
class AlertOutputsTest {

  static {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private HttpServer server;
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final List<String> receivedIds = new CopyOnWriteArrayList<>();

  @BeforeEach
  void receiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
      receivedIds.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Vigil-Alert-Id")));
      received.add(body);
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static Alert alert(String rule, Priority p, String cmd) {
    return new Alert(Instant.parse("2026-03-01T10:00:00Z"), rule, p, rule + " " + cmd, "syscall", List.of(),
        "h", Map.of("container.id", "abc", "proc.cmdline", cmd));
  }

  private static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    while (!c.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
  }

  @Test
  void configuredPath_aggregatesThenFansOutToFileWebhookAndExtra_byMinPriority() throws Exception {
    Path alerts = dir.resolve("alerts.jsonl");
    String yaml = String.join("\n",
        "aggregation: {window: 60s, never: [Loud]}",
        "sinks:",
        "  stdout: {enabled: false}",
        "  file: {path: " + alerts + ", min_priority: notice}",
        "  webhooks:",
        "    - {name: w, url: \"http://127.0.0.1:" + server.getAddress().getPort() + "/\", min_priority: warning}",
        "");
    ConfigFile cfg = ConfigFile.parse("t.yaml", yaml, n -> null);
    List<Envelope> extraGot = new CopyOnWriteArrayList<>();
    Destination extra = new Destination() {
      @Override
      public String name() {
        return "opensearch";
      }

      @Override
      public int maxBatch() {
        return 100;
      }

      @Override
      public void deliver(List<Envelope> batch) {
        extraGot.addAll(batch);
      }
    };
    Metrics metrics = Metrics.inMemory();
    AlertOutputs out = AlertOutputs.open(cfg, dir.resolve("data"), "h", metrics, Clock.systemUTC(),
        new FileSink(alerts, metrics), List.of(new AlertOutputs.Extra(extra, DeliveryOptions.defaults())));
    out.start();
    for (int i = 0; i < 5; i++) {
      out.head().accept(alert("Shell", Priority.WARNING, "sh")); // folded after the first
      out.head().accept(alert("Loud", Priority.ERROR, "x")); // never aggregated
    }
    out.head().accept(alert("Quiet", Priority.INFORMATIONAL, "q")); // below the file's and webhook's minimum
    await(() -> received.size() >= 6 && extraGot.size() >= 7);
    assertThat(out.states()).extracting(DeliveringSink.State::name).containsExactly("webhook:w", "opensearch");
    assertThat(Files.exists(dir.resolve("data/spool/webhook_w"))).isTrue();
    out.close(Duration.ofSeconds(5)); // sends the pending summary of "Shell"

    List<String> lines = Files.readAllLines(alerts);
    assertThat(lines).hasSize(1 + 5 + 1);
    assertThat(lines).noneMatch(l -> l.contains("Quiet"));
    assertThat(lines.get(lines.size() - 1)).contains("\"vigil.aggregate.count\":4");
    await(() -> received.size() >= 7);
    assertThat(received).hasSize(7);
    assertThat(received).extracting(j -> j.path("rule").asText()).doesNotContain("Quiet");
    assertThat(extraGot).hasSize(8);
  }

  @Test
  void everySinkShowsTheSameIdForAnAlert_andAnAggregationSummaryHasItsOwn() throws Exception {
    Path alerts = dir.resolve("alerts.jsonl");
    Path data = dir.resolve("data");
    String yaml = String.join("\n",
        "aggregation: {window: 60s}",
        "sinks:",
        "  stdout: {enabled: false}",
        "  file: {path: " + alerts + "}",
        "  webhooks:",
        "    - {name: w, url: \"http://127.0.0.1:" + server.getAddress().getPort() + "/\"}",
        "");
    ConfigFile cfg = ConfigFile.parse("t.yaml", yaml, n -> null);
    List<Envelope> recorded = new CopyOnWriteArrayList<>();
    Destination recording = new Destination() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public int maxBatch() {
        return 10;
      }

      @Override
      public void deliver(List<Envelope> batch) {
        recorded.addAll(batch);
      }
    };
    Metrics metrics = Metrics.inMemory();
    AlertOutputs out = AlertOutputs.open(cfg, data, "h", metrics, Clock.systemUTC(), new FileSink(alerts, metrics),
        List.of(new AlertOutputs.Extra(recording, DeliveryOptions.defaults())));
    out.start();
    for (int i = 0; i < 3; i++) {
      out.head().accept(alert("Shell", Priority.WARNING, "sh")); // the first goes out, two are folded
    }
    out.head().accept(alert("Other", Priority.ERROR, "x"));
    await(() -> recorded.size() >= 2 && received.size() >= 2);
    out.close(Duration.ofSeconds(5)); // sends the summary of the two folded "Shell" alerts

    // the alerts file: three alerts (first Shell, Other, the Shell summary), each with a distinct uuid
    Map<String, JsonNode> byId = new java.util.LinkedHashMap<>();
    for (String line : Files.readAllLines(alerts)) {
      JsonNode n = JSON.readTree(line);
      assertThat(n.path("uuid").asText())
          .matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      byId.put(n.path("uuid").asText(), n);
    }
    assertThat(byId).hasSize(3);
    List<JsonNode> shells = byId.values().stream().filter(n -> n.path("rule").asText().equals("Shell")).toList();
    assertThat(shells).hasSize(2);
    assertThat(shells.get(1).path("output_fields").path("vigil.aggregate.count").asLong()).isEqualTo(2);
    assertThat(shells.get(0).path("uuid").asText()).isNotEqualTo(shells.get(1).path("uuid").asText());

    // the store: the same three ids, each with the same alert
    try (AlertReader reader = AlertReader.open(data.resolve("alerts.db"))) {
      List<StoredAlert> stored = reader.find(AlertQuery.latest(100));
      assertThat(stored).extracting(StoredAlert::id)
          .containsExactlyInAnyOrderElementsOf(byId.keySet());
      for (StoredAlert s : stored) {
        assertThat(s.alert().id()).isEqualTo(s.id());
        String fileOutput = byId.get(s.id()).path("output").asText(); // "<clock>: <Priority> <output>"
        assertThat(fileOutput).endsWith(": " + s.alert().priority().label() + " " + s.alert().output());
      }
    }

    // a network destination behind its spool: the envelope id and the alert inside it are the same id
    await(() -> recorded.size() >= 3);
    assertThat(recorded).hasSize(3);
    for (Envelope e : recorded) {
      assertThat(e.alert().id()).isEqualTo(e.id());
      assertThat(byId.get(e.id())).as(e.id()).isNotNull();
      assertThat(byId.get(e.id()).path("rule").asText()).isEqualTo(e.alert().rule());
      assertThat(byId.get(e.id()).path("output_fields").path("vigil.aggregate.count").isMissingNode())
          .isEqualTo(!e.alert().outputFields().containsKey("vigil.aggregate.count"));
    }

    // the webhook: its body's uuid and its id header
    await(() -> received.size() >= 3);
    assertThat(received).extracting(j -> j.path("uuid").asText())
        .containsExactlyInAnyOrderElementsOf(byId.keySet());
    for (int i = 0; i < received.size(); i++) {
      assertThat(receivedIds.get(i)).isEqualTo(received.get(i).path("uuid").asText());
    }
  }

  @Test
  void badDestination_isRefused_withoutTheSecret() throws Exception {
    ConfigFile cfg = ConfigFile.parse("t.yaml", "sinks:\n  slack: {webhook_url: \"ftp://hooks/T/B/s3cr3t\"}\n",
        n -> null);
    assertThatThrownBy(() -> AlertOutputs.open(cfg, dir, "h", Metrics.inMemory(), Clock.systemUTC(), null,
        List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cr3t");
    ConfigFile twice = ConfigFile.parse("t.yaml", "sinks:\n  webhooks:\n    - {name: a, url: \"http://x/\"}\n"
        + "    - {name: a, url: \"http://y/\"}\n", n -> null);
    assertThatThrownBy(() -> AlertOutputs.open(twice, dir, "h", Metrics.inMemory(), Clock.systemUTC(), null,
        List.of()))
        .hasMessageContaining("two sinks are named webhook:a");
  }
}
