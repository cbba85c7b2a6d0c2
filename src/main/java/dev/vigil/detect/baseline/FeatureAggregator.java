package dev.vigil.detect.baseline;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Sums up one container's events into one {@link IntervalSample} per interval. Intervals lie on a fixed grid of
 * event time (multiples of the interval since the epoch), so every container's intervals line up and a replay of
 * recorded events yields the same samples; the wall clock is never read.
 *
 * <p>An interval closes when an event of a later interval arrives, or when the detector's sweep sees event time a
 * whole interval past its end (a container that went quiet). Intervals with no event at all are skipped, not
 * emitted as zeros: without stats samples there is no evidence the container was even running. The first interval
 * of an aggregator is dropped, because it started before the aggregator saw the container and its counts would be
 * low. An interval without a stats sample carries the last stats values, which are gauges or smoothed rates.
 * All state is bounded: distinct executables and endpoints per interval are capped. Not thread-safe.
 */
public final class FeatureAggregator {

  /** Distinct executable paths kept per interval; further new paths are only counted. */
  public static final int MAX_EXECUTABLES_PER_INTERVAL = 64;
  /** Distinct remote endpoints kept per interval; the feature saturates there. */
  public static final int MAX_ENDPOINTS_PER_INTERVAL = 256;

  private final String imageKey;
  private final long intervalSeconds;
  private ContainerRef container;

  private long start;
  private boolean firstInterval = true;
  private boolean open;
  private Instant lastEvent;

  private int statsCount;
  private double cpuSum;
  private double memSum;
  private double rxSum;
  private double txSum;
  private double pidsSum;
  private boolean haveStats;
  private double lastCpu;
  private double lastMem;
  private double lastRx;
  private double lastTx;
  private double lastPids;

  private int execs;
  private final LinkedHashSet<String> executables = new LinkedHashSet<>();
  private int executablesOverflow;
  private final Set<String> endpoints = new HashSet<>();
  private int fileWrites;

  /**
   * @param imageKey the model the container's samples go to
   * @param intervalSeconds the interval length, at least 1
   */
  public FeatureAggregator(ContainerRef container, String imageKey, int intervalSeconds) {
    if (intervalSeconds < 1) {
      throw new IllegalArgumentException("intervalSeconds must be at least 1 (got " + intervalSeconds + ")");
    }
    this.container = container;
    this.imageKey = imageKey;
    this.intervalSeconds = intervalSeconds;
  }

  public String imageKey() {
    return imageKey;
  }

  public ContainerRef container() {
    return container;
  }

  /** Time of the latest event added, null before the first. */
  public Instant lastEventTime() {
    return lastEvent;
  }

  /**
   * Adds an event of this container. When the event belongs to a later interval than the open one, the open interval
   * is closed first and returned (null when there was none, or it was the dropped first interval).
   * Events of kinds that carry no feature are ignored.
   */
  public IntervalSample add(Event event) {
    long t = event.time().getEpochSecond();
    IntervalSample closed = null;
    if (open && t >= start + intervalSeconds) {
      closed = close();
    }
    if (!open) {
      start = Math.floorDiv(t, intervalSeconds) * intervalSeconds;
      open = true;
    }
    if (event.container().isResolved()) {
      container = event.container();
    }
    if (lastEvent == null || event.time().isAfter(lastEvent)) {
      lastEvent = event.time();
    }
    // An event older than the open interval (a slower sensor) is counted in the open one: small error, no state.
    if (event instanceof StatsSample s) {
      statsCount++;
      cpuSum += s.cpuPercent();
      memSum += s.memoryBytes();
      rxSum += s.rxRate();
      txSum += s.txRate();
      pidsSum += s.pids();
    } else if (event instanceof ProcessExec p) {
      execs++;
      String path = executablePath(p);
      if (!executables.contains(path)) {
        if (executables.size() < MAX_EXECUTABLES_PER_INTERVAL) {
          executables.add(path);
        } else {
          executablesOverflow++;
        }
      }
    } else if (event instanceof NetConnection n) {
      if (endpoints.size() < MAX_ENDPOINTS_PER_INTERVAL) {
        if (n.direction() == NetConnection.Direction.OUTBOUND) {
          endpoints.add(n.remoteIp() + ':' + n.remotePort());
        } else if (n.direction() == NetConnection.Direction.INBOUND) {
          // Clients come from ephemeral ports: one peer is one endpoint, whatever its port.
          endpoints.add(n.remoteIp());
        }
      }
    } else if (event instanceof FileOpen f) {
      if (f.mode() == FileOpen.Mode.WRITE) {
        fileWrites++;
      }
    } else if (event instanceof FileChange c) {
      if (c.change() != FileChange.Kind.DELETED) {
        fileWrites++;
      }
    }
    return closed;
  }

  /**
   * Closes the open interval if event time {@code now} is a whole interval past its end, for containers that went
   * quiet. Returns the closed sample or null.
   */
  public IntervalSample closeIfQuiet(Instant now) {
    if (open && now.getEpochSecond() >= start + 2 * intervalSeconds) {
      return close();
    }
    return null;
  }

  /** The executable a process exec names: its path when known, else argv[0], else the process name. */
  static String executablePath(ProcessExec p) {
    if (!p.exePath().isEmpty()) {
      return p.exePath();
    }
    if (!p.args().isEmpty() && !p.args().get(0).isEmpty()) {
      return p.args().get(0);
    }
    return p.name();
  }

  private IntervalSample close() {
    if (statsCount > 0) {
      lastCpu = cpuSum / statsCount;
      lastMem = memSum / statsCount;
      lastRx = rxSum / statsCount;
      lastTx = txSum / statsCount;
      lastPids = pidsSum / statsCount;
      haveStats = true;
    }
    IntervalSample s = null;
    if (!firstInterval) {
      double perMinute = 60.0 / intervalSeconds;
      s = new IntervalSample(container, imageKey, Instant.ofEpochSecond(start),
          Instant.ofEpochSecond(start + intervalSeconds), haveStats ? lastCpu : 0, haveStats ? lastMem : 0,
          haveStats ? lastRx : 0, haveStats ? lastTx : 0, haveStats ? lastPids : 0, execs * perMinute,
          new ArrayList<>(executables), executablesOverflow, endpoints.size(), fileWrites * perMinute, statsCount);
    }
    firstInterval = false;
    open = false;
    statsCount = 0;
    cpuSum = 0;
    memSum = 0;
    rxSum = 0;
    txSum = 0;
    pidsSum = 0;
    execs = 0;
    executables.clear();
    executablesOverflow = 0;
    endpoints.clear();
    fileWrites = 0;
    return s;
  }
}
