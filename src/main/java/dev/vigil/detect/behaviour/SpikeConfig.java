package dev.vigil.detect.behaviour;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a detector that watches one measure of a container against the container's own {@link Baseline}
 * (egress rate, task count, exec rate): a spike is a value at or above an absolute floor <em>and</em> a factor of
 * the baseline. The three spike sections of {@code detectors.behaviour} ({@code egress_spike},
 * {@code process_count_spike}, {@code exec_rate_spike}) share these keys but for the floor's name; the
 * configuration file is bound by {@link SpikeKeys}, which declares each key once, applies the defaults and checks
 * the values. Immutable.
 *
 * @param enabled false switches the detector off ({@code enabled}, default true)
 * @param floor the absolute floor: below it nothing is a spike, whatever the baseline ({@code min_bytes_per_second}
 *     10,000,000; {@code min_processes} 100; {@code min_execs} 100 in the window)
 * @param minFactor how many times the baseline a value must be ({@code min_factor}: 10, 4, 10)
 * @param sustain how long a spike must hold before it alerts ({@code sustain}, default 0: the first spiking sample;
 *     always 0 for {@code exec_rate_spike}, whose count over a window is already sustained)
 * @param learningPeriod how long the measure is averaged before it can alert ({@code learning_period}, default 60s)
 * @param baselineHalfLife the half-life of the learned baseline afterwards ({@code baseline_half_life}, default 30m)
 * @param resetPeriod a spike episode ends after this long without a spike; the next one alerts again
 *     ({@code reset_period}, default 60s)
 */
public record SpikeConfig(boolean enabled, double floor, double minFactor, Duration sustain, Duration learningPeriod,
    Duration baselineHalfLife, Duration resetPeriod) {

  public SpikeConfig {
    Objects.requireNonNull(sustain, "sustain");
    Objects.requireNonNull(learningPeriod, "learningPeriod");
    Objects.requireNonNull(baselineHalfLife, "baselineHalfLife");
    Objects.requireNonNull(resetPeriod, "resetPeriod");
  }

  /** {@code detectors.behaviour.egress_spike} with every key at its default. */
  public static SpikeConfig egressDefaults() {
    return new SpikeKeys.Egress().toConfig();
  }

  /** {@code detectors.behaviour.process_count_spike} with every key at its default. */
  public static SpikeConfig processCountDefaults() {
    return new SpikeKeys.ProcessCount().toConfig();
  }

  /** This configuration switched on or off. */
  public SpikeConfig withEnabled(boolean on) {
    return new SpikeConfig(on, floor, minFactor, sustain, learningPeriod, baselineHalfLife, resetPeriod);
  }
}
