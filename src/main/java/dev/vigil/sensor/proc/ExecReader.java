package dev.vigil.sensor.proc;

import dev.vigil.event.ProcessExec;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads what the sensor reports about a process from {@code /proc}, in the order that loses least when the process
 * exits meanwhile: {@link #capture} takes what vanishes at exit (exe and argv go with the address space, the
 * standard streams and cwd with the file table) and is done for every queued exec before anything else; status,
 * stat and cgroup stay readable until the parent reaps the zombie and come second. Also builds tree nodes for
 * processes the tree never saw. Stateless apart from the ProcFs root; thread-safe.
 */
final class ExecReader {

  static final String DELETED = " (deleted)";

  /**
   * What had to be read while the process still runs; each part empty when it was already gone.
   *
   * @param exeLink the exe link's text ("" when unreadable), possibly ending with {@link #DELETED}
   */
  record Capture(String exeLink, List<String> args, Optional<String> fd0, Optional<String> fd1,
      Optional<String> cwd) {

    /** The executable's path without the deleted marker. */
    String exePath() {
      return stripDeleted(exeLink);
    }
  }

  private final ProcFs proc;

  ExecReader(ProcFs proc) {
    this.proc = proc;
  }

  ProcFs proc() {
    return proc;
  }

  /** The parts that vanish first, most fragile first. Nothing else may come before this on the exec path. */
  Capture capture(long pid) {
    return capture(new long[] {pid}).get(0);
  }

  /**
   * Captures several processes at once, as a burst of execs arrives: exe and argv of all of them first (they go
   * first, with the address space), then their descriptors and cwd, so the last one in the burst is not read only
   * after everything about the others.
   */
  List<Capture> capture(long[] pids) {
    String[] exes = new String[pids.length];
    List<List<String>> args = new ArrayList<>(pids.length);
    for (int i = 0; i < pids.length; i++) {
      exes[i] = proc.exe(pids[i]).orElse("");
      args.add(proc.cmdline(pids[i]));
    }
    List<Capture> out = new ArrayList<>(pids.length);
    for (int i = 0; i < pids.length; i++) {
      long pid = pids[i];
      out.add(new Capture(exes[i], args.get(i), proc.fd(pid, 0), proc.fd(pid, 1), proc.cwd(pid)));
    }
    return out;
  }

  /** A node for a live process the tree has not seen (its parent chain, mostly); null when it does not exist. */
  ProcessTree.Node load(long pid, Function<String, String> containerOfCgroup) {
    Optional<ProcFs.Status> st = proc.status(pid);
    if (st.isEmpty()) {
      return null;
    }
    ProcessTree.Node n = new ProcessTree.Node(pid);
    n.ppid = st.get().ppid();
    n.uid = st.get().uid();
    n.nsPid = st.get().nsPid();
    n.args = proc.cmdline(pid);
    n.exe = stripDeleted(proc.exe(pid).orElse(""));
    n.name = displayName(st.get().name(), n.args);
    n.containerId = proc.cgroup(pid).map(containerOfCgroup).orElse(null);
    n.startTicks = proc.stat(pid).map(ProcFs.Stat::startTicks).orElse(-1L);
    return n;
  }

  /**
   * The kernel-only facts of a container process.
   *
   * @param upperDir the container's writable layer on the host, empty when unknown
   * @param netPids processes to read socket tables from, in order: the process itself, then others in its network
   *     namespace (its parent, the container's init) for when it has already exited
   */
  ProcessExec.Details details(Capture c, String upperDir, long... netPids) {
    Fd in = fd(c.fd0(), netPids);
    Fd out = fd(c.fd1(), netPids);
    String remote = !in.remote().isEmpty() ? in.remote() : out.remote();
    return new ProcessExec.Details(exeUpperLayer(c.exeLink(), c.exePath(), upperDir), in.type(), out.type(), remote,
        c.cwd().orElse(""));
  }

  /**
   * The process name to report: the kernel's ({@code comm}), except when the kernel could only name it after the
   * path it was exec'd by - {@code exe} for {@code /proc/self/exe} (how busybox and runc re-execute themselves) and
   * a number for {@code fexecve} - where argv[0]'s base name is what the program calls itself.
   */
  static String displayName(String comm, List<String> args) {
    boolean pathName = comm.equals("exe") || (!comm.isEmpty() && comm.chars().allMatch(Character::isDigit));
    if (!pathName || args.isEmpty() || args.get(0).isEmpty()) {
      return comm;
    }
    String base = args.get(0).substring(args.get(0).lastIndexOf('/') + 1);
    return base.isEmpty() ? comm : base.length() > 15 ? base.substring(0, 15) : base;
  }

  /**
   * True when the executable is not from the image: deleted after it started (a dropper that cleans up),
   * fileless ({@code memfd:}), or present in the writable layer (written or replaced in the container; an overlay
   * whiteout, a character device, means the opposite - the image's file was deleted). Null when undecidable.
   */
  static Boolean exeUpperLayer(String exeLink, String exePath, String upperDir) {
    if (exeLink.endsWith(DELETED) || exeLink.startsWith("/memfd:")) {
      return Boolean.TRUE;
    }
    if (exePath.isEmpty() || upperDir.isEmpty() || !exePath.startsWith("/")) {
      return null;
    }
    // java.io.File answers with a stat and no exception for a missing file (the usual case: most programs come
    // from the image); NIO would throw and fill a stack trace on every exec. Its isFile() is false for the
    // whiteout character device and for directories.
    File upper = new File(upperDir);
    if (!upper.isDirectory()) {
      return null; // the layer is gone (container removed) or not readable: cannot tell
    }
    return new File(upper, exePath.substring(1)).isFile();
  }

  /** A standard stream: its type (null when unknown) and, for a connected socket, the remote address. */
  record Fd(String type, String remote) {}

  Fd fd(Optional<String> link, long... netPids) {
    if (link.isEmpty()) {
      return new Fd(null, "");
    }
    String l = link.get();
    long inode = SocketTable.socketInode(l);
    if (inode < 0) {
      return new Fd(fdType(l), "");
    }
    for (long pid : netPids) {
      if (pid > 0) {
        Optional<SocketTable.Socket> s = SocketTable.find(proc, pid, inode);
        if (s.isPresent()) {
          return new Fd(s.get().type(), s.get().remote());
        }
      }
    }
    return new Fd("socket", "");
  }

  /** Falco-like fd type of a non-socket link target. */
  static String fdType(String link) {
    if (link.startsWith("pipe:")) {
      return "pipe";
    }
    if (link.startsWith("/dev/pts/") || link.startsWith("/dev/tty") || link.equals("/dev/console")
        || link.equals("/dev/ptmx")) {
      return "tty";
    }
    if (link.startsWith("/memfd:")) {
      return "memfd";
    }
    if (link.startsWith("anon_inode:")) {
      // anon_inode:[eventfd], anon_inode:[eventpoll], anon_inode:inotify ...
      String kind = link.substring("anon_inode:".length()).replace("[", "").replace("]", "");
      return kind.equals("eventfd") ? "event" : kind;
    }
    if (link.startsWith("/")) {
      return "file";
    }
    int colon = link.indexOf(':');
    return colon > 0 ? link.substring(0, colon) : "file";
  }

  static String stripDeleted(String exeLink) {
    return exeLink.endsWith(DELETED) ? exeLink.substring(0, exeLink.length() - DELETED.length()) : exeLink;
  }
}
