package dev.vigil.detect.baseline;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A steady, seeded synthetic workload for the baseline tests: a web API container whose CPU, memory, traffic,
 * processes, health-check execs, connections and log writes vary a little around fixed levels.
 */
final class Synthetic {

  static final ContainerRef API = new ContainerRef("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
      "shop-api-1", "registry.example.com/shop/api", "2.14.3", "");
  static final String API_KEY = "registry.example.com/shop/api:2.14.3";
  static final List<String> STEADY_EXES = List.of("/bin/sh", "/usr/bin/curl", "/usr/local/bin/node");

  private final Random rnd;

  Synthetic(long seed) {
    rnd = new Random(seed);
  }

  private double jitter(double level, double relative) {
    return Math.max(0, level * (1 + relative * rnd.nextGaussian()));
  }

  /** One steady interval as the aggregator would close it. */
  IntervalSample steadySample(ContainerRef c, String key, Instant start, int seconds) {
    return sample(c, key, start, seconds, jitter(2000, 0.2), List.of());
  }

  /** An interval with the given transmit rate and extra executables. */
  IntervalSample sample(ContainerRef c, String key, Instant start, int seconds, double txRate, List<String> extra) {
    List<String> exes = new ArrayList<>(STEADY_EXES.subList(0, 1 + rnd.nextInt(STEADY_EXES.size())));
    exes.addAll(extra);
    return new IntervalSample(c, key, start, start.plusSeconds(seconds), jitter(5, 0.2), jitter(50e6, 0.02),
        jitter(1000, 0.2), txRate, 10 + rnd.nextInt(3), jitter(4, 0.25), exes, 0, 2 + rnd.nextInt(3),
        jitter(20, 0.2), 3);
  }

  /**
   * The events of one 30 s interval of container {@code c} starting at {@code start}: three stats samples, a few
   * execs, connections and file writes.
   */
  List<Event> steadyEvents(ContainerRef c, Instant start) {
    return events(c, start, jitter(2000, 0.2), List.of());
  }

  List<Event> events(ContainerRef c, Instant start, double txRate, List<String> extraExes) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Instant t = start.plusSeconds(1 + 10L * i);
      out.add(new StatsSample(t, c, "docker.stats", jitter(5, 0.2), (long) jitter(50e6, 0.02), 1L << 30, 0, 0,
          jitter(1000, 0.2), txRate, 0, 0, 10 + rnd.nextInt(3)));
    }
    int execs = 1 + rnd.nextInt(3);
    for (int i = 0; i < execs; i++) {
      String exe = STEADY_EXES.get(rnd.nextInt(STEADY_EXES.size()));
      out.add(exec(c, start.plusSeconds(3 + i), exe));
    }
    for (int i = 0; i < extraExes.size(); i++) {
      out.add(exec(c, start.plusSeconds(12 + i), extraExes.get(i)));
    }
    int conns = 2 + rnd.nextInt(2);
    for (int i = 0; i < conns; i++) {
      out.add(new NetConnection(start.plusSeconds(5 + i), c, "kernel.net", NetConnection.Direction.OUTBOUND, "tcp",
          "172.17.0.5", 40000 + i, "172.17.0." + (10 + i), 5432, 100, "node"));
    }
    int writes = 8 + rnd.nextInt(4);
    for (int i = 0; i < writes; i++) {
      out.add(new FileOpen(start.plusSeconds(20 + i / 2), c, "kernel.fanotify", "/app/logs/app.log",
          FileOpen.Mode.WRITE, 100, "node"));
    }
    out.sort((a, b) -> a.time().compareTo(b.time()));
    return out;
  }

  static ProcessExec exec(ContainerRef c, Instant t, String exe) {
    String name = exe.substring(exe.lastIndexOf('/') + 1);
    return new ProcessExec(t, c, "kernel.proc", 100, 1, name, exe, List.of(exe), 0, "root", "",
        ExecOrigin.CONTAINER, "");
  }
}
