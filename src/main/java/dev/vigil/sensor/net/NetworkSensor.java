package dev.vigil.sensor.net;

import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.EventSink;
import dev.vigil.event.NetConnection;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.KeptFile;
import dev.vigil.sensor.ProcNetParser;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.SocketEntry;
import dev.vigil.sensor.Inventory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network sensor: every interval, for each running container, reads the socket tables of its init process's network
 * namespace ({@code /proc/<initPid>/net/tcp, tcp6, udp, udp6}), diffs them with the previous poll and reports new
 * listeners and connections as {@link NetConnection} (owner pid and name from {@link SocketOwners}); it also reads
 * {@code /proc/<initPid>/net/snmp} and reports moved TCP connect counters as a {@code connect_attempts}
 * {@link SensorNotice}, which counts connects refused too fast to ever appear in a table. A container's first poll
 * reports the sockets already there; its counters are reported from zero when it started after the sensor, else
 * from that poll on. The socket tables are read only when the namespace's counters say they changed
 * ({@link SocketGate}); the counter files stay open between polls ({@link KeptFile}); a namespace where nothing
 * moved for {@link #IDLE_AFTER} polls is read every {@link #IDLE_EVERY}th poll until something moves. Containers sharing the host's namespace ({@code --network host}) are not attributed (one
 * {@code degraded} notice), those joining another container's ({@code container:<id>}) are left to that one.
 * Polls run on one daemon thread; state per container is dropped when it stops. Thread-safe.
 */
public final class NetworkSensor implements Sensor, Inventory.Listener {

  public static final String NAME = "kernel.net";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.kernel(NAME, "connections, listening sockets and TCP counters from each container's /proc/net",
      Set.of(Capability.NETWORK), NetworkSensor::probe, "no connection events; rules on connections are disabled");
  /** The default poll interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  /** Sockets decoded per container and poll at most; the rest are counted as {@code vigil.net.truncated}. */
  static final int MAX_SOCKETS = 65_536;
  private static final String[][] TABLES = {{"tcp", "tcp"}, {"tcp6", "tcp"}, {"udp", "udp"}, {"udp6", "udp"}};
  private static final SnmpCounters ZERO = new SnmpCounters(0, 0, 0, 0, 0, 0, 0);
  private static final Logger LOG = LoggerFactory.getLogger(NetworkSensor.class);

  /**
   * Polls in a row with no counter moving after which a namespace is idle: it is then read only every
   * {@link #IDLE_EVERY}th poll, until a counter moves (1 minute, then every 3 s, at the default interval). Counters
   * are cumulative, so an idle namespace's first connects and failures are all counted, up to 2 intervals later.
   */
  static final int IDLE_AFTER = 60;
  /** See {@link #IDLE_AFTER}. */
  static final int IDLE_EVERY = 3;
  /** Polls between checks that the init process still exists (its kept files would stay readable). */
  static final int LIVENESS_EVERY = 10;
  /** The largest counter file read whole; longer contents are cut (snmp and sockstat are about 1 KB). */
  static final int MAX_COUNTER_FILE = 64 * 1024;

  /** What is kept about one container between polls. Its open files are closed by {@link #close()}. */
  private static final class ContainerNet implements AutoCloseable {
    final long initPid;
    final String netns;
    final ConnectionTracker tracker = new ConnectionTracker();
    final SocketOwners owners;
    final SocketGate tcpGate;
    final SocketGate udpGate;
    final KeptFile snmp;
    final KeptFile sockstat; // null when absent: tables are then read every poll
    final KeptFile sockstat6; // null without IPv6
    List<SocketEntry> tcp = List.of();
    List<SocketEntry> udp = List.of();
    SnmpCounters counters;
    int polls;
    int quiet; // polls in a row with no counter moving
    int idleTurn;

