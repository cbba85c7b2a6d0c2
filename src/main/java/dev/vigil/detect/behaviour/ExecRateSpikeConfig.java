package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * Configuration of the exec-rate spike detector ({@code detectors.behaviour.exec_rate_spike}). Every property is
 * optional. A spike is at least {@code min_execs} process starts within {@code window} and at least {@code min_factor}
 * times the container's baseline for a window.
 *
 * @param window the sliding window, counted in six buckets (default 60s)
 * @param minExecs absolute floor of a spike (default 100 in the window)
 * @param minFactor times the baseline (default 10)
 */
public record ExecRateSpikeConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("window") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration window,
    @JsonProperty("min_execs") Integer minExecs,
    @JsonProperty("min_factor") Double minFactor,
    @JsonProperty("learning_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration learningPeriod,
    @JsonProperty("baseline_half_life") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration baselineHalfLife,
    @JsonProperty("reset_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration resetPeriod) {

  private static final String P = "detectors.behaviour.exec_rate_spike.";

  public ExecRateSpikeConfig {
    enabled = Check.or(enabled, true);
    window = Check.or(window, Duration.ofSeconds(60));
    if (window.toMillis() < 6) {
      throw new IllegalArgumentException(P + "window must be at least 6ms, got " + window);
    }
    minExecs = Check.atLeast(Check.or(minExecs, 100), 2, P + "min_execs");
    minFactor = Check.atLeast(Check.or(minFactor, 10.0), 1.0, P + "min_factor");
    learningPeriod = Check.notNegative(Check.or(learningPeriod, Duration.ofSeconds(60)), P + "learning_period");
    baselineHalfLife = Check.positive(Check.or(baselineHalfLife, Duration.ofMinutes(30)), P + "baseline_half_life");
    resetPeriod = Check.positive(Check.or(resetPeriod, Duration.ofSeconds(60)), P + "reset_period");
  }

  public static ExecRateSpikeConfig defaults() {
    return new ExecRateSpikeConfig(null, null, null, null, null, null, null);
  }

  public static ExecRateSpikeConfig disabled() {
    return new ExecRateSpikeConfig(false, null, null, null, null, null, null);
  }
}
