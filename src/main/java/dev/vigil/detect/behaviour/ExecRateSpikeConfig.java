package dev.vigil.detect.behaviour;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of the exec-rate spike detector ({@code detectors.behaviour.exec_rate_spike}): a spike is at least
 * {@code min_execs} process starts within {@code window} and at least {@code min_factor} times the container's
 * baseline for a window. The keys it shares with the other spike detectors are in {@link #spike} (its floor is
 * {@code min_execs}, its sustain 0); bound by {@link SpikeKeys.ExecRate}. Immutable.
 *
 * @param window the sliding window, counted in six buckets ({@code window}, default 60s)
 * @param spike the shared keys
 */
public record ExecRateSpikeConfig(Duration window, SpikeConfig spike) {

  public ExecRateSpikeConfig {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(spike, "spike");
  }

  /** Every key at its default. */
  public static ExecRateSpikeConfig defaults() {
    return new SpikeKeys.ExecRate().toConfig();
  }

  /** Switched off. */
  public static ExecRateSpikeConfig disabled() {
    ExecRateSpikeConfig d = defaults();
    return new ExecRateSpikeConfig(d.window, d.spike.withEnabled(false));
  }
}
