package dev.vigil.sink.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * The wait a destination asked for before the next attempt (HTTP 429 or 503 with {@code Retry-After}), carried as
 * the cause of a retryable {@link DeliveryException}: the delivery layer then waits that long instead of its own
 * back-off. A cause rather than a field keeps {@link DeliveryException} as every destination already uses it. Not a
 * failure of its own: no stack trace is taken.
 */
public final class RetryAfter extends Exception {

  private static final long serialVersionUID = 1L;

  private final Duration delay;

  public RetryAfter(Duration delay) {
    super("retry after " + delay.toMillis() + " ms", null, false, false);
    this.delay = Objects.requireNonNull(delay, "delay");
  }

  public Duration delay() {
    return delay;
  }

  /** A retryable failure that asks for {@code delay} before the next attempt. */
  public static DeliveryException failure(String message, Duration delay) {
    return new DeliveryException(message, true, new RetryAfter(delay));
  }

  /** The wait a failure asked for (searching its causes), or null when it did not say. */
  public static Duration of(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof RetryAfter r) {
        return r.delay;
      }
    }
    return null;
  }
}
