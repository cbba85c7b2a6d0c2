package dev.vigil.sensor.proc;

import dev.vigil.sensor.LibC;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time scheduling for the reader thread, with a duty-cycle brake. A short-lived process is gone ~0.3 ms after
 * its exec event; on a busy host a normal-priority reader is often not scheduled that soon and loses the race to
 * read its /proc entry. At SCHED_FIFO priority 1 (the lowest real-time level) the reader runs as soon as the kernel
 * queues an event. So that an exec storm cannot make it monopolise a CPU, the reader drops to normal scheduling
 * whenever it used more than half of a 100 ms window in CPU time (not wall time, which preemption inflates), and
 * goes back up after a quiet window. Needs CAP_SYS_NICE (root has it); without it the reader simply stays at normal
 * priority. Confined to the thread that owns it.
 */
final class ReaderPriority {

  private static final Logger LOG = LoggerFactory.getLogger(ReaderPriority.class);
  static final long WINDOW_NANOS = 100_000_000L;
  static final long MAX_BUSY_NANOS = WINDOW_NANOS / 2;
  static final long QUIET_BUSY_NANOS = WINDOW_NANOS / 10;
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final boolean enabled;
  private int tid;
  private boolean realtime;
  private boolean permitted = true;
  private long windowStart = System.nanoTime();
  private long windowCpuStart;
  private long demotions;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  ReaderPriority(boolean enabled) {
    this.enabled = enabled;
  }

  /** Called once on the reader thread when it starts. */
  void start() {
    if (!enabled) {
      return;
    }
    tid = currentTid();
    if (tid <= 0) {
      permitted = false;
      return;
    }
    windowCpuStart = threads.getCurrentThreadCpuTime();
    if (set(LibC.SCHED_FIFO, 1)) {
      LOG.debug("process reader thread {} runs at real-time priority (SCHED_FIFO 1)", tid);
    } else {
      permitted = false;
      if (!WARNED.getAndSet(true)) {
        LOG.info("process reader stays at normal priority (no CAP_SYS_NICE): under heavy CPU load more short-lived"
            + " processes exit before they can be read");
      }
    }
  }

  /** Called after each burst of work; at the end of a window, compares the thread's CPU time with the limits. */
  void account(long now) {
    if (!permitted || !enabled || now - windowStart < WINDOW_NANOS) {
      return;
    }
    long cpu = threads.getCurrentThreadCpuTime();
    long busy = cpu - windowCpuStart;
    if (realtime && busy > MAX_BUSY_NANOS) {
      set(LibC.SCHED_OTHER, 0);
      demotions++;
      LOG.debug("process reader used {} ms CPU in {} ms: back to normal priority", busy / 1_000_000,
          (now - windowStart) / 1_000_000);
    } else if (!realtime && busy < QUIET_BUSY_NANOS) {
      set(LibC.SCHED_FIFO, 1);
    }
    windowCpuStart = cpu;
    windowStart = now;
  }

  boolean realtime() {
    return realtime;
  }

  /** Times the brake had to drop real-time priority. */
  long demotions() {
    return demotions;
  }

  /**
   * The calling thread's kernel id, from {@code /proc/thread-self -> <pid>/task/<tid>}: gettid() is missing from
   * older C libraries, and one missing symbol would make JNA refuse the whole libc mapping. -1 when unknown.
   */
  static int currentTid() {
    try {
      String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
      return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private boolean set(int policy, int priority) {
    boolean ok = LibC.sched_setscheduler(tid, policy, new int[] {priority}) == 0;
    if (ok) {
      realtime = policy == LibC.SCHED_FIFO;
    }
    return ok;
  }
}
