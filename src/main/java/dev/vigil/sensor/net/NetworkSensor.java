package dev.vigil.sensor.net;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.EventSink;
import dev.vigil.event.NetConnection;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.docker.DockerInventory;
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
 * from that poll on. The costly TCP tables are read only when the namespace's counters say they changed
 * ({@link TcpGate}). Containers sharing the host's namespace ({@code --network host}) are not attributed (one
 * {@code degraded} notice), those joining another container's ({@code container:<id>}) are left to that one.
 * Polls run on one daemon thread; state per container is dropped when it stops. Thread-safe.
 */
public final class NetworkSensor implements Sensor, DockerInventory.Listener {

  static final String NAME = "kernel.net";
  /** The default poll interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  /** Sockets decoded per container and poll at most; the rest are counted as {@code vigil.net.truncated}. */
  static final int MAX_SOCKETS = 65_536;
  private static final String[][] TABLES = {{"tcp", "tcp"}, {"tcp6", "tcp"}, {"udp", "udp"}, {"udp6", "udp"}};
  private static final SnmpCounters ZERO = new SnmpCounters(0, 0, 0, 0, 0, 0, 0);
  private static final Logger LOG = LoggerFactory.getLogger(NetworkSensor.class);

  /** What is kept about one container between polls. */
  private static final class ContainerNet {
    final long initPid;
    final String netns;
    final ConnectionTracker tracker = new ConnectionTracker();
    final SocketOwners owners;
    final TcpGate gate;
    List<SocketEntry> tcp = List.of();
    SnmpCounters counters;

    ContainerNet(long initPid, String netns, Path proc) {
      this.initPid = initPid;
      this.netns = netns;
      this.owners = new SocketOwners(proc, initPid);
      this.gate = new TcpGate((int) Math.floorMod(initPid, (long) TcpGate.FULL_EVERY));
    }
  }

  private final DockerInventory inventory;
  private final EventSink sink;
  private final Clock clock;
  private final Duration interval;
  private final Metrics metrics;
  private final Path proc;
  private final Map<String, ContainerNet> state = new ConcurrentHashMap<>();
  private final Set<String> toldShared = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean warnedAccess = new AtomicBoolean();
  private final ProcNetParser.Reader reader = new ProcNetParser.Reader();
  private final List<SocketEntry> sockets = new ArrayList<>();
  private volatile Instant since;
  private volatile long lastTickNanos;
  private ScheduledExecutorService ticker;

  public NetworkSensor(DockerInventory inventory, EventSink sink, Clock clock, Duration interval, Metrics metrics) {
    this(inventory, sink, clock, interval, metrics, Path.of("/proc"));
  }

  NetworkSensor(DockerInventory inventory, EventSink sink, Clock clock, Duration interval, Metrics metrics,
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

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean fallback() {
    return false;
  }

  @Override
  public void start() {
    since = clock.instant();
    inventory.addListener(this);
    ticker = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "vigil-" + NAME + "-tick");
      t.setDaemon(true);
      return t;
    });
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
    state.keySet().retainAll(running);
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
    String netns = netns(pidDir);
    if (netns == null) {
      state.remove(id); // the process is gone; the inventory will say the container stopped
      return;
    }
    ContainerNet st = state.get(id);
    if (st == null || st.initPid != c.initPid()) {
      st = new ContainerNet(c.initPid(), netns, proc);
      state.put(id, st);
    } else if (!st.netns.equals(netns)) {
      return; // the pid now belongs to another process
    }
    Instant now = clock.instant();
    Path netDir = pidDir.resolve("net");
    SnmpCounters current = counters(c, netDir);
    if (st.gate.mustRead(current, sockstat(netDir, "sockstat"), sockstat(netDir, "sockstat6"))) {
      List<SocketEntry> tcp = new ArrayList<>();
      if (!readTables(netDir, 0, 2, tcp)) {
        state.remove(id);
        return;
      }
      st.tcp = tcp;
    }
    sockets.clear();
    sockets.addAll(st.tcp);
    if (!readTables(netDir, 2, 4, sockets)) {
      state.remove(id);
      return;
    }
    List<ConnectionTracker.Change> changes = st.tracker.update(sockets, now);
    sockets.clear();
    if (!changes.isEmpty()) {
      emit(c, st, changes, now);
    }
    if (current != null) {
      notice(c, st, current, now);
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

  /** A sockstat file's text; empty when absent (no IPv6), null when unreadable. */
  private static String sockstat(Path netDir, String file) {
    try {
      return Files.readString(netDir.resolve(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return file.endsWith("6") ? "" : null;
    } catch (IOException e) {
      return null;
    }
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

  private static SnmpCounters counters(ContainerInfo c, Path netDir) {
    try {
      return SnmpCounters.read(netDir.resolve("snmp"));
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
    state.remove(c.ref().id());
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
  }
}
