package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The three spike sections of {@code detectors.behaviour}, bound through {@link SpikeKeys} into {@link SpikeConfig}:
 * the keys users write and their defaults (docs/DETECTORS.md), the keys they share, and the keys that belong to one
 * section only.
 */
class SpikeConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static BehaviourConfig read(String sections) throws Exception {
    return BehaviourConfig.bind(YAML.readTree("behaviour:\n" + sections.indent(2)).path("behaviour"));
  }

  @Test
  void defaults_asDocumented() {
    assertThat(SpikeConfig.egressDefaults()).isEqualTo(new SpikeConfig(true, 10_000_000, 10, Duration.ZERO,
        Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofSeconds(60)));
    assertThat(SpikeConfig.processCountDefaults()).isEqualTo(new SpikeConfig(true, 100, 4, Duration.ZERO,
        Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofSeconds(60)));
    assertThat(ExecRateSpikeConfig.defaults()).isEqualTo(new ExecRateSpikeConfig(Duration.ofSeconds(60),
        new SpikeConfig(true, 100, 10, Duration.ZERO, Duration.ofSeconds(60), Duration.ofMinutes(30),
            Duration.ofSeconds(60))));
    assertThat(ExecRateSpikeConfig.disabled().spike().enabled()).isFalse();
    assertThat(ExecRateSpikeConfig.disabled().spike().floor()).isEqualTo(100);
  }

  @Test
  void missingOrEmptySections_areTheDefaults() throws Exception {
    BehaviourConfig c = read("egress_spike: {}\nprocess_count_spike:\n");
    assertThat(c.egressSpike()).isEqualTo(SpikeConfig.egressDefaults());
    assertThat(c.processCountSpike()).isEqualTo(SpikeConfig.processCountDefaults());
    assertThat(c.execRateSpike()).isEqualTo(ExecRateSpikeConfig.defaults());
  }

  @Test
  void sharedKeys_bindAlikeInEverySection() throws Exception {
    String shared = "{enabled: false, min_factor: 3, learning_period: 2m, baseline_half_life: 1h, reset_period: 90s}";
    BehaviourConfig c = read("egress_spike: " + shared + "\nprocess_count_spike: " + shared
        + "\nexec_rate_spike: " + shared + "\n");
    for (SpikeConfig s : new SpikeConfig[] {c.egressSpike(), c.processCountSpike(), c.execRateSpike().spike()}) {
      assertThat(s.enabled()).isFalse();
      assertThat(s.minFactor()).isEqualTo(3.0);
      assertThat(s.learningPeriod()).isEqualTo(Duration.ofMinutes(2));
      assertThat(s.baselineHalfLife()).isEqualTo(Duration.ofHours(1));
      assertThat(s.resetPeriod()).isEqualTo(Duration.ofSeconds(90));
    }
    assertThat(c.egressSpike().floor()).isEqualTo(10_000_000.0);
    assertThat(c.processCountSpike().floor()).isEqualTo(100.0);
    assertThat(c.execRateSpike().spike().floor()).isEqualTo(100.0);
  }

  @Test
  void eachSectionsOwnKeys() throws Exception {
    BehaviourConfig c = read("""
        egress_spike: {min_bytes_per_second: 2e6, sustain: 15s}
        process_count_spike: {min_processes: 250, sustain: 1m}
        exec_rate_spike: {min_execs: 40, window: 30s}
        """);
    assertThat(c.egressSpike().floor()).isEqualTo(2e6);
    assertThat(c.egressSpike().sustain()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.processCountSpike().floor()).isEqualTo(250.0);
    assertThat(c.processCountSpike().sustain()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.execRateSpike().spike().floor()).isEqualTo(40.0);
    assertThat(c.execRateSpike().window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.execRateSpike().spike().sustain()).isZero();
  }

  @Test
  void anotherSectionsKey_isUnknown_listingThisSectionsKeys() {
    String shared = "baseline_half_life, enabled, learning_period, ";
    refused("egress_spike: {min_processes: 5}", "unknown key 'min_processes' in detectors.behaviour.egress_spike "
        + "(allowed: " + shared + "min_bytes_per_second, min_factor, reset_period, sustain)");
    refused("process_count_spike: {min_bytes_per_second: 5}", "unknown key 'min_bytes_per_second' in "
        + "detectors.behaviour.process_count_spike (allowed: " + shared
        + "min_factor, min_processes, reset_period, sustain)");
    refused("exec_rate_spike: {sustain: 1s}", "unknown key 'sustain' in detectors.behaviour.exec_rate_spike "
        + "(allowed: " + shared + "min_execs, min_factor, reset_period, window)");
  }

  @Test
  void invalidValues_nameTheSectionAndKey_firstInKeyOrder() {
    String[][] cases = {
        {"process_count_spike: {min_processes: 1}", "process_count_spike.min_processes must be at least 2, got 1"},
        {"process_count_spike: {min_processes: lots}",
            "process_count_spike.min_processes: 'lots' is not a whole number"},
        {"egress_spike: {min_bytes_per_second: 0.5}",
            "egress_spike.min_bytes_per_second must be a number of at least 1.0, got 0.5"},
        {"egress_spike: {min_factor: 0.5, sustain: -1s}", "egress_spike.min_factor must be a number of at least 1.0"},
        {"egress_spike: {sustain: -1s, reset_period: 0s}", "egress_spike.sustain must not be negative, got PT-1S"},
        {"process_count_spike: {learning_period: -1s}", "process_count_spike.learning_period must not be negative"},
        {"exec_rate_spike: {baseline_half_life: 0s}", "exec_rate_spike.baseline_half_life must be a positive duration"},
        {"exec_rate_spike: {reset_period: -5s}", "exec_rate_spike.reset_period must be a positive duration, got PT-5S"},
        {"exec_rate_spike: {window: 1ms, min_execs: 1}", "exec_rate_spike.window must be at least 6ms, got PT0.001S"},
        {"exec_rate_spike: {min_execs: 1, min_factor: 0}", "exec_rate_spike.min_execs must be at least 2, got 1"},
    };
    for (String[] c : cases) {
      refused(c[0], "detectors.behaviour." + c[1]);
    }
  }

  /** Binding {@code section} fails with a message that starts with {@code message}. */
  private static void refused(String section, String message) {
    assertThatThrownBy(() -> read(section)).as(section).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void withEnabled_changesOnlyTheSwitch() {
    SpikeConfig off = SpikeConfig.processCountDefaults().withEnabled(false);
    assertThat(off.enabled()).isFalse();
    assertThat(off.withEnabled(true)).isEqualTo(SpikeConfig.processCountDefaults());
  }
}