    ContainerNet(long initPid, String netns, Path proc, KeptFile snmp, KeptFile sockstat, KeptFile sockstat6) {
      this.initPid = initPid;
      this.netns = netns;
      this.owners = new SocketOwners(proc, initPid);
      this.tcpGate = SocketGate.tcp(initPid);
      this.udpGate = SocketGate.udp(initPid);
      this.snmp = snmp;
      this.sockstat = sockstat;
      this.sockstat6 = sockstat6;
    }

    /** True when this poll is skipped: the namespace is idle and it is not its turn. */
    boolean skipIdle() {
      return quiet >= IDLE_AFTER && ++idleTurn % IDLE_EVERY != 0;
    }

    @Override
    public void close() {
      snmp.close();
      if (sockstat != null) {
        sockstat.close();
      }
      if (sockstat6 != null) {
        sockstat6.close();
      }
    }
  }

  private final Inventory inventory;
  private final EventSink sink;
  private final Clock clock;
  private final Duration interval;
  private final Metrics metrics;
  private final Path proc;
  private final Map<String, ContainerNet> state = new ConcurrentHashMap<>();
  private final Set<String> toldShared = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warnedAccess = new AtomicBoolean();
  private final ProcNetParser.Reader reader = new ProcNetParser.Reader();
  private final KeptFile.Buffer counterText = new KeptFile.Buffer(4096, MAX_COUNTER_FILE);
  private final List<SocketEntry> sockets = new ArrayList<>();
  private volatile Instant since;
  private volatile long lastTickNanos;
  private ScheduledExecutorService ticker;

  public NetworkSensor(Inventory inventory, EventSink sink, Clock clock, Duration interval, Metrics metrics) {
    this(inventory, sink, clock, interval, metrics, Path.of("/proc"));
  }

