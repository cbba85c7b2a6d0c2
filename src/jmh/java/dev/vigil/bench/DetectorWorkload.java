package dev.vigil.bench;

import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import dev.vigil.event.StatsSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the behavioural detectors see on an ordinary host, for their benchmark and footprint harness: N running
 * containers, each sampled every 5 s (a {@link StatsSample} with steady, slightly noisy CPU, transmit rate and
 * process count), plus per 5-second tick a few process starts ({@code sh -c}, a {@code curl} health probe of a
 * sibling), outbound connections to a database and an API, {@code connect_attempts} notices from the network sensor
 * and, rarely, a known listener re-opened. Nothing in it is an attack, so the detectors run their common path.
 * Events are built for one tick and re-stamped tick after tick, so time moves forward as it does live.
 */
final class DetectorWorkload {

  static final Duration TICK = Duration.ofSeconds(5);
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  final List<ContainerRef> refs = new ArrayList<>();
  final Map<String, ContainerInfo> infos = new ConcurrentHashMap<>();
  private final Random random;

  DetectorWorkload(int containers, long seed) {
    this.random = new Random(seed);
    for (int i = 0; i < containers; i++) {
      String id = String.format("%064x", 0x5eed0000L + i);
      String service = i % 4 == 0 ? "web" : i % 4 == 1 ? "api" : i % 4 == 2 ? "worker" : "db";
      ContainerRef ref = new ContainerRef(id, "shop-" + service + "-" + i, "registry.example.com/shop/" + service,
          "2.14.3", "");
      refs.add(ref);
      infos.put(id, new ContainerInfo(ref, "sha256:" + id, Map.of(), "1000", false, List.of(), List.of(), List.of(),
          List.of(), Map.of(), 512L << 20, i % 3 == 0 ? 500_000_000L : 0, 512, "overlay2", Map.of(), 1000 + i, true,
          T0, List.of("docker-entrypoint.sh", service), List.of(), "unless-stopped"));
    }
  }

  ContainerDirectory directory() {
    return ContainerDirectory.of(infos);
  }

  /** The events of tick {@code n} (0-based), in time order within the tick. */
  List<Event> tick(long n, boolean statsOnly) {
    Instant t = T0.plus(TICK.multipliedBy(n + 1));
    List<Event> out = new ArrayList<>(refs.size() * 2);
    for (int i = 0; i < refs.size(); i++) {
      ContainerRef c = refs.get(i);
      Instant at = t.plusMillis(i * 3L);
      double cpu = 2 + random.nextDouble() * 6;
      double tx = 20_000 + random.nextDouble() * 30_000;
      out.add(new StatsSample(at, c, "docker.stats", cpu, 80L << 20, 512L << 20, 0, (long) (n * tx * 5), tx, tx, 0,
          0, 12 + random.nextInt(3)));
      if (statsOnly) {
        continue;
      }
      if (i % 25 == 0) {
        out.add(new ProcessExec(at.plusMillis(1), c, "kernel.proc", 5000 + n, 1000 + i, "curl", "/usr/bin/curl",
            List.of("curl", "-fsS", "http://shop-api:8080/healthz"), 1000, "app", "", ExecOrigin.CONTAINER, ""));
      }
      if (i % 10 == 0) {
        out.add(new NetConnection(at.plusMillis(2), c, "kernel.net", NetConnection.Direction.OUTBOUND, "tcp",
            "172.18.0." + (2 + i % 200), 40000 + (int) (n % 20000), "172.18.0.250", i % 20 == 0 ? 5432 : 8080,
            1000 + i, "node"));
        out.add(new SensorNotice(at.plusMillis(2), c, "kernel.net", "connect_attempts", 1,
            "active_opens=1 attempt_fails=0 passive_opens=0"));
      }
      if (i % 50 == 0 && n % 10 == 0) {
        out.add(new NetConnection(at.plusMillis(2), c, "kernel.net", NetConnection.Direction.LISTEN, "tcp",
            "0.0.0.0", 8080, "", 0, 1000 + i, "node"));
      }
    }
    return out;
  }
}
