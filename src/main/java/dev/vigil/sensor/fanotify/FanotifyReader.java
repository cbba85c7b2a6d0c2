package dev.vigil.sensor.fanotify;

import com.sun.jna.Native;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.FileOpen;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.LibC;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read loop of one fanotify group. Per read (up to {@link #BUFFER_BYTES}) it parses the events and, for each:
 * drops those of the agent itself, finds the file's container and in-container path (device via statx on the event
 * descriptor, path via readlink of {@code /proc/self/fd/N} unless {@link EventFiles} remembers it, see
 * {@link ContainerMarks}), names the process ({@link ProcNames}), emits one {@link FileOpen} per mode bit through
 * the non-blocking sink and always closes the descriptor. Overflows and events that cannot be attributed are
 * counted in metrics and surfaced as throttled notices.
 *
 * <p>The kernel's part of an event (opening the descriptor in read(2), and close(2)) is about half of the cost per
 * event and cannot be avoided in descriptor mode; the reader's own syscalls are kept to one statx and one close
 * for a file whose path is remembered. The thread may ask for a lower nice value ({@code readerNice}), so that
 * under a burst the busy processes producing the events, rather than the reader, wait for CPU: the kernel queue
 * then does not overflow as long as the reader can keep up at all.
 *
 * <p>Permission events (only possible in a {@link FanotifyGroup.EventClass#CONTENT} group marked with a *_PERM
 * mask, which nothing does yet) are answered before the descriptor is closed, after consulting the
 * {@link PermissionDecider}; the answer is always FAN_ALLOW until enforcement lands. Each reader runs on its own
 * thread with its own buffers, and several may share a group; only {@link #stop()} may be called from others.
 */
final class FanotifyReader implements Runnable, FanotifyEventParser.Handler {

  /**
   * Up to 5461 events per read; each holds an open descriptor until handled, so keep well under RLIMIT_NOFILE.
   * Reads are full only while the reader is behind; a bigger buffer would not change the cost per event.
   */
  static final int BUFFER_BYTES = 128 * 1024;
  static final String OVERFLOW = "overflow";
  static final String UNREADABLE = "unreadable";
  private static final Logger LOG = LoggerFactory.getLogger(FanotifyReader.class);
  private static final int POLL_MILLIS = 200;
  private static final long SWEEP_NANOS = 1_000_000_000L;
  private static final long FLUSH_NANOS = 100_000_000L;
  /**
   * After a small batch the reader waits this long before reading again. A reader that wakes for every few events
   * pays poll, read and a context switch (for the producing process too) per handful of events: with a producer
   * at 30,000 reads a second the reader cost 9.3-12.9 us per event without the wait and 5.3-6.4 us with it (0.3
   * and 3 ms measured the same as 1 ms). The queue holds 16,384 events by default, which a wait of 1 ms cannot
   * fill below 16 million events a second; file events arrive at most this much later. Not for a group that may
   * carry permission events, whose processes wait for the answer.
   */
  static final long COALESCE_NANOS = 1_000_000L;
  /** A batch smaller than this (1/8 of the buffer, about 680 events) is followed by the wait. */
  static final int COALESCE_BELOW_BYTES = BUFFER_BYTES / 8;

  private final FanotifyGroup group;
  private final ContainerMarks marks;
  private final EventSink sink;
  private final Clock clock;
  private final NoticeThrottle notices;
  private final PermissionDecider decider;
  private final String sensor;
  private final int ownPid;
  private final Counter received;
  private final Counter batches;
  private final Counter pathHits;
  private final Counter nameReads;
  private final Counter overflows;
  private final Counter unreadable;
  private final Counter denyIgnored;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.nativeOrder());
  private final ByteBuffer pollFd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
  private final ByteBuffer response = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
  private final ProcNames names = new ProcNames();
  private final EventFiles files;
  private final RenameWatch renames;
  private final int nice;
  private final boolean coalesce;
  private volatile boolean running = true;
  private Instant batchTime = Instant.EPOCH;
  private long marksVersion = -1;
  private long lastPathHits;
  private long lastNameReads;

  FanotifyReader(FanotifyGroup group, ContainerMarks marks, EventSink sink, Clock clock, Metrics metrics,
      NoticeThrottle notices, PermissionDecider decider, String sensor) {
    this(group, marks, sink, clock, metrics, notices, decider, sensor, null, 0);
  }

  /**
   * @param renames watches directories for renames and unlinks so that paths are remembered across batches;
   *     null: one batch only
   * @param nice the reader thread's nice value (-20..19; 0 leaves it), set when the thread starts
   */
  FanotifyReader(FanotifyGroup group, ContainerMarks marks, EventSink sink, Clock clock, Metrics metrics,
      NoticeThrottle notices, PermissionDecider decider, String sensor, RenameWatch renames, int nice) {
    this.files = new EventFiles(renames);
    this.renames = renames;
    this.nice = nice;
    this.coalesce = group != null && group.eventClass() == FanotifyGroup.EventClass.NOTIF;
    this.group = group;
    this.marks = marks;
    this.sink = sink;
    this.clock = clock;
    this.notices = notices;
    this.decider = decider;
    this.sensor = sensor;
    this.ownPid = (int) ProcessHandle.current().pid();
    this.received = metrics.counter("vigil.fanotify.events", "sensor", sensor);
    this.batches = metrics.counter("vigil.fanotify.reads", "sensor", sensor);
    this.pathHits = metrics.counter("vigil.fanotify.paths_remembered", "sensor", sensor);
    this.nameReads = metrics.counter("vigil.fanotify.name_reads", "sensor", sensor);
    this.overflows = metrics.counter("vigil.sensor.overflow", "sensor", sensor);
    this.unreadable = metrics.counter("vigil.sensor.unreadable", "sensor", sensor);
    this.denyIgnored = metrics.counter("vigil.fanotify.deny_ignored", "sensor", sensor);
  }

  /** Asks the loop to end within one poll interval (200 ms). */
  void stop() {
    running = false;
  }

  @Override
  public void run() {
    if (nice != 0) {
      setNice(nice);
    }
    long lastSweep = System.nanoTime();
    long lastFlush = lastSweep;
    try {
      while (running) {
        int n = readBatch();
        if (n < 0) {
          break;
        }
        long now = System.nanoTime();
        try {
          if (now - lastFlush >= FLUSH_NANOS || n == 0) {
            notices.flush(now);
            lastFlush = now;
          }
          if (now - lastSweep > SWEEP_NANOS) {
            marks.sweep(now);
            if (renames != null) {
              renames.generation(); // keeps its kernel queue short while no remembered path is looked up
            }
            lastSweep = now;
          }
        } catch (RuntimeException e) {
          LOG.warn("fanotify reader housekeeping failed: {}", e.toString());
        }
        if (coalesce && n > 0 && n < COALESCE_BELOW_BYTES) {
          LockSupport.parkNanos(COALESCE_NANOS); // let a few more events queue up: see COALESCE_NANOS
        }
      }
    } finally {
      files.close();
    }
  }

  /** Reads and handles one batch; returns its size, 0 when there was none, -1 when the reader must stop. */
  private int readBatch() {
    int n;
    try {
      n = group.read(buffer, pollFd, POLL_MILLIS);
    } catch (FanotifyException e) {
      if (e.errno() == LibC.EINVAL || e.errno() == LibC.EBADF) {
        LOG.error("fanotify reader stops: {}", e.getMessage());
        sink.offer(new SensorNotice(clock.instant(), ContainerRef.HOST, sensor, "degraded", 1,
            "file events are no longer read: " + e.getMessage()));
        return -1;
      }
      lost(LibC.errnoName(e.errno()) + " from read");
      return 0;
    }
    if (n > 0) {
      batchTime = clock.instant();
      names.batch(System.nanoTime());
      long v = marks.version();
      if (v != marksVersion) {
        files.forgetRemembered();
        marksVersion = v;
      }
      int events = FanotifyEventParser.parse(buffer, n, this);
      received.increment(events);
      batches.increment();
      files.clear();
      long hits = files.rememberedHits();
      pathHits.increment(hits - lastPathHits);
      lastPathHits = hits;
      long reads = names.reads();
      nameReads.increment(reads - lastNameReads);
      lastNameReads = reads;
    }
    return n;
  }

  /** Sets this thread's nice value; without CAP_SYS_NICE a lower value is refused and the thread keeps its own. */
  private static void setNice(int value) {
    int tid = currentTid();
    if (tid <= 0 || LibC.setpriority(LibC.PRIO_PROCESS, tid, value) != 0) {
      LOG.info("fanotify reader keeps its scheduling priority (nice {} refused: {}); under CPU contention the"
          + " kernel queue may overflow sooner", value, tid <= 0 ? "no thread id"
          : LibC.errnoName(Native.getLastError()));
      return;
    }
    LOG.debug("fanotify reader thread {} runs at nice {}", tid, value);
  }

  /** The calling thread's kernel id from {@code /proc/thread-self}; -1 when unknown. */
  static int currentTid() {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
      return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void event(long mask, int fd, int pid) {
    if ((mask & Fanotify.FAN_Q_OVERFLOW) != 0) {
      overflows.increment();
      notices.add(OVERFLOW, "kernel queue full", 1);
      if (fd >= 0) {
        LibC.close(fd);
      }
      return;
    }
    if (fd < 0) {
      lost("no descriptor");
      return;
    }
    boolean permission = (mask & Fanotify.PERM_EVENTS) != 0;
    ContainerMarks.Resolved r = null;
    try {
      if (pid != ownPid || permission) {
        r = resolve(fd);
      }
      if (r != null && pid != ownPid) {
        emit(r, mask, pid);
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot handle a fanotify event: {}", e.toString());
      lost("internal error");
    } finally {
      if (permission) {
        answer(fd, r, pid, mask);
      }
      LibC.close(fd);
    }
  }

  @Override
  public void malformed(String why) {
    LOG.debug("malformed fanotify data: {}", why);
    lost("malformed");
  }

  private void lost(String cause) {
    unreadable.increment();
    notices.add(UNREADABLE, cause, 1);
  }

  private ContainerMarks.Resolved resolve(int fd) {
    boolean stated = files.stat(fd);
    ContainerMarks.Mark m = marks.mark(files.device());
    String path = files.path(fd, m);
    if (path == null) {
      lost("readlink failed");
      return null;
    }
    ContainerMarks.Resolved r = marks.resolve(m, path);
    if (r == null) {
      lost(stated ? "not a marked container filesystem" : "statx failed");
    }
    return r;
  }

  private void emit(ContainerMarks.Resolved r, long mask, int pid) {
    if ((mask & Fanotify.FAN_OPEN_EXEC) != 0) {
      offer(r, FileOpen.Mode.EXEC, pid, names.fresh(pid));
    }
    if ((mask & Fanotify.FAN_CLOSE_NOWRITE) != 0) {
      offer(r, FileOpen.Mode.READ, pid, names.name(pid));
    }
    if ((mask & Fanotify.FAN_CLOSE_WRITE) != 0) {
      offer(r, FileOpen.Mode.WRITE, pid, names.name(pid));
    }
  }

  /** The pipeline counts its own drops, so a refused offer needs nothing more here. */
  private void offer(ContainerMarks.Resolved r, FileOpen.Mode mode, int pid, String name) {
    sink.offer(new FileOpen(batchTime, r.container(), sensor, r.path(), mode, pid, name));
  }

  /**
   * The enforcement seam: every permission event is answered exactly once. Denying is not implemented, so a DENY
   * verdict is counted and the answer stays FAN_ALLOW; the enforcement issue maps it to {@link Fanotify#FAN_DENY}.
   */
  private void answer(int fd, ContainerMarks.Resolved r, int pid, long mask) {
    PermissionDecider.Verdict v;
    try {
      v = decider.decide(r == null ? null : r.container(), r == null ? null : r.path(), pid, mask);
    } catch (RuntimeException e) {
      LOG.warn("permission decider failed; allowing: {}", e.toString());
      v = PermissionDecider.Verdict.ALLOW;
    }
    if (v == PermissionDecider.Verdict.DENY) {
      denyIgnored.increment();
    }
    try {
      group.respond(fd, Fanotify.FAN_ALLOW, response);
    } catch (FanotifyException e) {
      LOG.warn("cannot answer a permission event: {}", e.getMessage());
    }
  }
}
