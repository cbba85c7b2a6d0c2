package dev.vigil.sensor.proc;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.SensorNotice;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the reader's losses into metrics at once and into {@link SensorNotice}s at most once a second per kind:
 * {@code overflow} for events the kernel dropped (counted exactly from the connector's sequence numbers, or as the
 * number of ENOBUFS reports when no gap was seen yet) and {@code unreadable} for container execs whose process was
 * reaped before /proc could be read. Nothing is lost silently. Not thread-safe: confined to the reader thread.
 */
final class LossReporter {

  private static final Logger LOG = LoggerFactory.getLogger(LossReporter.class);
  static final long INTERVAL_NANOS = 1_000_000_000L;

  private final String sensor;
  private final EventSink sink;
  private final Clock clock;
  private final Counter lostCount;
  private final Counter overflowCount;
  private final Counter vanishedCount;
  private long pendingLost;
  private long pendingOverflows;
  private long pendingVanished;
  private long lastOverflowNotice;
  private long lastVanishedNotice;
  private long lastOverflowAt;
  private boolean warned;

  LossReporter(String sensor, EventSink sink, Clock clock, Metrics metrics) {
    this.sensor = sensor;
    this.sink = sink;
    this.clock = clock;
    this.lostCount = metrics.counter("vigil.proc.lost", "sensor", sensor);
    this.overflowCount = metrics.counter("vigil.proc.overflows", "sensor", sensor);
    this.vanishedCount = metrics.counter("vigil.proc.vanished", "sensor", sensor);
    long now = System.nanoTime();
    lastOverflowNotice = now - INTERVAL_NANOS;
    lastVanishedNotice = now - INTERVAL_NANOS;
  }

  /** The kernel skipped {@code count} messages (a gap in its sequence numbers). */
  void lost(long count) {
    lostCount.increment(count);
    pendingLost += count;
  }

  /** recv reported ENOBUFS. */
  void overflow() {
    overflowCount.increment();
    pendingOverflows++;
    lastOverflowAt = System.nanoTime();
  }

  /** A container process exited and was reaped before anything about it could be read. */
  void vanished() {
    vanishedCount.increment();
    pendingVanished++;
  }

  long lostTotal() {
    return (long) lostCount.count();
  }

  /** Emits the notices that are due. */
  void flush(long now) {
    // An ENOBUFS alone is reported only after a second without the gap that tells the exact count.
    boolean due = pendingLost > 0 || (pendingOverflows > 0 && now - lastOverflowAt >= INTERVAL_NANOS);
    if (due && now - lastOverflowNotice >= INTERVAL_NANOS) {
      long count = pendingLost > 0 ? pendingLost : pendingOverflows;
      String msg = pendingLost > 0 ? count + " process events dropped by the kernel (netlink socket buffer full)"
          : "the kernel reported a full netlink socket buffer " + count + " times; process events were dropped";
      if (!warned) {
        LOG.warn("{}: {} (notices follow as events, at most one a second)", sensor, msg);
        warned = true;
      }
      sink.offer(new SensorNotice(clock.instant(), ContainerRef.HOST, sensor, "overflow", count, msg));
      pendingLost = 0;
      pendingOverflows = 0;
      lastOverflowNotice = now;
    }
    if (pendingVanished > 0 && now - lastVanishedNotice >= INTERVAL_NANOS) {
      sink.offer(new SensorNotice(clock.instant(), ContainerRef.HOST, sensor, "unreadable", pendingVanished,
          pendingVanished + " container processes exited and were reaped before /proc could be read"));
      pendingVanished = 0;
      lastVanishedNotice = now;
    }
  }
}
