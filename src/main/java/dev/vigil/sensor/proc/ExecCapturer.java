package dev.vigil.sensor.proc;

import dev.vigil.common.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second, independent subscriber to the process connector that does one thing: capture the fragile /proc facts
 * of every exec (exe, argv, standard streams, cwd) the moment it arrives, for the main reader to pick up. The two
 * threads race for each exec and the first capture wins. This is redundancy against the main reader being off the
 * CPU for a few milliseconds - its own work on a burst, or, measured on a loaded 2-vCPU VM, the hypervisor
 * descheduling its vCPU even at real-time priority - which is long enough for short-lived processes to be reaped
 * unread. Thread-safe: captures are handed over through a concurrent map, read once and dropped after 2 s.
 */
final class ExecCapturer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExecCapturer.class);
  private static final long KEEP_NANOS = 2_000_000_000L;

  /** One exec: the connector reports the same kernel timestamp on every socket. */
  private record Key(long pid, long timestampNs) {}

  private record Stamped(ExecReader.Capture capture, long atNanos) {}

  private final ConcurrentMap<Key, Stamped> captures = new ConcurrentHashMap<>();
  private final ExecReader reader;
  private final NetlinkProcConnector conn;
  private final ReaderPriority priority;
  private volatile boolean running = true;
  private final Thread thread;
  private long lastPurge = System.nanoTime();

  private ExecCapturer(ExecReader reader, NetlinkProcConnector conn, boolean realtime) {
    this.reader = reader;
    this.conn = conn;
    this.priority = new ReaderPriority(realtime);
    this.thread = Threads.daemon("vigil-proc-capture", this::loop);
  }

  /** Subscribes and starts the thread; null when a second subscription is not possible (the sensor runs alone). */
  static ExecCapturer start(ExecReader reader, int receiveBuffer, boolean realtime) {
    try {
      ExecCapturer c = new ExecCapturer(reader, NetlinkProcConnector.open(receiveBuffer), realtime);
      c.thread.start();
      return c;
    } catch (ConnectorUnavailableException e) {
      LOG.debug("no second process-connector subscription ({}); the reader captures alone", e.getMessage());
      return null;
    }
  }

  /** The capture of this exec if this thread got to it first (then forgotten), else null. */
  ExecReader.Capture take(long pid, long timestampNs) {
    Stamped s = captures.remove(new Key(pid, timestampNs));
    return s == null ? null : s.capture();
  }

  /**
   * The captures for the execs of a burst, in order: the capturer's where it was first ({@code capturer} may be
   * null), the rest read now - all of those before anything else happens, exe and argv first (see ExecReader).
   */
  static List<ExecReader.Capture> forBatch(List<ProcEvent> batch, ExecCapturer capturer, ExecReader reader) {
    List<ExecReader.Capture> captured = new ArrayList<>();
    int missing = 0;
    for (ProcEvent e : batch) {
      if (e instanceof ProcEvent.Exec) {
        ProcEvent.Exec x = (ProcEvent.Exec) e;
        ExecReader.Capture c = capturer == null ? null : capturer.take(x.tgid(), x.timestampNs());
        captured.add(c);
        missing += c == null ? 1 : 0;
      }
    }
    if (missing == 0) {
      return captured;
    }
    long[] pids = new long[missing];
    int j = 0;
    int k = 0;
    for (ProcEvent e : batch) {
      if (e instanceof ProcEvent.Exec && captured.get(k++) == null) {
        pids[j++] = ((ProcEvent.Exec) e).tgid();
      }
    }
    List<ExecReader.Capture> mine = reader.capture(pids);
    j = 0;
    for (int i = 0; i < captured.size(); i++) {
      if (captured.get(i) == null) {
        captured.set(i, mine.get(j++));
      }
    }
    return captured;
  }

  private final NetlinkProcConnector.Listener listener = new NetlinkProcConnector.Listener() {
    @Override
    public void event(ProcEvent e) {
      if (e instanceof ProcEvent.Exec) {
        ProcEvent.Exec x = (ProcEvent.Exec) e;
        captures.put(new Key(x.tgid(), x.timestampNs()), new Stamped(reader.capture(x.tgid()), System.nanoTime()));
      }
    }

    @Override
    public void lost(long count) {
      // The main reader's own socket counts and reports losses; this one only helps.
    }

    @Override
    public void overflow() {
      // As above.
    }
  };

  private void loop() {
    try {
      priority.start();
      while (running) {
        boolean got = conn.receive(listener);
        while (got && running && conn.receiveNow(listener)) {
          // drain the burst
        }
        long now = System.nanoTime();
        priority.account(now);
        if (now - lastPurge > KEEP_NANOS) {
          // Captures the main reader never asked for: it handled those execs itself first.
          captures.values().removeIf(s -> now - s.atNanos() > KEEP_NANOS);
          lastPurge = now;
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("exec capture thread stopped: {}", e.toString());
    } finally {
      conn.close();
      captures.clear();
    }
  }

  /** Stops the thread, which closes its socket. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