  NetworkSensor(Inventory inventory, EventSink sink, Clock clock, Duration interval, Metrics metrics,
      Path procRoot) {
    this.inventory = inventory;
    this.sink = sink;
    this.clock = clock;
    this.interval = interval == null ? DEFAULT_INTERVAL : interval;
    if (this.interval.isNegative() || this.interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.metrics = metrics;
    this.proc = procRoot;
    this.since = clock.instant();
  }

  /** Why this sensor cannot run on this host (other processes' /proc/net files unreadable); empty when it can. */
  public static java.util.Optional<String> probe() {
    return Files.isReadable(Path.of("/proc/1/net/snmp")) ? java.util.Optional.empty()
        : java.util.Optional.of("cannot read other processes' /proc/<pid>/net (run as root)");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void start() {
    since = clock.instant();
    inventory.addListener(this);
    ticker = new ScheduledThreadPoolExecutor(1, Threads.daemon("vigil-" + NAME + "-tick"));
    ticker.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    long t0 = System.nanoTime();
    Set<String> running = new HashSet<>();
    for (ContainerInfo c : inventory.running()) {
      running.add(c.ref().id());
      try {
        poll(c);
      } catch (RuntimeException e) {
        metrics.counter("vigil.poll.failures", "sensor", NAME).increment();
        LOG.debug("{} poll of {} failed: {}", NAME, c.ref().name(), e.toString());
      }
    }
    for (String id : List.copyOf(state.keySet())) {
      if (!running.contains(id)) {
        drop(id);
      }
    }
    toldShared.retainAll(running);
    lastTickNanos = System.nanoTime() - t0;
  }

  /** One poll of one container: reads its tables and counters and emits what is new. */
  synchronized void poll(ContainerInfo c) {
    String id = c.ref().id();
    String mode = c.namespaces().getOrDefault("network", "");
    if (mode.startsWith("container:")) {
      return;
    }
    if (mode.equals("host")) {
      if (toldShared.add(id)) {
        sink.offer(new SensorNotice(clock.instant(), c.ref(), NAME, "degraded", 0,
            "network=host: the socket tables are the host's; connections are not attributed to this container"));
      }
      return;
    }
    if (c.initPid() <= 0) {
      return;
    }
    Path pidDir = proc.resolve(Long.toString(c.initPid()));
    ContainerNet st = state.get(id);
    if (st != null && st.initPid == c.initPid() && st.skipIdle()) {
      return;
    }
    if (st != null && (st.initPid != c.initPid() || ++st.polls % LIVENESS_EVERY == 0 && !alive(pidDir, st))) {
      drop(id); // restarted with a new init, or the process is gone (the inventory will say stopped)
      st = null;
      if (!Files.isDirectory(pidDir)) {
        return;
      }
    }
    if (st == null) {
      st = open(c, pidDir);
      if (st == null) {
        return;
      }
      state.put(id, st);
    }
    Instant now = clock.instant();
    Path netDir = pidDir.resolve("net");
    SnmpCounters current = counters(c, st);
    String v4 = st.sockstat == null ? null : text(st.sockstat);
    String v6 = st.sockstat6 == null ? "" : text(st.sockstat6);
    boolean read = false;
    if (st.tcpGate.mustRead(SocketGate.tcpSignals(current, v4, v6))) {
      List<SocketEntry> tcp = new ArrayList<>();
      if (!readTables(netDir, 0, 2, tcp)) {
        drop(id);
        return;
      }
      st.tcp = tcp;
      read = true;
    }
    if (st.udpGate.mustRead(SocketGate.udpSignals(current, v4, v6))) {
      List<SocketEntry> udp = new ArrayList<>();
      if (!readTables(netDir, 2, 4, udp)) {
        drop(id);
        return;
      }
      st.udp = udp;
      read = true;
    }
    if (st.tcpGate.changed() || st.udpGate.changed()) {
      st.quiet = 0;
      st.idleTurn = 0;
    } else {
      st.quiet++;
    }
    if (read) {
      sockets.clear();
      sockets.addAll(st.tcp);
      sockets.addAll(st.udp);
      List<ConnectionTracker.Change> changes = st.tracker.update(sockets, now);
      sockets.clear();
      if (!changes.isEmpty()) {
        emit(c, st, changes, now);
      }
    }
    if (current != null) {
      notice(c, st, current, now);
    }
  }

  /** Starts tracking a container: checks its namespace and opens its counter files; null when it is gone. */
  private ContainerNet open(ContainerInfo c, Path pidDir) {
    String netns = netns(pidDir);
    if (netns == null) {
      return null;
    }
    Path netDir = pidDir.resolve("net");
    KeptFile snmp = null;
    try {
      snmp = KeptFile.open(netDir.resolve("snmp"));
      KeptFile sockstat = optional(netDir.resolve("sockstat"));
      KeptFile sockstat6 = optional(netDir.resolve("sockstat6")); // absent without IPv6
      return new ContainerNet(c.initPid(), netns, proc, snmp, sockstat, sockstat6);
    } catch (IOException e) {
      if (snmp != null) {
        snmp.close();
      }
      if (Files.isDirectory(pidDir)) {
        metrics.counter("vigil.poll.failures", "sensor", NAME).increment();
        LOG.debug("{}: cannot open the counters of {}: {}", NAME, c.ref().name(), e.toString());
      }
      return null;
    }
  }

  private static KeptFile optional(Path file) throws IOException {
    try {
      return KeptFile.open(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Whether the tracked init process is still the one in {@code pidDir}. */
  private boolean alive(Path pidDir, ContainerNet st) {
    String netns = netns(pidDir);
    return netns != null && (netns.isEmpty() || netns.equals(st.netns));
  }

  private synchronized void drop(String id) {
    ContainerNet st = state.remove(id);
    if (st != null) {
      st.close();
    }
  }

  /** A kept file's text; null when unreadable. */
  private String text(KeptFile f) {
    try {
      return f.readText(counterText);
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads tables {@code from} to {@code to} of {@link #TABLES} into {@code out}; false when the process is gone. */
  private boolean readTables(Path netDir, int from, int to, List<SocketEntry> out) {
    int truncated = 0;
    for (int i = from; i < to; i++) {
      String[] t = TABLES[i];
      try {
        truncated += reader.readTable(netDir.resolve(t[0]), t[1], MAX_SOCKETS - out.size(), out);
      } catch (NoSuchFileException e) {
        if (!t[0].endsWith("6")) {
          return false;
        } // tcp6/udp6 are absent on hosts without IPv6
      } catch (IOException e) {
        metrics.counter("vigil.poll.failures", "sensor", NAME).increment();
        LOG.debug("{}: cannot read {}: {}", NAME, netDir.resolve(t[0]), e.toString());
      }
    }
    if (truncated > 0) {
      metrics.counter("vigil.net.truncated", "sensor", NAME).increment(truncated);
    }
    return true;
  }

  private void emit(ContainerInfo c, ContainerNet st, List<ConnectionTracker.Change> changes, Instant now) {
    Set<Long> inodes = new HashSet<>();
    for (ConnectionTracker.Change ch : changes) {
      if (ch.socket().inode() != 0) {
        inodes.add(ch.socket().inode());
      }
    }
    long rescans = st.owners.rescans();
    Map<Long, SocketOwners.Owner> owners = st.owners.resolve(inodes);
    if (st.owners.rescans() != rescans) {
      metrics.counter("vigil.net.owner.rescans", "sensor", NAME).increment();
    }
    for (ConnectionTracker.Change ch : changes) {
      SocketEntry s = ch.socket();
      SocketOwners.Owner o = owners.get(s.inode());
      boolean listen = ch.direction() == NetConnection.Direction.LISTEN;
      sink.offer(new NetConnection(now, c.ref(), NAME, ch.direction(), s.l4proto(), s.localIp(), s.localPort(),
          listen ? "" : s.remoteIp(), listen ? 0 : s.remotePort(), o == null ? 0 : o.pid(),
          o == null ? "" : o.comm()));
    }
  }

  private SnmpCounters counters(ContainerInfo c, ContainerNet st) {
    try {
      return SnmpCounters.parse(st.snmp.readText(counterText));
    } catch (IOException | IllegalArgumentException e) {
      LOG.debug("{}: cannot read counters of {}: {}", NAME, c.ref().name(), e.toString());
      return null;
    }
  }

  private void notice(ContainerInfo c, ContainerNet st, SnmpCounters current, Instant now) {
    SnmpCounters before = st.counters;
    if (before == null) {
      boolean startedSince = c.startedAt() != null && !c.startedAt().equals(Instant.EPOCH)
          && !c.startedAt().isBefore(since);
      before = startedSince ? ZERO : current;
    }
    st.counters = current;
    SnmpCounters d = current.since(before);
    if (d.activeOpens() > 0 || d.attemptFails() > 0) {
      sink.offer(new SensorNotice(now, c.ref(), NAME, "connect_attempts", d.activeOpens(), "active_opens="
          + d.activeOpens() + " attempt_fails=" + d.attemptFails() + " passive_opens=" + d.passiveOpens()));
    }
  }

  /** The namespace link of a process; null when it is gone, empty when not readable (not root: warned once). */
  private String netns(Path pidDir) {
    try {
      return Files.readSymbolicLink(pidDir.resolve("ns").resolve("net")).toString();
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      if (warnedAccess.compareAndSet(false, true)) {
        LOG.warn("{}: cannot read {} ({}); socket owners will be unknown. Run the agent as root (or with"
            + " CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH)", NAME, pidDir.resolve("ns").resolve("net"), e.toString());
      }
      return Files.isDirectory(pidDir) ? "" : null;
    }
  }

  @Override
  public void started(ContainerInfo c) {
    // state is created on the first poll
  }

  @Override
  public void stopped(ContainerInfo c) {
    drop(c.ref().id());
    toldShared.remove(c.ref().id());
  }

  /** Containers with state now (for tests and status). */
  int tracked() {
    return state.size();
  }

  /** Whether the container has been polled and is being tracked (for tests and status). */
  boolean tracks(String containerId) {
    return state.containsKey(containerId);
  }

  /** How long the last poll of all containers took, in nanoseconds. */
  public long lastTickNanos() {
    return lastTickNanos;
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    for (String id : List.copyOf(state.keySet())) {
      drop(id);
    }
  }
}
