package dev.vigil.sensor.cgroup;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of one resource sample per container with the cgroup sensor, on real kernel files: {@link #CONTAINERS} idle
 * busybox containers ({@code --network none}, named {@code vigil-bench-cgroup-N} like scripts/bench-sensors.sh's, so the integration tests' clean-up of
 * {@code vigil-it-*} containers running at the same time leaves them alone; removed afterwards) are
 * started, and each operation is one {@link CgroupStatsSensor#tick()} over all of them, reported per container
 * ({@code @OperationsPerInvocation}), so the score is µs per container per sample. {@code openReadClose} does the
 * same reads the way a naive reader would (open, read, close each of the seven files) for comparison. Each
 * iteration also prints the benchmark thread's CPU time per container per sample, which a loaded host does not
 * inflate as it does the (wall-time) score. Needs root and the Docker engine; run with
 * {@code scripts/bench.sh CgroupStatsBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CgroupStatsBenchmark {

  /** Containers sampled per operation. */
  static final int CONTAINERS = 20;

  private final List<ContainerInfo> running = new ArrayList<>();
  private final List<Path[]> files = new ArrayList<>();
  private final AtomicLong samples = new AtomicLong();
  private CgroupStatsSensor sensor;
  private boolean ticked;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private long cpuAtStart;
  private long ops;

  @Setup(Level.Trial)
  public void start() throws IOException {
    removeContainers();
    for (int i = 0; i < CONTAINERS; i++) {
      String name = "vigil-bench-cgroup-" + i;
      String id = docker("run", "-d", "--name", name, "--network", "none", "vigil-test/busybox:1", "sleep", "3600");
      long pid = Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", name));
      ContainerRef ref = new ContainerRef(id, name, "vigil-test/busybox", "1", "");
      running.add(new ContainerInfo(ref, "", Map.of(), "", false, List.of(), List.of(), List.of(), List.of(),
          Map.of("network", "none"), 0, 0, 0, "overlay2", Map.of(), pid, true, Instant.now(), List.of(),
          List.of(), "no"));
      CgroupFiles f = CgroupFiles.resolve(Files.readString(Path.of("/proc/" + pid + "/cgroup")), id,
          Path.of("/sys/fs/cgroup"));
      files.add(new Path[] {f.cpu(), f.memoryUsage(), f.memoryStat(), f.memoryLimit(), f.pids(), f.io(),
          Path.of("/proc/" + pid + "/net/dev")});
    }
    sensor = new CgroupStatsSensor(null, () -> running, e -> samples.incrementAndGet() > 0, Clock.systemUTC(),
        System::nanoTime, Duration.ofSeconds(5), Metrics.inMemory(), Path.of("/proc"), Path.of("/sys/fs/cgroup"));
    sensor.tick(); // resolves and opens: the once-per-container part, not measured
    if (sensor.openFiles() < CONTAINERS * 5) {
      throw new IllegalStateException("the sensor opened only " + sensor.openFiles() + " files");
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    sensor.close();
    removeContainers();
    if (ticked && samples.get() == 0) {
      throw new IllegalStateException("no samples were emitted");
    }
  }

  /** Iteration set-up and tear-down run on the benchmark's thread: its CPU time is the benchmark's. */
  @Setup(Level.Iteration)
  public void startCpuClock() {
    cpuAtStart = threads.getCurrentThreadCpuTime();
    ops = 0;
  }

  /**
   * Prints the thread's CPU time per container per sample: on a shared, loaded host the score (wall time) includes
   * waiting for a core, the CPU time does not.
   */
  @TearDown(Level.Iteration)
  public void printCpuTime() {
    long cpu = threads.getCurrentThreadCpuTime() - cpuAtStart;
    if (ops > 0) {
      System.out.printf("  (CPU time: %.1f us per container per sample over %d samples)%n",
          cpu / 1e3 / ops, ops);
    }
  }

  @Benchmark
  @OperationsPerInvocation(CONTAINERS)
  public void keptFiles() {
    ticked = true;
    ops += CONTAINERS;
    sensor.tick();
  }

  @Benchmark
  @OperationsPerInvocation(CONTAINERS)
  public void openReadClose(Blackhole bh) throws IOException {
    ops += CONTAINERS;
    for (Path[] container : files) {
      for (Path p : container) {
        if (p != null) {
          bh.consume(Files.readAllBytes(p));
        }
      }
    }
  }

  private static void removeContainers() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < CONTAINERS; i++) {
      names.add("vigil-bench-cgroup-" + i);
    }
    List<String> cmd = new ArrayList<>(List.of("rm", "-f"));
    cmd.addAll(names);
    try {
      docker(cmd.toArray(String[]::new));
    } catch (IllegalStateException e) {
      // none were there
    }
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("docker " + String.join(" ", args) + ": " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
