package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * Configuration of the egress-spike detector ({@code detectors.behaviour.egress_spike}). Every property is optional. A
 * spike is a transmit rate of at least {@code min_bytes_per_second} and at least {@code min_factor} times the
 * container's baseline, for {@code sustain} (0 = one stats sample is enough: hundreds of MB leave in seconds).
 *
 * @param minBytesPerSecond absolute floor of a spike (default 10,000,000 = 10 MB/s)
 * @param minFactor times the baseline (default 10)
 * @param learningPeriod how long the transmit rate is averaged before it can alert (default 60s)
 */
public record EgressSpikeConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("min_bytes_per_second") Double minBytesPerSecond,
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

  private static final String P = "detectors.behaviour.egress_spike.";

  public EgressSpikeConfig {
    enabled = Check.or(enabled, true);
    minBytesPerSecond = Check.atLeast(Check.or(minBytesPerSecond, 10_000_000.0), 1.0, P + "min_bytes_per_second");
    minFactor = Check.atLeast(Check.or(minFactor, 10.0), 1.0, P + "min_factor");
    sustain = Check.notNegative(Check.or(sustain, Duration.ZERO), P + "sustain");
    learningPeriod = Check.notNegative(Check.or(learningPeriod, Duration.ofSeconds(60)), P + "learning_period");
    baselineHalfLife = Check.positive(Check.or(baselineHalfLife, Duration.ofMinutes(30)), P + "baseline_half_life");
    resetPeriod = Check.positive(Check.or(resetPeriod, Duration.ofSeconds(60)), P + "reset_period");
  }

  public static EgressSpikeConfig defaults() {
    return new EgressSpikeConfig(null, null, null, null, null, null, null);
  }

  public static EgressSpikeConfig disabled() {
    return new EgressSpikeConfig(false, null, null, null, null, null, null);
  }

  @Override
  public double spikeFloor() {
    return minBytesPerSecond;
  }

  @Override
  public double spikeFactor() {
    return minFactor;
  }
}
