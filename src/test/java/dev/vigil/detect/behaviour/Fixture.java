package dev.vigil.detect.behaviour;

import dev.vigil.alert.Alert;
import dev.vigil.common.Metrics;
import dev.vigil.detect.Detector;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import dev.vigil.event.StatsSample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test kit for the behavioural detectors: a fake clock that the test advances (the sensors stamp events with their
 * clock, so this is how time passes for a detector), a fake container directory, builders for the events the
 * sensors emit, and the alerts collected.
 */
final class Fixture {

  /** A clock that only moves when told to. */
  static final class FakeClock extends Clock {
    private Instant now;

    FakeClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  final FakeClock clock = new FakeClock(T0);
  final Metrics metrics = Metrics.inMemory();
  final Map<String, ContainerInfo> infos = new HashMap<>();
  final List<Alert> alerts = new ArrayList<>();
  final ContainerDirectory directory = ContainerDirectory.of(infos);

  DetectorContext context() {
    return context(4096);
  }

  DetectorContext context(int maxContainers) {
    return new DetectorContext(directory, metrics, maxContainers, 1024, Duration.ofMinutes(10),
        List.of());
  }

  /** A container known to the directory, with a CPU limit (0 = none) and a command. */
  ContainerRef container(String name, long nanoCpus, String... command) {
    String id = (name + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").substring(0, 64);
    ContainerRef ref = new ContainerRef(id, name, "vigil-test/busybox", "1", "");
    infos.put(id, new ContainerInfo(ref, "sha256:" + id, Map.of(), "", false, List.of(), List.of(), List.of(),
        List.of(), Map.of(), 0, nanoCpus, 0, "overlay2", Map.of(), 100, true, T0, List.of(command), List.of(), ""));
    return ref;
  }

  ContainerRef container(String name) {
    return container(name, 0, "sleep", "infinity");
  }

  Instant now() {
    return clock.instant();
  }

  void advance(Duration d) {
    clock.advance(d);
  }

  void advanceSeconds(long s) {
    clock.advance(Duration.ofSeconds(s));
  }

  void feed(Detector d, Event e) {
    d.onEvent(e, alerts::add);
  }

  StatsSample stats(ContainerRef c, double cpuPercent, double txRate, long pids) {
    return new StatsSample(now(), c, "docker.stats", cpuPercent, 10 << 20, 0, 0, (long) (txRate * 5), 0, txRate, 0,
        0, pids);
  }

  StatsSample cpu(ContainerRef c, double cpuPercent) {
    return stats(c, cpuPercent, 0, 1);
  }

  ProcessExec exec(ContainerRef c, String name, String... argv) {
    return exec(c, ExecOrigin.DOCKER_EXEC, name, argv);
  }

  ProcessExec exec(ContainerRef c, ExecOrigin origin, String name, String... argv) {
    return new ProcessExec(now(), c, "kernel.proc", 4242, 1, name, "/bin/busybox", List.of(argv), 0, "root", "",
        origin, "");
  }

  NetConnection outbound(ContainerRef c, String ip, int port, String proc) {
    return new NetConnection(now(), c, "kernel.net", NetConnection.Direction.OUTBOUND, "tcp", "172.17.0.2", 40000,
        ip, port, 77, proc);
  }

  NetConnection listen(ContainerRef c, String proto, int port, String proc) {
    return new NetConnection(now(), c, "kernel.net", NetConnection.Direction.LISTEN, proto, "0.0.0.0", port, "", 0,
        77, proc);
  }

  SensorNotice attempts(ContainerRef c, long opens, long fails) {
    return new SensorNotice(now(), c, "kernel.net", "connect_attempts", opens,
        "active_opens=" + opens + " attempt_fails=" + fails + " passive_opens=0");
  }

  ContainerLifecycle lifecycle(ContainerRef c, String action) {
    return new ContainerLifecycle(now(), c, "docker.events", action, "", Map.of());
  }

  List<Alert> alerts(String rule) {
    return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
  }

  long counter(String what, String detector) {
    return metrics.count("vigil.detector." + what, "detector", detector);
  }
}
