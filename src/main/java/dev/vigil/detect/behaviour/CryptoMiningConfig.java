package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the crypto-mining detector ({@code detectors.behaviour.crypto_mining}). Every property is optional.
 *
 * @param cpuThresholdPercent CPU use, in percent of the container's CPU limit when that is below one core, else of
 *     one core, that counts as busy (default 80)
 * @param sustain how long CPU must stay busy (default 30s): a streak of samples that starts at the threshold, may dip
 *     down to the threshold minus {@code hysteresis_percent} (default 20) and averages at least the threshold
 * @param learningPeriod how long a container's CPU is averaged into its baseline before it can alert (default 60s)
 * @param minRisePercent how far above its baseline (in points of the same percent) busy CPU must be to depart from
 *     it (default 50); below {@code cpu_threshold_percent}. A container at or above threshold minus rise (30 % by
 *     default) in most of its learning samples is a batch job and never departs
 * @param baselineHalfLife how fast the baseline follows the container after learning (default 30m)
 * @param resetPeriod an episode ends after this long with CPU below the threshold and no new evidence (default 60s)
 * @param evidenceWindow how long a miner name, pool argument or pool connection counts as evidence (default 10m)
 * @param minIndicators evidence items needed for an alert without a CPU departure (default 2): busy CPU that does not
 *     depart from the baseline, a miner's name, pool arguments, a connection to a pool port
 * @param minerNames process names of known miners
 * @param poolMarkers argument text that names a mining pool ({@code stratum+tcp://}, ...), matched case-insensitively
 * @param poolPorts ports of well-known mining pools; a connection to one is evidence, never an alert by itself
 */
public record CryptoMiningConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("cpu_threshold_percent") Double cpuThresholdPercent,
    @JsonProperty("sustain") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration sustain,
    @JsonProperty("learning_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration learningPeriod,
    @JsonProperty("min_rise_percent") Double minRisePercent,
    @JsonProperty("hysteresis_percent") Double hysteresisPercent,
    @JsonProperty("baseline_half_life") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration baselineHalfLife,
    @JsonProperty("reset_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration resetPeriod,
    @JsonProperty("evidence_window") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration evidenceWindow,
    @JsonProperty("min_indicators") Integer minIndicators,
    @JsonProperty("miner_names") List<String> minerNames,
    @JsonProperty("pool_markers") List<String> poolMarkers,
    @JsonProperty("pool_ports") List<Integer> poolPorts) {

  private static final String P = "detectors.behaviour.crypto_mining.";

  /** The same names as the default rules' {@code miner_binaries} list. */
  public static final List<String> DEFAULT_MINER_NAMES = List.of("xmrig", "xmrig-notls", "minerd", "cpuminer",
      "cpuminer-multi", "xmr-stak", "xmr-stak-cpu", "ethminer", "cgminer", "bfgminer", "nbminer", "t-rex", "lolminer",
      "phoenixminer", "nanominer", "ccminer", "srbminer", "teamredminer", "gminer", "kdevtmpfsi", "kinsing");
  public static final List<String> DEFAULT_POOL_MARKERS = List.of("stratum+tcp://", "stratum+ssl://",
      "stratum+tls://", "stratum1+tcp://", "stratum2+tcp://", "stratum2+ssl://", "--donate-level", "--coin=");
  /** The same ports as the default rules' {@code miner_pool_ports} list. */
  public static final List<Integer> DEFAULT_POOL_PORTS = List.of(3333, 4444, 5555, 6666, 7777, 8888, 9999, 14433,
      14444, 45560, 45700);

  public CryptoMiningConfig {
    enabled = Check.or(enabled, true);
    cpuThresholdPercent = Check.atLeast(Check.or(cpuThresholdPercent, 80.0), 1.0, P + "cpu_threshold_percent");
    sustain = Check.notNegative(Check.or(sustain, Duration.ofSeconds(30)), P + "sustain");
    learningPeriod = Check.notNegative(Check.or(learningPeriod, Duration.ofSeconds(60)), P + "learning_period");
    minRisePercent = Check.atLeast(Check.or(minRisePercent, 50.0), 0.0, P + "min_rise_percent");
    hysteresisPercent = Check.atLeast(Check.or(hysteresisPercent, 20.0), 0.0, P + "hysteresis_percent");
    baselineHalfLife = Check.positive(Check.or(baselineHalfLife, Duration.ofMinutes(30)), P + "baseline_half_life");
    resetPeriod = Check.positive(Check.or(resetPeriod, Duration.ofSeconds(60)), P + "reset_period");
    evidenceWindow = Check.positive(Check.or(evidenceWindow, Duration.ofMinutes(10)), P + "evidence_window");
    minIndicators = Check.atLeast(Check.or(minIndicators, 2), 1, P + "min_indicators");
    minerNames = Check.words(Check.or(minerNames, DEFAULT_MINER_NAMES), P + "miner_names");
    poolMarkers = Check.words(Check.or(poolMarkers, DEFAULT_POOL_MARKERS), P + "pool_markers");
    poolPorts = Check.ports(Check.or(poolPorts, DEFAULT_POOL_PORTS), P + "pool_ports");
    if (hysteresisPercent >= cpuThresholdPercent) {
      throw new IllegalArgumentException(P + "hysteresis_percent (" + hysteresisPercent
          + ") must be below cpu_threshold_percent (" + cpuThresholdPercent + ")");
    }
    if (minRisePercent >= cpuThresholdPercent) {
      throw new IllegalArgumentException(P + "min_rise_percent (" + minRisePercent
          + ") must be below cpu_threshold_percent (" + cpuThresholdPercent + ")");
    }
  }

  public static CryptoMiningConfig defaults() {
    return new CryptoMiningConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public static CryptoMiningConfig disabled() {
    return new CryptoMiningConfig(false, null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
