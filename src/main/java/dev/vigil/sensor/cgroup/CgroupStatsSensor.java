package dev.vigil.sensor.cgroup;

import java.util.Set;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.EventSink;
import dev.vigil.event.StatsSample;
import dev.vigil.sensor.KeptFile;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.Inventory;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resource samples ({@link StatsSample}, the same fields and meanings as {@code docker.stats}) read from the
 * kernel instead of the Engine API: each container's cgroup counters (CPU time, memory, limit, pids, block I/O) and
 * its network namespace's {@code /proc/<initPid>/net/dev}. A one-shot Engine API stats request costs the agent and
 * dockerd a JSON document per container per interval; this reads about seven small kernel files through
 * descriptors kept open ({@link KeptFile}) into one reused buffer, parsed in place ({@link CounterText}).
 *
 * <p>Where the files are is resolved once per container, when it is first seen, from its init process's
 * {@code /proc/<pid>/cgroup} ({@link CgroupFiles}: cgroup v1, v2 and hybrid hosts, cgroupfs and systemd drivers).
 * The first read of a container is its baseline; each later read emits a sample: CPU percent is the container's
 * CPU time over the elapsed monotonic time, times 100 (percent of one core, 200 = two cores busy, as
 * {@code docker stats}); memory is usage minus inactive file pages; network counters sum every interface but
 * {@code lo} (none for {@code --network host}, whose table is the host's, as {@code docker stats} reports none).
 * An unlimited memory limit is reported as the host's memory, as the Engine API does, so the two sensors'
 * samples compare. A CPU counter that went backwards (a recreated cgroup) makes a new baseline and no sample;
 * network and block counters that went backwards give a rate of 0.
 *
 * <p>One daemon thread polls every interval. A container's files are closed when the inventory says it stopped and
 * at every tick for containers no longer listed as running; at most {@link #MAX_CONTAINERS} are tracked (the rest
 * counted as {@code vigil.poll.skipped}). An unreadable file counts {@code vigil.poll.failures} and gives that
 * container no sample (retried later); nothing escapes a tick. Thread-safe.
 */
public final class CgroupStatsSensor implements Sensor, Inventory.Listener {

  /** The sensor's name, the {@code sensor} tag of its samples and metrics. */
  public static final String NAME = "kernel.cgroup";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.kernel(NAME, "resource samples read from the containers' cgroup files",
      Set.of(Capability.STATS), CgroupStatsSensor::probe, "");
  /** Containers tracked at most; each holds up to seven descriptors. */
  static final int MAX_CONTAINERS = 4096;
  /** Ticks before a container whose cgroup could not be resolved is tried again (one minute at 5 s). */
  static final int RETRY_TICKS = 12;
  /** Counter files longer than this are cut (a net/dev table of ~7,000 interfaces); all read here are far smaller. */
  static final int MAX_FILE = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(CgroupStatsSensor.class);
  private static final Path PROC = Path.of("/proc");
  private static final Path CGROUP = Path.of("/sys/fs/cgroup");

  /** What is kept about one container; guarded by its own monitor (the tick reads, a listener may close). */
  private static final class Tracked {
    final long initPid;
    ContainerCounters counters;
    long retryAt;
    long seen;
    boolean closed;
    boolean baseline;
    long cpuNanos;
    long rx;
    long tx;
    long at;

    Tracked(long initPid) {
      this.initPid = initPid;
    }

    void close() {
      closed = true;
      drop();
    }

    void drop() {
      if (counters != null) {
        counters.close();
        counters = null;
      }
      baseline = false;
    }
  }

  private final Inventory inventory;
  private final Supplier<? extends Collection<ContainerInfo>> running;
  private final EventSink sink;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Duration interval;
  private final Path proc;
  private final Path cgroupRoot;
  private final long hostMemory;
  private final Counter failures;
  private final Counter skipped;
  private final Map<String, Tracked> state = new ConcurrentHashMap<>();
  private final KeptFile.Buffer buffer = new KeptFile.Buffer(8192, MAX_FILE);
  private final AtomicBoolean warned = new AtomicBoolean();
  private long tick;
  private volatile long lastTickNanos;
  private ScheduledExecutorService executor;

  public CgroupStatsSensor(Inventory inventory, EventSink sink, Clock clock, Duration interval,
      Metrics metrics) {
    this(inventory, inventory::running, sink, clock, System::nanoTime, interval, metrics, PROC, CGROUP);
  }

  /**
   * For tests: everything injected.
   *
   * @param inventory listened to for stops when not null
   * @param running the containers running now, asked every tick
   * @param ticker monotonic nanoseconds, for CPU percent and rates
   */
  CgroupStatsSensor(Inventory inventory, Supplier<? extends Collection<ContainerInfo>> running,
      EventSink sink, Clock clock, LongSupplier ticker, Duration interval, Metrics metrics, Path procRoot,
      Path cgroupRoot) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    this.inventory = inventory;
    this.running = running;
    this.sink = sink;
    this.clock = clock;
    this.ticker = ticker;
    this.interval = interval;
    this.proc = procRoot;
    this.cgroupRoot = cgroupRoot;
    this.hostMemory = hostMemory(procRoot);
    this.failures = metrics.counter("vigil.poll.failures", "sensor", NAME);
    this.skipped = metrics.counter("vigil.poll.skipped", "sensor", NAME);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Why this sensor cannot run on this host; empty when it can. */
  public static Optional<String> probe() {
    return probe(PROC, CGROUP);
  }

  /**
   * Why containers' cgroup counters cannot be read through {@code procRoot} and {@code cgroupRoot}: the agent in a
   * cgroup namespace of its own (container paths would be relative to it), other processes' /proc files hidden
   * (not root, {@code hidepid}), or no known layout (neither a v2 tree with the memory controller nor v1
   * {@code cpuacct} and {@code memory} hierarchies). Empty when the sensor can run.
   */
  static Optional<String> probe(Path procRoot, Path cgroupRoot) {
    String own = link(procRoot.resolve("self").resolve("ns").resolve("cgroup"));
    String host = link(procRoot.resolve("1").resolve("ns").resolve("cgroup"));
    if (own != null && host != null && !own.equals(host)) {
      return Optional.of("the agent runs in a cgroup namespace of its own, where container cgroups are not visible "
          + "by their paths (run it in the host's: --cgroupns=host)");
    }
    for (String f : List.of("cgroup", "net/dev")) {
      Path p = procRoot.resolve("1").resolve(f);
      if (!Files.isReadable(p)) {
        return Optional.of("cannot read other processes' " + procRoot + "/<pid>/" + f + " (run as root)");
      }
    }
    Path controllers = cgroupRoot.resolve("cgroup.controllers");
    if (Files.isRegularFile(controllers)) {
      try {
        String text = Files.readString(controllers, StandardCharsets.US_ASCII);
        if (!List.of(text.strip().split("\\s+")).contains("memory")) {
          return Optional.of("cgroup v2 at " + cgroupRoot + " without the memory controller (" + text.strip() + ")");
        }
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of("cannot read " + controllers + ": " + e.getMessage());
      }
    }
    boolean cpu = Files.isReadable(cgroupRoot.resolve("cpuacct").resolve("cpuacct.usage"))
        || Files.isReadable(cgroupRoot.resolve("cpu,cpuacct").resolve("cpuacct.usage"))
        || Files.isReadable(cgroupRoot.resolve("unified").resolve("cpu.stat"));
    boolean memory = Files.isReadable(cgroupRoot.resolve("memory").resolve("memory.usage_in_bytes"));
    if (!cpu || !memory) {
      return Optional.of("unknown cgroup layout under " + cgroupRoot + ": neither cgroup v2 (cgroup.controllers) "
          + "nor readable v1 cpuacct and memory hierarchies");
    }
    return Optional.empty();
  }

  private static String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  /** MemTotal of {@code /proc/meminfo} in bytes; 0 when unknown. */
  private static long hostMemory(Path procRoot) {
    try {
      byte[] b = Files.readAllBytes(procRoot.resolve("meminfo"));
      long kb = CounterText.keyed(ByteBuffer.wrap(b), b.length, "MemTotal:".getBytes(StandardCharsets.US_ASCII));
      return kb <= 0 || kb > Long.MAX_VALUE / 1024 ? 0 : kb * 1024;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void start() {
    if (inventory != null) {
      inventory.addListener(this);
    }
    executor = new ScheduledThreadPoolExecutor(1, Threads.daemon("vigil-" + NAME + "-tick"));
    executor.scheduleWithFixedDelay(this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      failures.increment();
      LOG.debug("{} tick failed: {}", NAME, e.toString());
    }
  }

  /** One poll of every running container, then closes what belongs to containers no longer running. */
  void tick() {
    long t0 = ticker.getAsLong();
    long now = ++tick;
    for (ContainerInfo c : running.get()) {
      try {
        poll(c, now);
      } catch (RuntimeException e) {
        failures.increment();
        LOG.debug("{} poll of {} failed: {}", NAME, c.ref().name(), e.toString());
      }
    }
    for (Iterator<Tracked> it = state.values().iterator(); it.hasNext(); ) {
      Tracked st = it.next();
      if (st.seen != now) {
        it.remove();
        synchronized (st) {
          st.close();
        }
      }
    }
    lastTickNanos = ticker.getAsLong() - t0;
  }

  private void poll(ContainerInfo c, long now) {
    if (c.initPid() <= 0) {
      return;
    }
    String id = c.ref().id();
    Tracked st = state.get(id);
    if (st != null && st.initPid != c.initPid()) {
      state.remove(id, st);
      synchronized (st) {
        st.close();
      }
      st = null;
    }
    if (st == null) {
      if (state.size() >= MAX_CONTAINERS) {
        skipped.increment();
        return;
      }
      st = new Tracked(c.initPid());
      state.put(id, st);
    }
    st.seen = now;
    synchronized (st) {
      if (st.closed || now < st.retryAt) {
        return;
      }
      if (st.counters == null && !open(c, st, now)) {
        return;
      }
      sample(c, st, now);
    }
  }

  /** Resolves and opens the container's files; false (and a later retry) when that cannot be done now. */
  private boolean open(ContainerInfo c, Tracked st, long now) {
    Path pidDir = proc.resolve(Long.toString(c.initPid()));
    try {
      String cgroups = Files.readString(pidDir.resolve("cgroup"), StandardCharsets.UTF_8);
      CgroupFiles files = CgroupFiles.resolve(cgroups, c.ref().id(), cgroupRoot);
      boolean hostNet = "host".equals(c.namespaces().get("network"));
      st.counters = ContainerCounters.open(files, hostNet ? null : pidDir.resolve("net").resolve("dev"));
      return true;
    } catch (NoSuchFileException e) {
      st.retryAt = now + 1; // the process is gone: the container stopped, and the inventory will say so
      return false;
    } catch (IOException | RuntimeException e) {
      st.retryAt = now + RETRY_TICKS;
      fail(c, e);
      return false;
    }
  }

  private void sample(ContainerInfo c, Tracked st, long now) {
    ContainerCounters k = st.counters;
    long at = ticker.getAsLong();
    try {
      k.read(buffer);
    } catch (IOException | RuntimeException e) {
      st.drop();
      st.retryAt = now + 1;
      if (!Thread.currentThread().isInterrupted()) { // not the sensor closing (an interrupted read closes the file)
        fail(c, e);
      }
      return;
    }
    if (st.baseline && k.cpuNanos >= st.cpuNanos && at > st.at) {
      double secs = (at - st.at) / 1e9;
      double cpuPercent = (k.cpuNanos - st.cpuNanos) / secs / 1e7;
      long memory = Math.max(0, k.memoryUsage - k.inactiveFile);
      sink.offer(new StatsSample(clock.instant(), c.ref(), NAME, cpuPercent, memory, limit(k.memoryLimitRaw),
          k.rxBytes, k.txBytes, Math.max(0, k.rxBytes - st.rx) / secs, Math.max(0, k.txBytes - st.tx) / secs,
          k.blockRead, k.blockWrite, k.pids));
    }
    st.baseline = true;
    st.cpuNanos = k.cpuNanos;
    st.rx = k.rxBytes;
    st.tx = k.txBytes;
    st.at = at;
  }

  /**
   * The limit to report: the file's value, or the host's memory when there is no limit (v2 {@code max}, v1's
   * page-rounded {@code LONG_MAX}) or it is above the host's memory, as the Engine API reports it; 0 when no
   * limit and the host's memory is unknown.
   */
  long limit(long raw) {
    if (hostMemory > 0) {
      return raw < 0 || raw >= hostMemory ? hostMemory : raw;
    }
    return raw < 0 || raw >= (1L << 62) ? 0 : raw;
  }

  private void fail(ContainerInfo c, Exception e) {
    failures.increment();
    if (warned.compareAndSet(false, true)) {
      LOG.warn("{}: cannot read the cgroup counters of {}: {} (counted as vigil.poll.failures; such containers "
          + "get no samples until it can)", NAME, c.ref().name(), e.getMessage());
    } else {
      LOG.debug("{}: cannot read the cgroup counters of {}: {}", NAME, c.ref().name(), e.toString());
    }
  }

  @Override
  public void started(ContainerInfo c) {
    // resolved and opened on the first tick that sees it
  }

  @Override
  public void stopped(ContainerInfo c) {
    Tracked st = state.remove(c.ref().id());
    if (st != null) {
      synchronized (st) {
        st.close();
      }
    }
  }

  /** Containers with state now (for tests and status). */
  int tracked() {
    return state.size();
  }

  /** Whether the container has state (files open or to be retried) now (for tests and status). */
  boolean tracks(String containerId) {
    return state.containsKey(containerId);
  }

  /** Descriptors held now, over all containers (for tests and status). */
  int openFiles() {
    int n = 0;
    for (Tracked st : state.values()) {
      synchronized (st) {
        n += st.counters == null ? 0 : st.counters.openFiles();
      }
    }
    return n;
  }

  /** How long the last tick over all containers took, in nanoseconds. */
  public long lastTickNanos() {
    return lastTickNanos;
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Iterator<Tracked> it = state.values().iterator(); it.hasNext(); ) {
      Tracked st = it.next();
      it.remove();
      synchronized (st) {
        st.close();
      }
    }
  }
}
