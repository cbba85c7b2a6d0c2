package dev.vigil.app;

import dev.vigil.rules.field.Capability;
import dev.vigil.sensor.cgroup.CgroupStatsSensor;
import dev.vigil.sensor.fanotify.FanotifyFileSensor;
import dev.vigil.sensor.proc.NetlinkProcConnector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which sensors run on this host and what they can observe, decided once at start: each kernel sensor is probed
 * (netlink connector, fanotify, /proc network tables, cgroup counters); where one cannot run, its polling stand-in
 * runs instead and the reason is kept for the log, {@code vigil status} and metrics. The capability set decides
 * which rules load enabled. Immutable.
 */
record SensorPlan(Map<String, String> unavailable, Set<String> disabled, Set<Capability> capabilities) {

  static final String PROC = "kernel.proc";
  static final String FANOTIFY = FanotifyFileSensor.NAME;
  static final String NET = "kernel.net";
  static final String CGROUP = CgroupStatsSensor.NAME;
  static final List<String> ALL = List.of("docker.logs", "docker.stats", "docker.top", "docker.diff", PROC,
      FANOTIFY, NET, CGROUP);

  /** Probes the kernel sensors (those not disabled) on this host. */
  static SensorPlan probe(Set<String> disabled) {
    Map<String, String> unavailable = new LinkedHashMap<>();
    if (!disabled.contains(PROC)) {
      Optional<String> why = NetlinkProcConnector.unavailableReason();
      why.ifPresent(w -> unavailable.put(PROC, w));
    }
    if (!disabled.contains(FANOTIFY)) {
      FanotifyFileSensor.probe().ifPresent(e -> unavailable.put(FANOTIFY, e.getMessage()));
    }
    if (!disabled.contains(NET) && !Files.isReadable(Path.of("/proc/1/net/snmp"))) {
      unavailable.put(NET, "cannot read other processes' /proc/<pid>/net (run as root)");
    }
    if (!disabled.contains(CGROUP)) {
      CgroupStatsSensor.probe().ifPresent(w -> unavailable.put(CGROUP, w));
    }
    return new SensorPlan(Map.copyOf(unavailable), Set.copyOf(disabled), capabilities(disabled, unavailable));
  }

  boolean runs(String sensor) {
    return !disabled.contains(sensor) && !unavailable.containsKey(sensor);
  }

  /** docker.top polls only where the process connector cannot run. */
  boolean topNeeded() {
    return !runs(PROC);
  }

  /** docker.stats polls the Engine API only where the cgroup counters cannot be read. */
  boolean statsPollNeeded() {
    return !runs(CGROUP);
  }

  /** With fanotify running, docker.diff only has to report deletions, which fanotify does not see. */
  boolean diffDeletionsOnly() {
    return runs(FANOTIFY);
  }

  private static Set<Capability> capabilities(Set<String> disabled, Map<String, String> unavailable) {
    Set<Capability> caps = EnumSet.of(Capability.CORE, Capability.ENGINE_EVENTS);
    boolean proc = !disabled.contains(PROC) && !unavailable.containsKey(PROC);
    boolean fan = !disabled.contains(FANOTIFY) && !unavailable.containsKey(FANOTIFY);
    if (!disabled.contains("docker.logs")) {
      caps.add(Capability.LOG);
    }
    if (!disabled.contains("docker.stats") || (!disabled.contains(CGROUP) && !unavailable.containsKey(CGROUP))) {
      caps.add(Capability.STATS);
    }
    if (proc || !disabled.contains("docker.top")) {
      caps.add(Capability.PROCESS);
      caps.add(Capability.PROCESS_TREE);
    }
    if (proc) {
      caps.add(Capability.EXE_LAYER);
      caps.add(Capability.PROCESS_FDS);
      caps.add(Capability.PROCESS_IDS);
    }
    if (fan || !disabled.contains("docker.diff")) {
      caps.add(Capability.FILE_CHANGE);
    }
    if (fan) {
      caps.add(Capability.FILE_OPEN);
    }
    if (!disabled.contains(NET) && !unavailable.containsKey(NET)) {
      caps.add(Capability.NETWORK);
    }
    return caps;
  }

  /** Log lines, one per kernel sensor that cannot run, naming the fallback. */
  List<String> degradedLines() {
    List<String> out = new ArrayList<>();
    unavailable.forEach((name, why) -> out.add("sensor " + name + " unavailable: " + why + "; " + fallbackOf(name)));
    return out;
  }

  static String fallbackOf(String kernelSensor) {
    switch (kernelSensor) {
      case PROC:
        return "docker.top polls processes instead (short-lived processes may be missed)";
      case FANOTIFY:
        return "docker.diff polls file changes instead (no file reads)";
      case CGROUP:
        return "docker.stats polls the Engine API for resource samples instead (costs the agent and dockerd CPU)";
      default:
        return "no connection events; rules on connections are disabled";
    }
  }
}
