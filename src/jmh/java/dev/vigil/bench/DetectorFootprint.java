package dev.vigil.bench;

import dev.vigil.common.Metrics;
import dev.vigil.detect.Detector;
import dev.vigil.detect.behaviour.BehaviourDetectors;
import dev.vigil.detect.behaviour.BehaviourConfig;
import dev.vigil.engine.DetectorEngine;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Bytes of detector state per container: builds each detector, feeds it ten minutes of the steady workload of
 * {@link DetectorWorkload} for 2,000 containers (past every learning period), and measures the heap it holds (used
 * heap after full collections with the detector reachable, minus the same without it), divided by the containers.
 * A second pass has every container also run a 300-port {@code nc} scan, the port-scan detector's worst ordinary
 * case. Each figure comes from its own JVM (serial collector, no TLABs, so "used heap" right after
 * {@code System.gc()} is exact). Run:
 *
 * <pre>
 * mvn -o -q -Pbench -DskipTests test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *   -Dexec.args="-cp %classpath dev.vigil.bench.DetectorFootprint"
 * </pre>
 */
public final class DetectorFootprint {

  private static final int CONTAINERS = 2000;
  private static final int TICKS = 120; // 10 minutes

  private DetectorFootprint() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2) { // a child: one measurement in a fresh JVM
      System.out.println(measure(args[0], Boolean.parseBoolean(args[1])));
      return;
    }
    List<String> names = List.of("port_scan", "crypto_mining", "egress_spike", "process_count_spike",
        "exec_rate_spike", "new_listen_port", "all");
    System.out.printf(Locale.ROOT, "%-20s %16s %16s%n", "detector", "steady B/ctr", "after scan B/ctr");
    for (String name : names) {
      System.out.printf(Locale.ROOT, "%-20s %16d %16d%n", name, child(name, false) / CONTAINERS,
          child(name, true) / CONTAINERS);
    }
  }

  /**
   * Runs one measurement in a fresh JVM. Measured in one JVM, a second run of the same detectors reads about 1 MB
   * more (code compiled in the first run keeps something of it alive until the next collection), so every figure
   * comes from a JVM that ran nothing before.
   */
  private static long child(String name, boolean scan) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseSerialGC", "-XX:-UseTLAB", "-cp", System.getProperty("java.class.path"),
        DetectorFootprint.class.getName(), name, Boolean.toString(scan))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("measurement of " + name + " failed");
    }
    return Long.parseLong(out);
  }

  /** Keeps the measured detectors reachable until the "with" measurement. */
  private static volatile Object hold;
  /** Keeps the workload (containers, directory) reachable through both measurements: it is not detector state. */
  private static volatile Object keep;

  /** Heap held by the detector(s) after the workload, in bytes: used heap with them reachable minus without. */
  private static long measure(String name, boolean scan) throws Exception {
    DetectorWorkload w = new DetectorWorkload(CONTAINERS, 11L);
    keep = w;
    hold = feed(w, name, scan);
    // feed() has returned: no stack slot still points at its last events
    long with = usedAfterGc();
    hold = null;
    long without = usedAfterGc();
    keep = null;
    return with - without;
  }

  /** Builds the detector(s) and runs the workload through them; returns the engine holding them. */
  private static DetectorEngine feed(DetectorWorkload w, String name, boolean scan) {
    List<Detector> all = BehaviourDetectors.create(BehaviourConfig.defaults(), w.directory(), Metrics.inMemory());
    DetectorEngine engine = new DetectorEngine(name.equals("all") ? all
        : all.stream().filter(d -> d.name().equals(name)).toList());
    long[] alerts = new long[1];
    for (long t = 0; t < TICKS; t++) {
      for (Event e : w.tick(t, false)) {
        engine.process(e, a -> alerts[0]++);
      }
    }
    if (engine.describe().isEmpty() || alerts[0] != 0 || engine.failures() != 0) {
      throw new IllegalStateException(name + ": " + alerts[0] + " alerts on the steady workload");
    }
    if (scan) {
      Instant at = DetectorWorkload.T0.plus(DetectorWorkload.TICK.multipliedBy(TICKS)).plusMillis(500);
      for (ContainerRef c : w.refs) {
        for (int p = 1; p <= 300; p++) {
          engine.process(new ProcessExec(at, c, "kernel.proc", 9, 1, "nc", "/bin/busybox",
              List.of("nc", "-w", "1", "127.0.0.1", Integer.toString(p)), 0, "root", "", ExecOrigin.DOCKER_EXEC,
              ""), a -> { });
        }
      }
    }
    return engine;
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      long used = mem.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < 1024) {
        return used;
      }
      last = used;
      Thread.sleep(20);
    }
    return last;
  }
}
