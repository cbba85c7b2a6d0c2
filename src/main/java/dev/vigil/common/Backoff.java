package dev.vigil.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with full jitter between a floor and a cap, for reconnect loops. Not thread-safe: one
 * instance per loop.
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private int attempt;

  public Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /** The delay before the next attempt; grows with each call until {@link #reset()}. */
  public Duration next() {
    long base = initial.toMillis() << Math.min(attempt, 20);
    long capped = Math.min(base, max.toMillis());
    attempt++;
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(jittered, initial.toMillis()));
  }

  public void reset() {
    attempt = 0;
  }

  public int attempts() {
    return attempt;
  }
}
