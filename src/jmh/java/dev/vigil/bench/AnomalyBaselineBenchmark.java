package dev.vigil.bench;

import dev.vigil.common.Metrics;
import dev.vigil.detect.baseline.AnomalyConfig;
import dev.vigil.detect.baseline.AnomalyDetector;
import dev.vigil.detect.baseline.Assessment;
import dev.vigil.detect.baseline.FeatureAggregator;
import dev.vigil.detect.baseline.ImageBaseline;
import dev.vigil.detect.baseline.IntervalSample;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the per-image anomaly baselines, in microseconds:
 * <ul>
 *   <li>{@code observeScoring}: one interval sample through a trained model: score, then learn (the steady state of
 *       every image after its learning period; once per container per interval);</li>
 *   <li>{@code observeExplaining}: the same with the score at or above the threshold, which adds the attribution
 *       pass (only anomalous intervals pay this);</li>
 *   <li>{@code observeLearning}: learning only (the learning period);</li>
 *   <li>{@code detectorEvent}: one event through {@link AnomalyDetector#onEvent} for 100 containers of 10 images
 *       (aggregation, plus the share of interval closes and model updates that falls on each event).</li>
 * </ul>
 * At the start of each fork the state sizes are printed as {@code STATE ...} lines: a model's heap (average heap
 * growth over 20 trained models, after GC) and its file size, and a container's aggregation state (heap growth
 * over 10,000 aggregators with an open interval). Run:
 * {@code scripts/bench.sh AnomalyBaselineBenchmark -t 1 -f 1 -wi 3 -w 2s -i 5 -r 2s}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AnomalyBaselineBenchmark {

  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final ContainerRef API = new ContainerRef("a".repeat(64), "shop-api-1",
      "registry.example.com/shop/api", "2.14.3", "");
  private static final String KEY = "registry.example.com/shop/api:2.14.3";
  private static final int SAMPLES = 4096;

  /** RCF's bounding-box cache: 0 (least memory), 1 (RCF's default, fastest), or between. */
  @Param({"0.0", "0.3", "1.0"})
  public double cache;

  private ImageBaseline scoring;
  private ImageBaseline explaining;
  private ImageBaseline learning;
  private IntervalSample[] samples;
  private int next;

  private AnomalyDetector detector;
  private Event[] events;
  private long eventShift;
  private int nextEvent;
  private Path dataDir;

  static AnomalyConfig config(double cache, int learningSamples, double threshold) {
    AnomalyConfig d = AnomalyConfig.defaults();
    return new AnomalyConfig(true, d.interval(), learningSamples, threshold, d.episodeQuietIntervals(),
        d.trees(), d.sampleSize(), cache, d.topFeatures(), d.maxImages(), d.maxContainers(), d.maxExecutables(),
        d.saveInterval(), d.seed());
  }

  private static double jitter(Random r, double level, double rel) {
    return Math.max(0, level * (1 + rel * r.nextGaussian()));
  }

  static IntervalSample sample(Random r, int i) {
    Instant start = T0.plusSeconds(30L * i);
    return new IntervalSample(API, KEY, start, start.plusSeconds(30), jitter(r, 5, 0.2), jitter(r, 50e6, 0.02),
        jitter(r, 1000, 0.2), jitter(r, 2000, 0.2), 10 + r.nextInt(3), jitter(r, 4, 0.25),
        List.of("/bin/sh", "/usr/bin/curl"), 0, 2 + r.nextInt(3), jitter(r, 20, 0.2), 3);
  }

  private static ImageBaseline trained(AnomalyConfig cfg, int n, long seed) {
    ImageBaseline m = ImageBaseline.create(KEY, cfg);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      m.observe(sample(r, i));
    }
    return m;
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Random r = new Random(20261129L);
    samples = new IntervalSample[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      samples[i] = sample(r, 1000 + i);
    }
    AnomalyConfig d = AnomalyConfig.defaults();
    scoring = trained(config(cache, d.learningSamples(), d.threshold()), 600, 1);
    explaining = trained(config(cache, d.learningSamples(), 1e-9), 600, 1);
    learning = ImageBaseline.create(KEY, config(cache, Integer.MAX_VALUE, d.threshold()));
    for (int i = 0; i < 600; i++) {
      learning.observe(samples[i]);
    }
    setUpDetector();
    printStateSizes();
    printCpuTimes();
  }

  /**
   * Thread CPU time per sample (not wall time), so the numbers hold on a machine shared with other work: 4,000
   * samples through copies of the trained models, after the 600 x 20 training calls have warmed the JIT.
   */
  private void printCpuTimes() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    AnomalyConfig d = AnomalyConfig.defaults();
    String[] names = {"scoring", "explaining", "learning"};
    AnomalyConfig[] cfgs = {config(cache, d.learningSamples(), d.threshold()),
        config(cache, d.learningSamples(), 1e-9), config(cache, Integer.MAX_VALUE, d.threshold())};
    for (int k = 0; k < names.length; k++) {
      ImageBaseline m = trained(cfgs[k], 600, 3);
      for (int i = 0; i < 1000; i++) {
        m.observe(samples[i]);
      }
      long t0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 4000; i++) {
        m.observe(samples[i % SAMPLES]);
      }
      System.out.printf(Locale.ROOT, "CPU cache=%.1f %s: %.1f us of thread CPU per sample%n", cache, names[k],
          (mx.getCurrentThreadCpuTime() - t0) / 4000 / 1e3);
    }
    // Persistence: the snapshot is taken on the dispatch thread; encoding, and loading, run on the I/O thread.
    ImageBaseline m = trained(cfgs[0], 600, 4);
    long snap = 0;
    long enc = 0;
    long dec = 0;
    int rounds = 20;
    try {
      for (int i = 0; i < rounds; i++) {
        long a = mx.getCurrentThreadCpuTime();
        dev.vigil.detect.baseline.BaselineFile f = m.toFile(T0);
        long b = mx.getCurrentThreadCpuTime();
        byte[] bytes = f.encode();
        long c = mx.getCurrentThreadCpuTime();
        ImageBaseline.fromFile(dev.vigil.detect.baseline.BaselineFile.decode(bytes), cfgs[0]);
        long e = mx.getCurrentThreadCpuTime();
        if (i >= 5) {
          snap += b - a;
          enc += c - b;
          dec += e - c;
        }
      }
    } catch (IOException | dev.vigil.detect.baseline.IncompatibleBaselineException ex) {
      throw new IllegalStateException(ex);
    }
    int n = rounds - 5;
    System.out.printf(Locale.ROOT, "CPU cache=%.1f persistence: snapshot %.2f ms (dispatch thread), encode %.2f ms,"
        + " decode and rebuild %.2f ms (I/O thread)%n", cache, snap / n / 1e6, enc / n / 1e6, dec / n / 1e6);
  }

  private void setUpDetector() throws IOException {
    dataDir = Files.createTempDirectory("vigil-bench-baselines");
    detector = new AnomalyDetector(config(cache, 120, AnomalyConfig.defaults().threshold()), dataDir,
        Metrics.inMemory());
    // One 30 s interval of 100 containers (10 images): 3 stats samples, 2 execs, 2 connections, 8 writes each.
    Random r = new Random(7);
    List<Event> list = new ArrayList<>();
    for (int c = 0; c < 100; c++) {
      ContainerRef ref = new ContainerRef(String.format(Locale.ROOT, "%064x", c + 1), "c" + c, "shop/svc" + c % 10,
          "1", "");
      for (int s = 0; s < 3; s++) {
        list.add(new StatsSample(T0.plusSeconds(1 + 10L * s), ref, "docker.stats", jitter(r, 5, 0.2),
            (long) jitter(r, 50e6, 0.02), 1L << 30, 0, 0, jitter(r, 1000, 0.2), jitter(r, 2000, 0.2), 0, 0, 10));
      }
      for (int e = 0; e < 2; e++) {
        list.add(new ProcessExec(T0.plusSeconds(3 + e), ref, "kernel.proc", 100, 1, "sh", "/bin/sh",
            List.of("/bin/sh"), 0, "root", "", ExecOrigin.CONTAINER, ""));
        list.add(new NetConnection(T0.plusSeconds(5 + e), ref, "kernel.net", NetConnection.Direction.OUTBOUND,
            "tcp", "172.17.0.5", 40000, "172.17.0.9", 5432 + e, 100, "node"));
      }
      for (int w = 0; w < 8; w++) {
        list.add(new FileOpen(T0.plusSeconds(20 + w), ref, "kernel.fanotify", "/app/app.log", FileOpen.Mode.WRITE,
            100, "node"));
      }
    }
    list.sort((a, b) -> a.time().compareTo(b.time()));
    events = list.toArray(new Event[0]);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    detector.close();
    try (var files = Files.walk(dataDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void printStateSizes() throws IOException {
    AnomalyConfig cfg = config(cache, 120, AnomalyConfig.defaults().threshold());
    long before = usedHeap();
    ImageBaseline[] models = new ImageBaseline[20];
    for (int i = 0; i < models.length; i++) {
      models[i] = trained(cfg, 600, i);
    }
    long perModel = (usedHeap() - before) / models.length;
    int fileBytes = models[0].toFile(T0).encode().length;
    before = usedHeap();
    FeatureAggregator[] aggs = new FeatureAggregator[10_000];
    for (int i = 0; i < aggs.length; i++) {
      aggs[i] = new FeatureAggregator(API, KEY, 30);
      aggs[i].add(new StatsSample(T0, API, "docker.stats", 5, 1, 1, 0, 0, 1, 1, 0, 0, 1));
      aggs[i].add(new ProcessExec(T0, API, "kernel.proc", 1, 0, "sh", "/bin/sh", List.of("/bin/sh"), 0, "", "",
          ExecOrigin.CONTAINER, ""));
      aggs[i].add(new NetConnection(T0, API, "kernel.net", NetConnection.Direction.OUTBOUND, "tcp", "172.17.0.5",
          4000, "172.17.0.9", 5432, 1, "node"));
    }
    long perContainer = (usedHeap() - before) / aggs.length;
    System.out.printf(Locale.ROOT, "%nSTATE cache=%.1f trees=%d sample_size=%d: model heap %d bytes, model file %d"
        + " bytes; container aggregation %d bytes (3 events in the open interval)%n", cache, cfg.trees(),
        cfg.sampleSize(), perModel, fileBytes, perContainer);
    if (models[0].samples() + aggs.length == 0) {
      throw new IllegalStateException("unreachable: keeps the models alive until measured");
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private IntervalSample nextSample() {
    IntervalSample s = samples[next];
    next = next + 1 == SAMPLES ? 0 : next + 1;
    return s;
  }

  @Benchmark
  public Assessment observeScoring() {
    return scoring.observe(nextSample());
  }

  @Benchmark
  public Assessment observeExplaining() {
    return explaining.observe(nextSample());
  }

  @Benchmark
  public Assessment observeLearning() {
    return learning.observe(nextSample());
  }

  @Benchmark
  public int detectorEvent() {
    Event e = events[nextEvent];
    if (++nextEvent == events.length) {
      // The next round of the same interval pattern, 30 s later in event time.
      nextEvent = 0;
      eventShift += 30;
    }
    detector.onEvent(shift(e, eventShift), a -> { });
    return nextEvent;
  }

  private static Event shift(Event e, long seconds) {
    Instant t = e.time().plusSeconds(seconds);
    if (e instanceof StatsSample s) {
      return new StatsSample(t, s.container(), s.sensor(), s.cpuPercent(), s.memoryBytes(), s.memoryLimit(),
          s.rxBytes(), s.txBytes(), s.rxRate(), s.txRate(), s.blockReadBytes(), s.blockWriteBytes(), s.pids());
    } else if (e instanceof ProcessExec p) {
      return new ProcessExec(t, p.container(), p.sensor(), p.pid(), p.ppid(), p.name(), p.exePath(), p.args(),
          p.uid(), p.user(), p.tty(), p.origin(), p.execId());
    } else if (e instanceof NetConnection n) {
      return new NetConnection(t, n.container(), n.sensor(), n.direction(), n.l4proto(), n.localIp(), n.localPort(),
          n.remoteIp(), n.remotePort(), n.pid(), n.procName());
    } else if (e instanceof FileOpen f) {
      return new FileOpen(t, f.container(), f.sensor(), f.path(), f.mode(), f.pid(), f.procName());
    }
    return e;
  }
}
