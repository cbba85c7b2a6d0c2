package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * Configuration of the process-count spike detector ({@code detectors.behaviour.process_count_spike}). Every property
 * is optional. A spike is a task count (processes and threads, as the stats report {@code pids}) of at least {@code
 * min_processes} and at least {@code min_factor} times the container's baseline, for {@code sustain}.
 *
 * @param minProcesses absolute floor of a spike (default 100)
 * @param minFactor times the baseline (default 4)
 */
public record ProcessCountSpikeConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("min_processes") Integer minProcesses,
    @JsonProperty("min_factor") Double minFactor,
    @JsonProperty("sustain") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration sustain,
    @JsonProperty("learning_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration learningPeriod,
    @JsonProperty("baseline_half_life") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration baselineHalfLife,
    @JsonProperty("reset_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration resetPeriod)
    implements SpikeSettings {

  private static final String P = "detectors.behaviour.process_count_spike.";

  public ProcessCountSpikeConfig {
    enabled = Check.or(enabled, true);
    minProcesses = Check.atLeast(Check.or(minProcesses, 100), 2, P + "min_processes");
    minFactor = Check.atLeast(Check.or(minFactor, 4.0), 1.0, P + "min_factor");
    sustain = Check.notNegative(Check.or(sustain, Duration.ZERO), P + "sustain");
    learningPeriod = Check.notNegative(Check.or(learningPeriod, Duration.ofSeconds(60)), P + "learning_period");
    baselineHalfLife = Check.positive(Check.or(baselineHalfLife, Duration.ofMinutes(30)), P + "baseline_half_life");
    resetPeriod = Check.positive(Check.or(resetPeriod, Duration.ofSeconds(60)), P + "reset_period");
  }

  public static ProcessCountSpikeConfig defaults() {
    return new ProcessCountSpikeConfig(null, null, null, null, null, null, null);
  }

  public static ProcessCountSpikeConfig disabled() {
    return new ProcessCountSpikeConfig(false, null, null, null, null, null, null);
  }

  @Override
  public double spikeFloor() {
    return minProcesses;
  }

  @Override
  public double spikeFactor() {
    return minFactor;
  }
}
