package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.util.StdConverter;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * The spike sections of {@code detectors.behaviour} as the configuration file spells them, each key declared once.
 * The sections are flat ({@code egress_spike: {min_bytes_per_second: 5e6, sustain: 2s}}) and differ only in the
 * floor's key, the defaults and {@code exec_rate_spike}'s {@code window} in place of {@code sustain}, so each is a
 * subclass adding its keys to the shared ones. Jackson binds a section into its subclass (an unknown key is refused
 * with the known ones listed, a value of the wrong type names the key) and the section's {@link Binding}, named on
 * the {@link BehaviourConfig} component, turns it into the immutable config: defaults applied, values checked in
 * the order of the keys, messages naming the property ({@code detectors.behaviour.egress_spike.min_factor ...}).
 * Instances live only between binding and {@link #toConfig}.
 *
 * @param <C> the immutable config the section becomes
 */
abstract class SpikeKeys<C> {

  @JsonProperty("enabled")
  Boolean enabled;

  @JsonProperty("min_factor")
  Double minFactor;

  @JsonProperty("learning_period")
  @JsonDeserialize(using = DurationText.Deserializer.class)
  Duration learningPeriod;

  @JsonProperty("baseline_half_life")
  @JsonDeserialize(using = DurationText.Deserializer.class)
  Duration baselineHalfLife;

  @JsonProperty("reset_period")
  @JsonDeserialize(using = DurationText.Deserializer.class)
  Duration resetPeriod;

  private final String prefix;

  SpikeKeys(String section) {
    this.prefix = BehaviourConfig.SECTION + "." + section + ".";
  }

  /** The section with its defaults applied and its values checked. */
  abstract C toConfig();

  /** The name of a key in messages: {@code detectors.behaviour.<section>.<key>}. */
  final String property(String key) {
    return prefix + key;
  }

  /**
   * The shared keys checked, with this section's already checked floor.
   *
   * @param sustain the section's {@code sustain} as bound (null: 0)
   */
  final SpikeConfig spike(double floor, double defaultFactor, Duration sustain) {
    double factor = Check.atLeast(Check.or(minFactor, defaultFactor), 1.0, property("min_factor"));
    return new SpikeConfig(Check.or(enabled, true), floor, factor,
        Check.notNegative(Check.or(sustain, Duration.ZERO), property("sustain")),
        Check.notNegative(Check.or(learningPeriod, Duration.ofSeconds(60)), property("learning_period")),
        Check.positive(Check.or(baselineHalfLife, Duration.ofMinutes(30)), property("baseline_half_life")),
        Check.positive(Check.or(resetPeriod, Duration.ofSeconds(60)), property("reset_period")));
  }

  /** A section whose spike must hold for {@code sustain} before it alerts. */
  abstract static class Sustained extends SpikeKeys<SpikeConfig> {

    @JsonProperty("sustain")
    @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration sustain;

    Sustained(String section) {
      super(section);
    }
  }

  /** {@code egress_spike}: the transmit rate, floor {@code min_bytes_per_second}. */
  static final class Egress extends Sustained {

    @JsonProperty("min_bytes_per_second")
    Double minBytesPerSecond;

    Egress() {
      super(EgressSpikeDetector.NAME);
    }

    @Override
    SpikeConfig toConfig() {
      double floor = Check.atLeast(Check.or(minBytesPerSecond, 10_000_000.0), 1.0, property("min_bytes_per_second"));
      return spike(floor, 10.0, sustain);
    }
  }

  /** {@code process_count_spike}: the task count, floor {@code min_processes}. */
  static final class ProcessCount extends Sustained {

    @JsonProperty("min_processes")
    Integer minProcesses;

    ProcessCount() {
      super(ProcessCountSpikeDetector.NAME);
    }

    @Override
    SpikeConfig toConfig() {
      return spike(Check.atLeast(Check.or(minProcesses, 100), 2, property("min_processes")), 4.0, sustain);
    }
  }

  /** {@code exec_rate_spike}: process starts in a sliding window, floor {@code min_execs}; no sustain. */
  static final class ExecRate extends SpikeKeys<ExecRateSpikeConfig> {

    @JsonProperty("window")
    @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration window;

    @JsonProperty("min_execs")
    Integer minExecs;

    ExecRate() {
      super(ExecRateSpikeDetector.NAME);
    }

    @Override
    ExecRateSpikeConfig toConfig() {
      Duration w = Check.or(window, Duration.ofSeconds(60));
      if (w.toMillis() < 6) {
        throw new IllegalArgumentException(property("window") + " must be at least 6ms, got " + w);
      }
      int floor = Check.atLeast(Check.or(minExecs, 100), 2, property("min_execs"));
      return new ExecRateSpikeConfig(w, spike(floor, 10.0, null));
    }
  }

  /**
   * Jackson's hook from a bound section to its config: {@code @JsonDeserialize(converter = ...)} on the
   * {@link BehaviourConfig} component. A validation failure propagates as the {@code IllegalArgumentException} it
   * is, which {@link dev.vigil.common.ConfigBinding} reports as its message.
   */
  abstract static class Binding<K extends SpikeKeys<C>, C> extends StdConverter<K, C> {
    @Override
    public C convert(K keys) {
      return keys.toConfig();
    }
  }

  static final class EgressBinding extends Binding<Egress, SpikeConfig> {}

  static final class ProcessCountBinding extends Binding<ProcessCount, SpikeConfig> {}

  static final class ExecRateBinding extends Binding<ExecRate, ExecRateSpikeConfig> {}
}
