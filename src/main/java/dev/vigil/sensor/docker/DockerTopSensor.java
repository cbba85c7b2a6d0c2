package dev.vigil.sensor.docker;

import java.util.Set;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import com.github.dockerjava.api.command.TopContainerResponse;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.EventSink;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FALLBACK process sensor: polls {@code docker top} for each running container and reports processes it has not
 * seen before. It stands in for the netlink process connector on hosts where that cannot run: it sees a process
 * only if it is alive at a poll, so short-lived processes are missed and detection lags by up to one interval.
 * A process whose parent is outside the container's tree was started by {@code docker exec} (or by the engine's
 * HEALTHCHECK, recognised by its command). The first poll of a container reports everything already running; for a
 * container that was running before the sensor started, those processes are marked found at start.
 */
public final class DockerTopSensor extends ContainerPoller<DockerTopSensor.Seen> {

  public static final String NAME = "docker.top";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.standIn(NAME, "processes polled with the Engine API's top",
      Set.of(Capability.PROCESS, Capability.PROCESS_TREE), "kernel.proc",
      "docker.top polls processes instead (short-lived processes may be missed)", "kernel.proc sees every process");
  /** {@code ps} columns asked of the engine; the last one (args) takes the rest of the line. */
  static final String PS_ARGS = "-o pid,ppid,uid,tty,comm,args";
  private static final int MAX_PIDS = 32_768;

  /** Processes seen in a container: pid to command line, so pid reuse with a new command is noticed. */
  static final class Seen {
    final Map<Long, String> byPid = new HashMap<>();
    /** False until the container's first listing. */
    boolean listed;
  }

  private final DockerConnection conn;
  private final EventSink sink;
  private final Clock clock;
  /** Containers started before this were running before the sensor: their first listing is found at start. */
  private final java.time.Instant createdAt;

  public DockerTopSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock,
      Duration interval, Metrics metrics) {
    super(inventory, interval, 2, metrics);
    this.conn = conn;
    this.sink = sink;
    this.clock = clock;
    this.createdAt = clock.instant();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Seen newState(ContainerInfo c) {
    return new Seen();
  }

  @Override
  void poll(ContainerInfo c, Seen seen) {
    TopContainerResponse top = conn.requests().topContainerCmd(c.ref().id()).withPsArgs(PS_ARGS).exec();
    boolean atStart = !seen.listed && c.startedAt() != null && c.startedAt().isBefore(createdAt);
    seen.listed = true;
    for (ProcessExec p : diff(c, top.getTitles(), top.getProcesses(), seen, clock)) {
      sink.offer(atStart ? p.asFoundAtStart() : p);
    }
  }

  /** The processes of this listing not in {@code seen}; updates {@code seen} to the listing. */
  static List<ProcessExec> diff(ContainerInfo c, String[] titles, String[][] rows, Seen seen, Clock clock) {
    List<ProcessExec> out = new ArrayList<>();
    if (titles == null || rows == null) {
      return out;
    }
    int iPid = index(titles, "PID");
    int iPpid = index(titles, "PPID");
    int iUid = index(titles, "UID");
    int iTty = indexAny(titles, "TT", "TTY");
    int iComm = index(titles, "COMMAND");
    int iArgs = titles.length - 1;
    if (iPid < 0) {
      return out;
    }
    Map<Long, Long> parentOf = new HashMap<>();
    Map<Long, String> argsOf = new HashMap<>();
    Map<Long, String> commOf = new HashMap<>();
    for (String[] r : rows) {
      long pid = parseLong(r[iPid]);
      parentOf.put(pid, iPpid >= 0 ? parseLong(r[iPpid]) : 0);
      argsOf.put(pid, r.length > iArgs ? r[iArgs] : "");
      commOf.put(pid, iComm >= 0 && iComm != iArgs ? r[iComm] : "");
    }
    Map<Long, String> now = new HashMap<>();
    for (String[] r : rows) {
      long pid = parseLong(r[iPid]);
      String args = r.length > iArgs ? r[iArgs] : "";
      now.put(pid, args);
      if (args.equals(seen.byPid.get(pid))) {
        continue;
      }
      long ppid = iPpid >= 0 ? parseLong(r[iPpid]) : 0;
      List<String> argv = splitArgs(args);
      String comm = iComm >= 0 && iComm != iArgs ? r[iComm] : argv.isEmpty() ? "" : baseName(argv.get(0));
      String tty = iTty >= 0 && !"?".equals(r[iTty]) ? r[iTty] : "";
      ExecOrigin origin = origin(c, pid, parentOf, argsOf);
      out.add(new ProcessExec(clock.instant(), c.ref(), NAME, pid, ppid, comm, "", argv,
          iUid >= 0 ? parseLong(r[iUid]) : -1, "", tty, origin, "", ancestors(pid, parentOf, commOf, argsOf)));
    }
    if (now.size() <= MAX_PIDS) {
      seen.byPid.clear();
      seen.byPid.putAll(now);
    }
    return out;
  }

  /**
   * Where a process's subtree was started: walk up the parents inside the listing to the topmost one; if that is
   * the container's init process the origin is the container itself, else it was started from outside (by
   * {@code docker exec}, or by the HEALTHCHECK when the topmost command is the health test) and so was everything
   * below it.
   */
  static ExecOrigin origin(ContainerInfo c, long pid, Map<Long, Long> parentOf, Map<Long, String> argsOf) {
    long top = pid;
    for (int depth = 0; depth < 256; depth++) {
      Long parent = parentOf.get(top);
      if (parent == null || !parentOf.containsKey(parent) || parent == top) {
        break;
      }
      top = parent;
    }
    if (top == c.initPid()) {
      return ExecOrigin.CONTAINER;
    }
    return argsOf.getOrDefault(top, "").equals(DockerEventsSensor.healthcheckCommand(c.healthcheck()))
        ? ExecOrigin.HEALTHCHECK : ExecOrigin.DOCKER_EXEC;
  }

  /** The process's ancestors found in the same listing, parent first. */
  static List<ProcessExec.Ancestor> ancestors(long pid, Map<Long, Long> parentOf, Map<Long, String> commOf,
      Map<Long, String> argsOf) {
    List<ProcessExec.Ancestor> out = new ArrayList<>();
    Long p = parentOf.get(pid);
    while (p != null && argsOf.containsKey(p) && out.size() < 64 && p != pid) {
      String args = argsOf.get(p);
      String comm = commOf.getOrDefault(p, "");
      if (comm.isEmpty()) {
        List<String> argv = splitArgs(args);
        comm = argv.isEmpty() ? "" : baseName(argv.get(0));
      }
      List<String> argv = splitArgs(args);
      StringBuilder cmd = new StringBuilder(comm);
      for (int i = 1; i < argv.size(); i++) {
        cmd.append(' ').append(argv.get(i));
      }
      out.add(new ProcessExec.Ancestor(p, comm, cmd.toString()));
      p = parentOf.get(p);
    }
    return out;
  }

  private static int index(String[] titles, String name) {
    for (int i = 0; i < titles.length; i++) {
      if (titles[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexAny(String[] titles, String a, String b) {
    int i = index(titles, a);
    return i >= 0 ? i : index(titles, b);
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** ps prints argv joined by spaces; splitting on spaces is the best that can be recovered. */
  static List<String> splitArgs(String args) {
    List<String> out = new ArrayList<>();
    for (String p : args.trim().split(" +")) {
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  private static String baseName(String p) {
    int slash = p.lastIndexOf('/');
    return slash >= 0 ? p.substring(slash + 1) : p;
  }
}
