package dev.vigil.event;

import java.time.Instant;
import java.util.List;

/**
 * A process seen starting (or, for polling sensors, first seen running) in a container.
 *
 * @param name the process name as the kernel reports it ({@code comm}), never a whole command line
 * @param exePath the executable's path when known, else empty
 * @param args argv, including argv[0]
 * @param uid the real user id, or -1 when unknown
 * @param user the user name when known, else empty
 * @param tty the controlling terminal, empty when none or unknown
 * @param execId the Docker exec id for {@link ExecOrigin#DOCKER_EXEC}, else empty
 * @param ancestors the known ancestors inside the container, parent first (may be empty or partial)
 * @param details what only the kernel sensors know (executable's layer, standard streams, cwd); null when unknown
 * @param foundAtStart true when the agent found the process already running at its start (or learnt of its exec
 *     only from events replayed after a restart) rather than seeing it start; see {@link Event#foundAtStart()}
 */
public record ProcessExec(
    Instant time, ContainerRef container, String sensor, long pid, long ppid, String name, String exePath,
    List<String> args, long uid, String user, String tty, ExecOrigin origin, String execId,
    List<Ancestor> ancestors, Details details, boolean foundAtStart) implements Event {

  /**
   * Facts read from /proc at exec time by the process sensor.
   *
   * @param exeUpperLayer true when the executable is in the container's writable layer (not in the image), or was
   *     deleted after starting; null when unknown
   * @param stdinType type of fd 0: file, pipe, ipv4, ipv6, unix, tty, ... (null when unknown); same for stdout
   * @param stdinRemote remote address ip:port of a socket on fd 0 or 1, empty when none
   * @param cwd working directory, empty when unknown
   */
  public record Details(Boolean exeUpperLayer, String stdinType, String stdoutType, String stdinRemote, String cwd) {}

  /** A process seen as it started. */
  public ProcessExec(Instant time, ContainerRef container, String sensor, long pid, long ppid, String name,
      String exePath, List<String> args, long uid, String user, String tty, ExecOrigin origin, String execId,
      List<Ancestor> ancestors, Details details) {
    this(time, container, sensor, pid, ppid, name, exePath, args, uid, user, tty, origin, execId, ancestors, details,
        false);
  }

  /** A process without kernel-sensor details. */
  public ProcessExec(Instant time, ContainerRef container, String sensor, long pid, long ppid, String name,
      String exePath, List<String> args, long uid, String user, String tty, ExecOrigin origin, String execId,
      List<Ancestor> ancestors) {
    this(time, container, sensor, pid, ppid, name, exePath, args, uid, user, tty, origin, execId, ancestors, null);
  }

  /** A process above this one in the tree, as known when this one was seen. */
  public record Ancestor(long pid, String name, String cmdline) {}

  /** A process whose ancestors are unknown. */
  public ProcessExec(Instant time, ContainerRef container, String sensor, long pid, long ppid, String name,
      String exePath, List<String> args, long uid, String user, String tty, ExecOrigin origin, String execId) {
    this(time, container, sensor, pid, ppid, name, exePath, args, uid, user, tty, origin, execId, List.of(), null);
  }

  public ProcessExec {
    ancestors = List.copyOf(ancestors);
    args = List.copyOf(args);
    exePath = exePath == null ? "" : exePath;
    user = user == null ? "" : user;
    tty = tty == null ? "" : tty;
    execId = execId == null ? "" : execId;
  }

  @Override
  public EventKind kind() {
    return EventKind.PROCESS_EXEC;
  }

  @Override
  public ProcessExec withContainer(ContainerRef ref) {
    return new ProcessExec(time, ref, sensor, pid, ppid, name, exePath, args, uid, user, tty, origin, execId,
        ancestors, details, foundAtStart);
  }

  /** The same process, marked as found at the agent's start. */
  public ProcessExec asFoundAtStart() {
    return new ProcessExec(time, container, sensor, pid, ppid, name, exePath, args, uid, user, tty, origin, execId,
        ancestors, details, true);
  }

  /** The command line as Falco's {@code proc.cmdline}: name followed by the arguments after argv[0]. */
  /** The same process, started by the given {@code docker exec}. */
  public ProcessExec withExecId(String id) {
    return new ProcessExec(time, container, sensor, pid, ppid, name, exePath, args, uid, user, tty, origin, id,
        ancestors, details, foundAtStart);
  }

  public String cmdline() {
    int len = name.length();
    for (int i = 1; i < args.size(); i++) {
      len += 1 + args.get(i).length();
    }
    StringBuilder sb = new StringBuilder(len).append(name);
    for (int i = 1; i < args.size(); i++) {
      sb.append(' ').append(args.get(i));
    }
    return sb.toString();
  }

  /** The base name of the executable: of exePath when known, else of argv[0], else the process name. */
  public String exeBaseName() {
    String p = !exePath.isEmpty() ? exePath : !args.isEmpty() ? args.get(0) : name;
    int slash = p.lastIndexOf('/');
    return slash >= 0 ? p.substring(slash + 1) : p;
  }
}
