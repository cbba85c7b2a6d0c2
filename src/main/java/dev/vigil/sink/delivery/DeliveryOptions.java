package dev.vigil.sink.delivery;

import dev.vigil.alert.Priority;
import java.time.Duration;
import java.util.Objects;

/**
 * How the delivery layer treats one network destination: which alerts it takes, how many may wait in memory
 * before reaching the disk spool, how long one delivery call may take, how retries back off, how large the spool
 * may grow and when it is forced to disk. Immutable; {@link #defaults()} are the documented defaults of the
 * configuration file's {@code delivery:} section.
 *
 * @param minPriority alerts less severe than this are not delivered to this destination
 * @param queue alerts held in memory between the engine and the spool writer; more are dropped and counted
 * @param timeout the most one {@link Destination#deliver} call may take before it counts as failed
 * @param backoffInitial first wait after a retryable failure
 * @param backoffMax longest wait between attempts
 * @param spoolMaxBytes bound of the disk spool; beyond it the oldest alerts are dropped and counted
 * @param fsync when appended alerts are forced to disk
 */
public record DeliveryOptions(Priority minPriority, int queue, Duration timeout, Duration backoffInitial,
    Duration backoffMax, long spoolMaxBytes, FsyncPolicy fsync) {

  /** The smallest spool bound accepted, so that a segment and the largest record always fit. */
  public static final long MIN_SPOOL_BYTES = 64 * 1024;

  public DeliveryOptions {
    Objects.requireNonNull(minPriority, "minPriority");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(backoffInitial, "backoffInitial");
    Objects.requireNonNull(backoffMax, "backoffMax");
    Objects.requireNonNull(fsync, "fsync");
    if (queue < 1) {
      throw new IllegalArgumentException("queue must be at least 1 (got " + queue + ")");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be longer than 0 (got " + timeout + ")");
    }
    if (backoffInitial.isNegative() || backoffInitial.isZero() || backoffMax.compareTo(backoffInitial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max (got " + backoffInitial + ", "
          + backoffMax + ")");
    }
    if (spoolMaxBytes < MIN_SPOOL_BYTES) {
      throw new IllegalArgumentException("spool_max_bytes must be at least 64KB (got " + spoolMaxBytes + ")");
    }
  }

  /** Debug and up, 10,000 alerts in memory, 10 s per call, back-off 500 ms to 60 s, 256 MiB spool, fsync each 1 s. */
  public static DeliveryOptions defaults() {
    return new DeliveryOptions(Priority.DEBUG, 10_000, Duration.ofSeconds(10), Duration.ofMillis(500),
        Duration.ofSeconds(60), 256L * 1024 * 1024, FsyncPolicy.INTERVAL);
  }

  public DeliveryOptions withMinPriority(Priority p) {
    return new DeliveryOptions(p, queue, timeout, backoffInitial, backoffMax, spoolMaxBytes, fsync);
  }

  public DeliveryOptions withTimeout(Duration t) {
    return new DeliveryOptions(minPriority, queue, t, backoffInitial, backoffMax, spoolMaxBytes, fsync);
  }
}
