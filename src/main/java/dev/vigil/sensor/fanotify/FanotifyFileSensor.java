package dev.vigil.sensor.fanotify;

import java.util.Set;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.Inventory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time file sensor: files read (FAN_CLOSE_NOWRITE), written (FAN_CLOSE_WRITE) and executed (FAN_OPEN_EXEC) in
 * containers' root filesystems, as {@link dev.vigil.event.FileOpen} events.
 *
 * <p>One fanotify group serves all containers. A starting container (and each one running at {@link #start()}) has
 * its overlay {@code MergedDir} marked with FAN_MARK_FILESYSTEM; a stopping one has the mark removed (or it went
 * with the unmounted overlay). Each merged overlay is its own superblock with its own device (checked on overlay2,
 * Linux 6.18: every MergedDir has a distinct st_dev, unlike /var/lib/docker), so the mark covers exactly that
 * container's root filesystem, from any mount namespace; volumes, bind mounts (/etc/hosts, /etc/hostname,
 * /etc/resolv.conf too), tmpfs, /proc and /dev are other filesystems and are not seen. A root that is not its own
 * filesystem (vfs driver) is skipped with a {@code degraded} notice; without a MergedDir, {@code /proc/<pid>/root}
 * is marked.
 *
 * <p>Per event the reader costs the kernel's descriptor (opened in read(2), closed after) and one statx; readlink
 * only when the path is not remembered. Paths are remembered across read batches ({@link Options#rememberPaths()})
 * while a {@link RenameWatch} watches the directories on them for renames and unlinks. See docs/ARCHITECTURE.md
 * ("fanotify in descriptor mode") for why the main group does not use FID mode on the overlay.
 *
 * <p>Kernel queue overflows and events that cannot be attributed are counted ({@code vigil.sensor.overflow},
 * {@code vigil.sensor.unreadable}) and surfaced as {@code overflow} / {@code unreadable} notices on
 * {@link ContainerRef#HOST}, at most one per kind per second. {@link #start()} throws {@link FanotifyException}
 * with the reason (no CAP_SYS_ADMIN, old kernel) when fanotify cannot run, so the agent can fall back to
 * {@code docker diff} polling.
 *
 * <p>Thread-safe: inventory callbacks, {@link #start()} and {@link #close()} may come from any thread; reader
 * threads ({@link Options#readers()}) handle the events.
 */
public final class FanotifyFileSensor implements Sensor, Inventory.Listener {

  public static final String NAME = "kernel.fanotify";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.kernel(NAME, "files opened, written and created in containers, through fanotify",
      Set.of(Capability.FILE_CHANGE, Capability.FILE_OPEN), () -> probe().map(Exception::getMessage), "");
  /** What is watched on every container root (reads only when {@link Options#reads()}). */
  static final long MASK = Fanotify.FAN_CLOSE_WRITE | Fanotify.FAN_CLOSE_NOWRITE | Fanotify.FAN_OPEN_EXEC;
  /** The reader's nice value by default: see {@link Options#readerNice()}. */
  public static final int DEFAULT_READER_NICE = -10;
  private static final Logger LOG = LoggerFactory.getLogger(FanotifyFileSensor.class);
  private static final long GRACE_NANOS = 2_000_000_000L;
  private static final long NOTICE_INTERVAL_NANOS = 1_000_000_000L;

  private final Inventory inventory;
  private final EventSink sink;
  private final Clock clock;
  private final Metrics metrics;
  private final Options options;
  private final ContainerMarks marks = new ContainerMarks(GRACE_NANOS);
  private final Object lifecycle = new Object();
  /** Serialises marking and unmarking, so a container's start and stop cannot interleave. */
  private final Object marking = new Object();
  private final List<FanotifyReader> readers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final long mask;
  private volatile RenameWatch renames;
  private volatile FanotifyGroup group;
  private volatile boolean closed;

  /**
   * How the group is set up.
   *
   * @param eventClass the group's class; NOTIF for observation
   * @param unlimitedQueue FAN_UNLIMITED_QUEUE: the kernel never drops events (no overflow) but queues without
   *     bound while the readers lag; not for production (kernel memory is then bounded by nothing)
   * @param readers reader threads sharing the group (1 keeps events in kernel order; more use more cores, and
   *     events of different read batches may then be emitted out of order)
   * @param readerNice nice value of the reader threads (-20..19; 0 leaves them at the agent's). A reader that must
   *     wait for CPU behind the very processes producing a burst falls behind and the kernel queue overflows;
   *     with a lower nice value the producers wait instead. Needs CAP_SYS_NICE; without it the readers keep their
   *     priority (logged once per reader)
   * @param reads report files read (FAN_CLOSE_NOWRITE). Reads are most file events; without a rule or consumer
   *     for them, leaving them out spares the kernel and the reader nearly all the work
   * @param rememberPaths keep paths across read batches, with renames and unlinks in their directories reported
   *     by a {@link RenameWatch}; false: one batch only (readlink for nearly every event)
   */
  public record Options(FanotifyGroup.EventClass eventClass, boolean unlimitedQueue, int readers, int readerNice,
      boolean reads, boolean rememberPaths) {
    public Options {
      if (readers < 1 || readers > 64) {
        throw new IllegalArgumentException("readers must be 1..64, not " + readers);
      }
      if (readerNice < -20 || readerNice > 19) {
        throw new IllegalArgumentException("readerNice must be -20..19, not " + readerNice);
      }
    }

    /** The defaults for everything but the group's class, queue and reader count. */
    public Options(FanotifyGroup.EventClass eventClass, boolean unlimitedQueue, int readers) {
      this(eventClass, unlimitedQueue, readers, DEFAULT_READER_NICE, true, true);
    }

    /** One NOTIF group, bounded queue, one reader at nice -10, reads reported, paths remembered. */
    public static Options defaults() {
      return new Options(FanotifyGroup.EventClass.NOTIF, false, 1);
    }

    public Options withReaderNice(int nice) {
      return new Options(eventClass, unlimitedQueue, readers, nice, reads, rememberPaths);
    }

    public Options withReads(boolean on) {
      return new Options(eventClass, unlimitedQueue, readers, readerNice, on, rememberPaths);
    }

    public Options withRememberPaths(boolean on) {
      return new Options(eventClass, unlimitedQueue, readers, readerNice, reads, on);
    }

    /** The event mask these options ask for on each container root. */
    long mask() {
      return reads ? MASK : MASK & ~Fanotify.FAN_CLOSE_NOWRITE;
    }
  }

  public FanotifyFileSensor(Inventory inventory, EventSink sink, Clock clock, Metrics metrics,
      FanotifyGroup.EventClass eventClass) {
    this(inventory, sink, clock, metrics, new Options(eventClass, false, 1));
  }

  public FanotifyFileSensor(Inventory inventory, EventSink sink, Clock clock, Metrics metrics,
      Options options) {
    this.inventory = inventory;
    this.sink = sink;
    this.clock = clock;
    this.metrics = metrics;
    this.options = options;
    this.mask = options.mask();
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Checks this host can run the sensor (a throw-away group marking the agent's own root filesystem with the
   * sensor's mask), without starting anything.
   *
   * @return empty when it can, else the reason (also what {@link #start()} would throw)
   */
  public static Optional<FanotifyException> probe() {
    try (FanotifyGroup g = FanotifyGroup.open(FanotifyGroup.EventClass.NOTIF, false)) {
      g.markFilesystem("/", MASK);
      return Optional.empty();
    } catch (FanotifyException e) {
      return Optional.of(e);
    }
  }

  /**
   * Probes, opens the group, starts the readers, listens to the inventory and marks running containers.
   *
   * @throws FanotifyException when fanotify cannot be used here (see {@link FanotifyException#reason()})
   */
  @Override
  public void start() {
    synchronized (lifecycle) {
      if (closed || group != null) {
        return;
      }
      Optional<FanotifyException> cannot = probe();
      if (cannot.isPresent()) {
        throw cannot.get();
      }
      FanotifyGroup g = FanotifyGroup.open(options.eventClass(), options.unlimitedQueue());
      NoticeThrottle notices = new NoticeThrottle(NAME, sink, clock, NOTICE_INTERVAL_NANOS)
          .kind(FanotifyReader.OVERFLOW, "the kernel queue (fs.fanotify.max_queued_events) was full and file"
              + " events were lost; the count is overflows, not lost events")
          .kind(FanotifyReader.UNREADABLE, "");
      group = g;
      RenameWatch rw = options.rememberPaths() ? RenameWatch.tryOpen().orElse(null) : null;
      renames = rw;
      for (int i = 0; i < options.readers(); i++) {
        FanotifyReader r = new FanotifyReader(g, marks, sink, clock, metrics, notices, PermissionDecider.ALLOW_ALL,
            NAME, rw, options.readerNice());
        Thread t = Threads.daemon(options.readers() == 1 ? "vigil-fanotify" : "vigil-fanotify-" + i, r);
        readers.add(r);
        threads.add(t);
        t.start();
      }
    }
    inventory.addListener(this);
    for (ContainerInfo c : inventory.running()) {
      started(c);
    }
    LOG.info("fanotify file sensor watching {} container root filesystems", marks.live().size());
  }

  @Override
  public void started(ContainerInfo c) {
    synchronized (marking) {
      FanotifyGroup g = group;
      if (closed || g == null) {
        return;
      }
      String merged = trimSlash(c.mergedDir());
      String path = !merged.isEmpty() ? merged : c.initPid() > 0 ? "/proc/" + c.initPid() + "/root" : "";
      long device = path.isEmpty() ? -1 : FanotifyGroup.deviceOf(path);
      if (device == -1) {
        degraded(c, "its root filesystem is unknown or unreadable (" + (path.isEmpty() ? "no MergedDir" : path)
            + ")");
        return;
      }
      if (merged.equals(path) && device == FanotifyGroup.deviceOf(path + "/..")) {
        degraded(c, "its root " + path + " is not a filesystem of its own (storage driver " + c.graphDriver()
            + "); a filesystem mark would cover other containers too");
        return;
      }
      RenameWatch rw = renames;
      if (rw != null) {
        rw.reset(); // a restarted container has the same MergedDir, but none of its directories is marked
      }
      // Before marking, so that the first events resolve. Paths are remembered only below a known MergedDir.
      marks.add(new ContainerMarks.Mark(c.ref(), merged, path, device, 0, rw != null && merged.equals(path)));
      try {
        long marked = g.markFilesystem(path, mask);
        if (marked != device) { // unmounted while we marked: the mark landed on the host's filesystem
          g.unmarkFilesystem(path, mask, marked);
          marks.retire(c.ref().id(), System.nanoTime());
          LOG.debug("{} stopped while being marked", c.ref().name());
          return;
        }
        LOG.debug("watching files of {} on {} (device {})", c.ref().name(), path, Long.toHexString(marked));
      } catch (FanotifyException e) {
        marks.retire(c.ref().id(), System.nanoTime());
        if (!closed) {
          degraded(c, e.getMessage());
        }
      }
    }
  }

  @Override
  public void stopped(ContainerInfo c) {
    synchronized (marking) {
      FanotifyGroup g = group;
      Optional<ContainerMarks.Mark> m = marks.retire(c.ref().id(), System.nanoTime());
      RenameWatch rw = renames;
      if (rw != null && m.isPresent()) {
        rw.reset();
      }
      if (g == null || m.isEmpty() || closed) {
        return;
      }
      try {
        boolean removed = g.unmarkFilesystem(m.get().markedPath(), mask, m.get().device());
        LOG.debug("stopped watching {} ({})", c.ref().name(), removed ? "mark removed" : "filesystem already gone");
      } catch (FanotifyException e) {
        LOG.debug("removing the mark of {}: {}", c.ref().name(), e.getMessage());
      }
    }
  }

  private void degraded(ContainerInfo c, String why) {
    LOG.warn("file events of container {} are not watched: {}", c.ref().name(), why);
    metrics.counter("vigil.fanotify.unwatched", "sensor", NAME).increment();
    sink.offer(new SensorNotice(clock.instant(), c.ref(), NAME, "degraded", 1,
        "file events of this container are not watched: " + why));
  }

  private static String trimSlash(String p) {
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** Containers whose root filesystem is marked now. */
  public List<ContainerRef> watched() {
    return marks.live().stream().map(ContainerMarks.Mark::container).toList();
  }

  /** Kernel events read so far (all kinds, before filtering). */
  public long received() {
    return metrics.count("vigil.fanotify.events", "sensor", NAME);
  }

  /** The group, null before start; for diagnostics and tests. */
  FanotifyGroup group() {
    return group;
  }

  ContainerMarks marks() {
    return marks;
  }

  /** Stops the readers (within their poll interval), then closes the group, which drops every mark. Idempotent. */
  @Override
  public void close() {
    List<Thread> ts;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      readers.forEach(FanotifyReader::stop);
      ts = List.copyOf(threads);
    }
    for (Thread t : ts) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        LOG.warn("fanotify reader {} did not stop; leaving the group's descriptor open", t.getName());
        return;
      }
    }
    FanotifyGroup g = group;
    if (g != null) {
      g.close();
    }
    RenameWatch rw = renames;
    if (rw != null) {
      rw.close();
    }
  }
}
