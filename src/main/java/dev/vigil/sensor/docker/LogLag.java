package dev.vigil.sensor.docker;

/**
 * How far behind one container's log stream is read: the time the agent reads a message minus the time the engine
 * stamped it, less the smallest such difference seen for the container (its floor: the clock difference between
 * agent and engine, which a remote engine may have, plus the fastest delivery; a few milliseconds on a local
 * engine). {@link #observe} says when the lag passes the bound, which is when the follow sheds its backlog (reopens
 * from now) instead of queueing it; what was skipped is the lag at that moment. Written by the stream's callback
 * thread (one at a time: a reopened stream's thread starts after the shed one stopped reading), read by the status
 * thread: the fields are volatile.
 */
final class LogLag {

  private final long maxLagNanos;
  private long floorNanos = Long.MAX_VALUE;
  private volatile long lagNanos;
  private volatile long skippedMillis;
  private volatile long sheds;

  /** @param maxLagNanos the bound ({@code --max-log-lag}) */
  LogLag(long maxLagNanos) {
    this.maxLagNanos = maxLagNanos;
  }

  /**
   * Records a message stamped at {@code stampNanos} (the engine's clock) and read at {@code nowNanos} (the agent's),
   * both epoch nanoseconds. When the lag passed the bound it is counted as skipped and returned (nanoseconds);
   * otherwise 0.
   */
  long observe(long stampNanos, long nowNanos) {
    if (stampNanos == StampedLines.NO_STAMP) {
      return 0;
    }
    long raw = nowNanos - stampNanos;
    floorNanos = Math.min(floorNanos, raw);
    long lag = raw - floorNanos;
    lagNanos = lag;
    if (lag <= maxLagNanos) {
      return 0;
    }
    skippedMillis += lag / 1_000_000; // as docker.logs counts it, so the two sums agree
    sheds++;
    lagNanos = 0; // the follow starts again from now
    return lag;
  }

  long lagMillis() {
    return lagNanos / 1_000_000;
  }

  long skippedMillis() {
    return skippedMillis;
  }

  long sheds() {
    return sheds;
  }
}
