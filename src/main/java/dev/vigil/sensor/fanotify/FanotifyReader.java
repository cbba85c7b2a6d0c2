package dev.vigil.sensor.fanotify;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.FileOpen;
import dev.vigil.event.SensorNotice;
import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read loop of one fanotify group. Per read (up to {@link #BUFFER_BYTES}) it parses the events and, for each:
 * drops those of the agent itself, finds the file's container and in-container path (device via statx on the event
 * descriptor, path via readlink of {@code /proc/self/fd/N}, see {@link ContainerMarks}), reads the process name,
 * emits one {@link FileOpen} per mode bit through the non-blocking sink and always closes the descriptor. Overflows
 * and events that cannot be attributed are counted in metrics and surfaced as throttled notices.
 *
 * <p>Permission events (only possible in a {@link FanotifyGroup.EventClass#CONTENT} group marked with a *_PERM
 * mask, which nothing does yet) are answered before the descriptor is closed, after consulting the
 * {@link PermissionDecider}; the answer is always FAN_ALLOW until enforcement lands. Each reader runs on its own
 * thread with its own buffers, and several may share a group; only {@link #stop()} may be called from others.
 */
final class FanotifyReader implements Runnable, FanotifyEventParser.Handler {

  /** Up to 5461 events per read; each holds an open descriptor until handled, so keep well under RLIMIT_NOFILE. */
  static final int BUFFER_BYTES = 128 * 1024;
  static final String OVERFLOW = "overflow";
  static final String UNREADABLE = "unreadable";
  private static final Logger LOG = LoggerFactory.getLogger(FanotifyReader.class);
  private static final int POLL_MILLIS = 200;
  private static final long SWEEP_NANOS = 1_000_000_000L;

  private final FanotifyGroup group;
  private final ContainerMarks marks;
  private final EventSink sink;
  private final Clock clock;
  private final NoticeThrottle notices;
  private final PermissionDecider decider;
  private final String sensor;
  private final int ownPid;
  private final Counter received;
  private final Counter overflows;
  private final Counter unreadable;
  private final Counter denyIgnored;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.nativeOrder());
  private final ByteBuffer pollFd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
  private final ByteBuffer response = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
  private final ProcNames names = new ProcNames();
  private final EventFiles files = new EventFiles();
  private volatile boolean running = true;
  private Instant batchTime = Instant.EPOCH;

  FanotifyReader(FanotifyGroup group, ContainerMarks marks, EventSink sink, Clock clock, Metrics metrics,
      NoticeThrottle notices, PermissionDecider decider, String sensor) {
    this.group = group;
    this.marks = marks;
    this.sink = sink;
    this.clock = clock;
    this.notices = notices;
    this.decider = decider;
    this.sensor = sensor;
    this.ownPid = (int) ProcessHandle.current().pid();
    this.received = metrics.counter("vigil.fanotify.events", "sensor", sensor);
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
    long lastSweep = System.nanoTime();
    try {
      while (running) {
        int n = readBatch();
        if (n < 0) {
          break;
        }
        long now = System.nanoTime();
        try {
          notices.flush(now);
          if (now - lastSweep > SWEEP_NANOS) {
            marks.sweep(now);
            lastSweep = now;
          }
        } catch (RuntimeException e) {
          LOG.warn("fanotify reader housekeeping failed: {}", e.toString());
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
      if (e.errno() == Fanotify.EINVAL || e.errno() == Fanotify.EBADF) {
        LOG.error("fanotify reader stops: {}", e.getMessage());
        sink.offer(new SensorNotice(clock.instant(), ContainerRef.HOST, sensor, "degraded", 1,
            "file events are no longer read: " + e.getMessage()));
        return -1;
      }
      lost(Fanotify.errnoName(e.errno()) + " from read");
      return 0;
    }
    if (n > 0) {
      batchTime = clock.instant();
      int events = FanotifyEventParser.parse(buffer, n, this);
      received.increment(events);
      names.clear();
      files.clear();
    }
    return n;
  }

  @Override
  public void event(long mask, int fd, int pid) {
    if ((mask & Fanotify.FAN_Q_OVERFLOW) != 0) {
      overflows.increment();
      notices.add(OVERFLOW, "kernel queue full", 1);
      if (fd >= 0) {
        Fanotify.close(fd);
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
      Fanotify.close(fd);
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
    String path = files.path(fd);
    if (path == null) {
      lost("readlink failed");
      return null;
    }
    ContainerMarks.Resolved r = marks.resolve(files.device(), path);
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
