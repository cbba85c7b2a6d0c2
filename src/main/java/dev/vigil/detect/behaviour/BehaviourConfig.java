package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.ConfigBinding;
import dev.vigil.common.DurationText;
import java.time.Duration;
import java.util.List;

/**
 * The {@code behaviour} entry of the configuration file's {@code detectors:} section: a master switch, the bounds
 * every behavioural detector's state obeys, images to leave alone, and one section per behavioural detector. Every
 * property is optional (a missing one takes its default, a missing section is that detector's defaults), property
 * names are snake_case, and durations read as {@code 30s}, {@code 2m}, {@code 500ms} or ISO-8601. Invalid values
 * fail with a message naming the property ({@code detectors.behaviour.port_scan.window ...}). Immutable.
 *
 * <pre>{@code
 * detectors:
 *   behaviour:
 *     ignore_images: [registry.example.com/ci/*]
 *     port_scan: {min_distinct_ports: 25, window: 30s}
 *     crypto_mining: {cpu_threshold_percent: 90, sustain: 1m}
 *     new_listen_port: {enabled: false}
 * }</pre>
 *
 * @param enabled false switches every behavioural detector off
 * @param maxContainers containers each detector keeps state for at most; the least recently seen is dropped and
 *     counted as {@code vigil.detector.evicted} (default 4096)
 * @param maxWorkloads image+command baselines kept at most (default 1024)
 * @param stateIdle a container's state is dropped after this long without an event of it (default 10m)
 * @param ignoreImages images no detector looks at: {@code repo}, {@code repo:tag}, or a prefix ending in {@code *}
 */
public record BehaviourConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("max_containers") Integer maxContainers,
    @JsonProperty("max_workloads") Integer maxWorkloads,
    @JsonProperty("state_idle") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration stateIdle,
    @JsonProperty("ignore_images") List<String> ignoreImages,
    @JsonProperty("port_scan") PortScanConfig portScan,
    @JsonProperty("crypto_mining") CryptoMiningConfig cryptoMining,
    @JsonProperty("egress_spike") @JsonDeserialize(converter = SpikeKeys.EgressBinding.class)
    SpikeConfig egressSpike,
    @JsonProperty("process_count_spike") @JsonDeserialize(converter = SpikeKeys.ProcessCountBinding.class)
    SpikeConfig processCountSpike,
    @JsonProperty("exec_rate_spike") @JsonDeserialize(converter = SpikeKeys.ExecRateBinding.class)
    ExecRateSpikeConfig execRateSpike,
    @JsonProperty("new_listen_port") NewListenPortConfig newListenPort) {

  /** Where this section sits in the configuration file. */
  public static final String SECTION = "detectors.behaviour";

  public BehaviourConfig {
    enabled = enabled == null || enabled;
    maxContainers = maxContainers == null ? 4096 : maxContainers;
    if (maxContainers < 1) {
      throw new IllegalArgumentException(SECTION + ".max_containers must be at least 1, got " + maxContainers);
    }
    maxWorkloads = maxWorkloads == null ? 1024 : maxWorkloads;
    if (maxWorkloads < 1) {
      throw new IllegalArgumentException(SECTION + ".max_workloads must be at least 1, got " + maxWorkloads);
    }
    stateIdle = stateIdle == null ? Duration.ofMinutes(10) : stateIdle;
    if (stateIdle.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(SECTION + ".state_idle must be at least 1m (several stats intervals), got "
          + stateIdle);
    }
    ignoreImages = ignoreImages == null ? List.of() : List.copyOf(ignoreImages);
    for (String p : ignoreImages) {
      if (p.isBlank() || p.equals("*")) {
        throw new IllegalArgumentException(SECTION + ".ignore_images must not hold '" + p
            + "' (use enabled: false to switch the detectors off)");
      }
    }
    portScan = portScan == null ? PortScanConfig.defaults() : portScan;
    cryptoMining = cryptoMining == null ? CryptoMiningConfig.defaults() : cryptoMining;
    egressSpike = egressSpike == null ? SpikeConfig.egressDefaults() : egressSpike;
    processCountSpike = processCountSpike == null ? SpikeConfig.processCountDefaults() : processCountSpike;
    execRateSpike = execRateSpike == null ? ExecRateSpikeConfig.defaults() : execRateSpike;
    newListenPort = newListenPort == null ? NewListenPortConfig.defaults() : newListenPort;
  }

  /** Every detector on, with its defaults. */
  public static BehaviourConfig defaults() {
    return new BehaviourConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * Binds the raw {@code detectors.behaviour} node of the configuration file (null or missing: the defaults).
   *
   * @throws IllegalArgumentException with a one-line message naming the key: an unknown key (with the known ones),
   *     a value of the wrong type, or a failed validation
   */
  public static BehaviourConfig bind(JsonNode node) {
    return ConfigBinding.bind(node == null || node.isMissingNode() ? null : node, BehaviourConfig.class, SECTION);
  }
}
