package dev.vigil.sensor.docker;

/**
 * How far behind one container's log stream is read: the time the agent reads a message minus the time the engine
 * stamped it. {@link #observe} says when the lag passes the bound, which is when the follow sheds its backlog
 * (reopens from now) instead of queueing it; what was skipped is the lag at that moment. Written by the stream's one
 * callback thread, read by the status thread: the fields are volatile.
 */
final class LogLag {

  private final long maxLagNanos;
  private volatile long lagNanos;
  private volatile long skippedMillis;
  private volatile long sheds;

  /** @param maxLagNanos the bound ({@code --max-log-lag}) */
  LogLag(long maxLagNanos) {
    this.maxLagNanos = maxLagNanos;
  }

  /**
   * Records a message stamped at {@code stampNanos} and read at {@code nowNanos} (both epoch nanoseconds). When the
   * lag passed the bound it is counted as skipped and returned (nanoseconds); otherwise 0. A clock behind the
   * engine's reads as no lag.
   */
  long observe(long stampNanos, long nowNanos) {
    if (stampNanos == StampedLines.NO_STAMP) {
      return 0;
    }
    long lag = Math.max(0, nowNanos - stampNanos);
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
