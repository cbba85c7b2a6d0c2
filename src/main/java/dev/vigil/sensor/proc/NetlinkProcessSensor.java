package dev.vigil.sensor.proc;

import java.util.Set;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.ProcessChange;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.Sensor;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time process sensor on the kernel's netlink process connector: every exec in a container becomes a
 * {@link ProcessExec} with argv, executable, container, ancestors, origin and the kernel-only details (writable
 * layer, standard streams, cwd). A dedicated reader thread owns its socket and the process tree and hands events to
 * the sink, which never blocks; a second subscriber ({@link ExecCapturer}) only races it to read each exec's /proc
 * entry, because short-lived processes are gone within a millisecond. Both run at real-time priority with a CPU
 * brake ({@link ReaderPriority}). Host processes are tracked but not reported. Losses are counted and reported as
 * {@link SensorNotice}s. Once subscribed, it reads the processes already running in containers from /proc and
 * reports each as an exec {@link ProcessExec#foundAtStart() found at start}. {@link #start()} throws {@link ConnectorUnavailableException} when the connector cannot be
 * used, so the agent can fall back to polling. Thread-safe: start and close may be called from any thread.
 */
public final class NetlinkProcessSensor implements Sensor {

  public static final String NAME = "kernel.proc";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.kernel(NAME,
      "every exec, fork and exit, uid/gid/session change, through the netlink process connector",
      Set.of(Capability.PROCESS, Capability.PROCESS_TREE, Capability.EXE_LAYER, Capability.PROCESS_FDS,
          Capability.PROCESS_IDS), NetlinkProcConnector::unavailableReason, "");
  private static final Logger LOG = LoggerFactory.getLogger(NetlinkProcessSensor.class);
  private static final long HOUSEKEEPING_NANOS = 1_000_000_000L;
  private static final int MAX_UPPER_DIRS = 1024;
  private static final int MAX_BATCH = 256;
  private static final int WARM_UP_ROUNDS = 2_000;
  private static final long WARM_UP_MAX_NANOS = 500_000_000L;
  private static final String WARM_UP = "warm-up";
  /** Tree nodes keep at most this much of argv: ancestors need a command line, not a 100 kB one. */
  private static final int NODE_ARGS_MAX_CHARS = 4096;

  private final ContainerDirectory inventory;
  private final EventSink sink;
  private final Clock clock;
  private final ExecReader reader;
  private final int receiveBuffer;
  private final ReaderPriority priority;
  private final ProcessTree tree;
  private final OriginResolver origins;
  private final LossReporter losses;
  private final Counter eventsIn;
  private final Counter execCount;
  private final Counter emittedCount;
  private final Counter changeCount;
  private final Counter errorCount;
  private final Counter foundAtStart;
  /** Writable layer per container id, from the inventory or the process's mountinfo. Reader thread only. */
  private final Map<String, String> upperDirs = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_UPPER_DIRS;
    }
  };
  /** A burst of events as received; every exec in it is captured before the slower work for any of them. */
  private final List<ProcEvent> batch = new ArrayList<>();
  private final NetlinkProcConnector.Listener collector = new NetlinkProcConnector.Listener() {
    @Override
    public void event(ProcEvent e) {
      batch.add(e);
    }

    @Override
    public void lost(long count) {
      losses.lost(count);
    }

    @Override
    public void overflow() {
      losses.overflow();
    }
  };

  private final Object lifecycle = new Object();
  private final boolean realtime;
  private volatile boolean running;
  private Thread thread;
  /** Set before the reader thread starts, which makes it visible there; null when only one subscription works. */
  private ExecCapturer capturer;
  private long lastHousekeepingNanos = System.nanoTime();

  public NetlinkProcessSensor(ContainerDirectory inventory, EventSink sink, Clock clock, Metrics metrics) {
    this(inventory, sink, clock, metrics, ProcFs.host(), NetlinkProcConnector.DEFAULT_RECEIVE_BUFFER,
        !Boolean.getBoolean("vigil.proc.normalPriority"));
  }

  /**
   * @param realtime whether the reader threads ask for real-time scheduling (see {@link ReaderPriority}); the
   *     public constructor turns it off when the system property {@code vigil.proc.normalPriority} is true
   */
  NetlinkProcessSensor(ContainerDirectory inventory, EventSink sink, Clock clock, Metrics metrics, ProcFs proc,
      int receiveBuffer, boolean realtime) {
    this.inventory = inventory;
    this.sink = sink;
    this.clock = clock;
    this.reader = new ExecReader(proc);
    this.receiveBuffer = receiveBuffer;
    this.priority = new ReaderPriority(realtime);
    this.realtime = realtime;
    this.tree = new ProcessTree(ProcessTree.DEFAULT_CAPACITY, ProcessTree.DEFAULT_GRACE_NANOS,
        pid -> reader.load(pid, this::containerOf));
    this.origins = new OriginResolver(tree);
    this.losses = new LossReporter(NAME, sink, clock, metrics);
    this.eventsIn = metrics.counter("vigil.proc.events", "sensor", NAME);
    this.execCount = metrics.counter("vigil.proc.execs", "sensor", NAME);
    this.emittedCount = metrics.counter("vigil.proc.emitted", "sensor", NAME);
    this.changeCount = metrics.counter("vigil.proc.id_changes", "sensor", NAME);
    this.errorCount = metrics.counter("vigil.proc.errors", "sensor", NAME);
    this.foundAtStart = metrics.counter("vigil.proc.found_at_start", "sensor", NAME);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Subscribes to the connector and starts the reader thread.
   *
   * @throws ConnectorUnavailableException when the connector cannot be used here (the message says why)
   */
  @Override
  public void start() {
    synchronized (lifecycle) {
      if (thread != null) {
        return;
      }
      NetlinkProcConnector conn = NetlinkProcConnector.open(receiveBuffer);
      warmUp(); // events meanwhile wait in the socket buffer
      capturer = ExecCapturer.start(reader, receiveBuffer, realtime);
      running = true;
      thread = Threads.start("vigil-proc-reader", () -> readLoop(conn));
    }
  }

  /**
   * Runs the exec path on this JVM's own process, as if it were in a container, until its classes are loaded and
   * the JIT has compiled it (~100 ms). A cold path is several times slower - the first container exec after start
   * took 6 ms - and that alone loses the race against short-lived processes.
   */
  private void warmUp() {
    long self = ProcessHandle.current().pid();
    ProcessTree scratch = new ProcessTree(16, 0, pid -> null);
    OriginResolver scratchOrigins = new OriginResolver(scratch);
    long end = System.nanoTime() + WARM_UP_MAX_NANOS;
    for (int i = 0; i < WARM_UP_ROUNDS && System.nanoTime() < end; i++) {
      ExecReader.Capture c = reader.capture(new long[] {self}).get(0);
      reader.proc().cgroup(self).ifPresent(CgroupContainerId::all);
      ProcessTree.Node n = scratch.execed(self);
      n.containerId = WARM_UP;
      n.exe = c.exePath();
      n.args = capArgs(c.args());
      n.name = ExecReader.displayName(reader.proc().status(self).map(ProcFs.Status::name).orElse(""), c.args());
      OriginResolver.isRuntimeBootstrap(n);
      describe(scratch, scratchOrigins, n, c, System.nanoTime()); // built and dropped: loads and compiles the path
    }
    upperDirs.remove(WARM_UP);
  }

  @Override
  public void close() {
    Thread t;
    ExecCapturer c;
    synchronized (lifecycle) {
      running = false;
      t = thread;
      c = capturer;
    }
    if (c != null) {
      c.close();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        // The reader wakes at least every receive timeout (200 ms) and closes the socket itself on the way out.
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void readLoop(NetlinkProcConnector conn) {
    try {
      scanRunning(); // subscribed first: whatever starts during the scan waits in the socket buffer
      priority.start();
      while (running) {
        boolean got = conn.receive(collector);
        while (got && batch.size() < MAX_BATCH && conn.receiveNow(collector)) {
          // drain what is queued, so a burst is handled capture-first
        }
        processBatch();
        long now = System.nanoTime();
        priority.account(now);
        if (!got || now - lastHousekeepingNanos >= HOUSEKEEPING_NANOS) {
          lastHousekeepingNanos = now;
          tree.expire(now);
          losses.flush(now);
        }
      }
    } catch (RuntimeException e) {
      LOG.error("process sensor {} stopped: {}", NAME, e.toString());
      sink.offer(new SensorNotice(clock.instant(), ContainerRef.HOST, NAME, "degraded", 1,
          "process connector failed, no more process events: " + e.getMessage()));
    } finally {
      conn.close();
    }
  }

  /**
   * Two passes over a burst: first the reads that fail once a process exits, for every exec in it (a /bin/true
   * lives ~300 us after its exec event), then everything in arrival order.
   */
  private void processBatch() {
    List<ExecReader.Capture> captured = ExecCapturer.forBatch(batch, capturer, reader);
    int k = 0;
    for (ProcEvent e : batch) {
      eventsIn.increment();
      try {
        if (e instanceof ProcEvent.Exec) {
          onExec((ProcEvent.Exec) e, captured.get(k++));
        } else {
          onOther(e);
        }
      } catch (RuntimeException ex) {
        // One odd process must not stop the sensor; count it and carry on with the next event.
        errorCount.increment();
        LOG.debug("cannot handle {}: {}", e, ex.toString());
      }
    }
    batch.clear();
  }

  private void onOther(ProcEvent e) {
    if (e instanceof ProcEvent.Fork) {
      ProcEvent.Fork f = (ProcEvent.Fork) e;
      if (f.childPid() == f.childTgid()) { // a new thread shares its process's node
        tree.fork(f.parentTgid(), f.childTgid());
      }
    } else if (e instanceof ProcEvent.Exit) {
      ProcEvent.Exit x = (ProcEvent.Exit) e;
      if (x.pid() == x.tgid()) {
        tree.exited(x.tgid(), System.nanoTime());
      }
    } else if (e instanceof ProcEvent.Comm) {
      ProcEvent.Comm c = (ProcEvent.Comm) e;
      ProcessTree.Node n = c.pid() == c.tgid() ? tree.get(c.tgid()) : null;
      if (n != null) {
        n.name = ExecReader.displayName(c.comm(), n.args);
      }
    } else if (e instanceof ProcEvent.Ids) {
      ProcEvent.Ids ids = (ProcEvent.Ids) e;
      ProcessTree.Node n = ids.pid() == ids.tgid() ? tree.get(ids.tgid()) : null;
      if (n == null) {
        return;
      }
      long real = Integer.toUnsignedLong(ids.real());
      long effective = Integer.toUnsignedLong(ids.effective());
      if (ids.gid()) {
        changed(n, ProcessChange.What.SETGID, -1, real, effective, e.timestampNs());
      } else {
        long before = n.uid;
        n.uid = real;
        changed(n, ProcessChange.What.SETUID, before, real, effective, e.timestampNs());
      }
    } else if (e instanceof ProcEvent.Other) {
      ProcEvent.Other o = (ProcEvent.Other) e;
      ProcessTree.Node n = o.what() == ProcMessageParser.WHAT_SID && o.pid() == o.tgid() ? tree.get(o.tgid()) : null;
      if (n != null) {
        changed(n, ProcessChange.What.SETSID, -1, o.tgid(), o.tgid(), e.timestampNs());
      }
    }
  }

  /**
   * Reports an id change of a container process whose exec was seen (host processes and processes known only by
   * a fork are skipped: nothing would identify them to a rule).
   */
  private void changed(ProcessTree.Node n, ProcessChange.What what, long before, long real, long effective,
      long timestampNs) {
    if (n.containerId == null || n.containerId.isEmpty() || n.isHost() || n.name.isEmpty() || n.args.isEmpty()) {
      return;
    }
    Optional<ContainerInfo> info = inventory.find(n.containerId);
    ContainerRef ref = info.map(ContainerInfo::ref).orElseGet(() -> ContainerRef.unresolved(n.containerId));
    ProcessExec process = new ProcessExec(eventTime(timestampNs), ref, NAME, n.pid, n.ppid, n.name, n.exe, n.args,
        n.uid, "", "", origins.origin(n, info), "", tree.ancestors(n), null);
    changeCount.increment();
    sink.offer(new ProcessChange(process.time(), ref, NAME, what, before, real, effective, process));
  }

  private void onExec(ProcEvent.Exec e, ExecReader.Capture c) {
    execCount.increment();
    long pid = e.tgid();
    ProcessTree.Node n = tree.execed(pid);
    n.exe = c.exePath();
    n.args = capArgs(c.args());
    // A child forked inside a container stays in it (only the host can move it), so its cgroup need not be read.
    if (!n.containerInherited || n.containerId == null || n.containerId.isEmpty()) {
      Optional<String> cg = reader.proc().cgroup(pid);
      if (cg.isPresent()) {
        n.containerId = containerOf(cg.get());
      } // else keep what the fork inherited: a process does not leave its container by exiting fast
    }
    if (n.containerId == null || n.isHost()) {
      n.name = baseName(!n.args.isEmpty() ? n.args.get(0) : n.exe); // host processes are only tracked
      return;
    }
    Optional<ProcFs.Status> status = reader.proc().status(pid);
    if (c.exeLink().isEmpty() && c.args().isEmpty() && status.isEmpty()) {
      // Reaped before we could look: nothing identifies the program, so there is nothing to match rules on.
      losses.vanished();
      n.name = "";
      return;
    }
    String comm = status.map(ProcFs.Status::name)
        .orElseGet(() -> baseName(!n.exe.isEmpty() ? n.exe : n.args.isEmpty() ? "" : n.args.get(0)));
    n.name = ExecReader.displayName(comm, c.args());
    if (status.isPresent()) {
      n.uid = status.get().uid();
      n.nsPid = status.get().nsPid();
      if (!n.forkSeen && status.get().ppid() >= 0) {
        n.ppid = status.get().ppid(); // the fork's parent is the truer lineage (re-parenting hides it)
      }
    }
    if (OriginResolver.isRuntimeBootstrap(n)) {
      return;
    }
    ProcessExec event = describe(tree, origins, n, c, e.timestampNs());
    emittedCount.increment();
    sink.offer(event);
  }

  /**
   * Every process already running in a running container, read once from /proc at start and reported as an exec
   * found at start, so a miner or shell started while the agent was down is still caught. Reader thread only (it
   * fills the tree). Never throws.
   */
  private void scanRunning() {
    long started = System.nanoTime();
    int found = 0;
    java.util.Set<String> containers = new java.util.HashSet<>();
    for (long pid : reader.proc().pids()) {
      try {
        ProcessTree.Node n = tree.getOrLoad(pid);
        if (n == null || n.containerId == null || n.isHost() || n.args.isEmpty()
            || !inventory.find(n.containerId).map(ContainerInfo::running).orElse(false)
            || OriginResolver.isRuntimeBootstrap(n)) {
          continue; // host process, kernel thread, gone, or not a running container's
        }
        ExecReader.Capture c = reader.capture(pid);
        n.args = capArgs(n.args);
        sink.offer(describe(tree, origins, n, c, System.nanoTime()).asFoundAtStart());
        containers.add(n.containerId);
        found++;
      } catch (RuntimeException e) {
        errorCount.increment();
        LOG.debug("cannot read running process {}: {}", pid, e.toString());
      }
    }
    foundAtStart.increment(found);
    LOG.info("found {} processes running in {} containers at start ({} ms)", found, containers.size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** The event for a container process whose node is up to date: the rest of /proc, origin and ancestors. */
  private ProcessExec describe(ProcessTree t, OriginResolver o, ProcessTree.Node n, ExecReader.Capture c,
      long timestampNs) {
    Optional<ContainerInfo> info = inventory.find(n.containerId);
    ContainerRef ref = info.map(ContainerInfo::ref).orElseGet(() -> ContainerRef.unresolved(n.containerId));
    Optional<ProcFs.Stat> stat = reader.proc().stat(n.pid);
    n.startTicks = stat.map(ProcFs.Stat::startTicks).orElse(n.startTicks);
    String tty = stat.map(s -> ProcFs.ttyName(s.ttyNr())).orElse("");
    ProcessExec.Details details = reader.details(c, upperDir(n.containerId, n.pid, info), n.pid, n.ppid,
        info.map(ContainerInfo::initPid).orElse(0L));
    return new ProcessExec(eventTime(timestampNs), ref, NAME, n.pid, n.ppid, n.name, n.exe, c.args(), n.uid, "",
        tty, o.origin(n, info), "", t.ancestors(n), details);
  }

  /** The container of a cgroup file: the innermost id the inventory knows, else the innermost; "" for the host. */
  private String containerOf(String cgroupText) {
    List<String> ids = CgroupContainerId.all(cgroupText);
    if (ids.isEmpty()) {
      return "";
    }
    for (String id : ids) {
      if (inventory.find(id).isPresent()) {
        return id;
      }
    }
    return ids.get(0);
  }

  private String upperDir(String containerId, long pid, Optional<ContainerInfo> info) {
    String dir = upperDirs.get(containerId);
    if (dir == null) {
      dir = info.map(ContainerInfo::upperDir).filter(d -> !d.isEmpty())
          .or(() -> reader.proc().mountinfo(pid).flatMap(ProcFs::rootOverlayUpperDir)).orElse("");
      if (!dir.isEmpty()) {
        upperDirs.put(containerId, dir);
      }
    }
    return dir;
  }

  /** The kernel's monotonic timestamp as wall-clock time (System.nanoTime is CLOCK_MONOTONIC on Linux). */
  private Instant eventTime(long timestampNs) {
    Instant now = clock.instant();
    long age = System.nanoTime() - timestampNs;
    return age >= 0 && age < 60_000_000_000L ? now.minusNanos(age) : now;
  }

  static List<String> capArgs(List<String> args) {
    int chars = 0;
    for (int i = 0; i < args.size(); i++) {
      chars += args.get(i).length() + 1;
      if (chars > NODE_ARGS_MAX_CHARS) {
        return List.copyOf(args.subList(0, Math.max(1, i)));
      }
    }
    return args;
  }

  /** Exec events received so far. */
  public long execs() {
    return (long) execCount.count();
  }

  /** Process events the kernel dropped so far. */
  public long lost() {
    return losses.lostTotal();
  }

  private static String baseName(String p) {
    String b = p.substring(p.lastIndexOf('/') + 1);
    return b.length() > 15 ? b.substring(0, 15) : b;
  }
}
