package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.DeliveringSink;
import dev.vigil.sink.DeliveryOptions;
import dev.vigil.sink.Destination;
import dev.vigil.sink.Envelope;
import dev.vigil.sink.FileSink;
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

  @BeforeEach
  void receiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      received.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
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
