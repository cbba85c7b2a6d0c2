package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code detectors.behaviour} section as the configuration file loader reads it (Jackson over YAML). */
class BehaviourConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static BehaviourConfig read(String yaml) throws Exception {
    JsonNode root = YAML.readTree(yaml);
    return BehaviourConfig.bind(root.path("behaviour"));
  }

  @Test
  void emptyOrMissingSection_isTheDefaults() throws Exception {
    assertThat(read("other: 1\n")).isEqualTo(BehaviourConfig.defaults());
    assertThat(read("behaviour:\n")).isEqualTo(BehaviourConfig.defaults());
    BehaviourConfig c = read("behaviour: {}\n");
    assertThat(c).isEqualTo(BehaviourConfig.defaults());
    assertThat(c.enabled()).isTrue();
    assertThat(c.maxContainers()).isEqualTo(4096);
    assertThat(c.stateIdle()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.portScan().window()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.portScan().minDistinctPorts()).isEqualTo(40);
    assertThat(c.portScan().minFailedAttempts()).isEqualTo(150);
    assertThat(c.cryptoMining().cpuThresholdPercent()).isEqualTo(80.0);
    assertThat(c.cryptoMining().sustain()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.cryptoMining().hysteresisPercent()).isEqualTo(20.0);
    assertThat(c.cryptoMining().poolPorts()).contains(3333, 14444);
    assertThat(c.egressSpike().floor()).isEqualTo(10_000_000.0);
    assertThat(c.newListenPort().learningPeriod()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void snakeCaseProperties_partialSections_andHumanDurations() throws Exception {
    BehaviourConfig c = read("""
        behaviour:
          max_containers: 100
          state_idle: 15m
          ignore_images: [registry.example.com/ci/*, postgres:16]
          port_scan:
            min_distinct_ports: 25
            window: 30s
            quiet_period: PT2M
          crypto_mining:
            cpu_threshold_percent: 90
            sustain: 45
            miner_names: [xmrig, mysterybin]
          egress_spike: {min_bytes_per_second: 5e6, sustain: 1500ms}
          exec_rate_spike: {enabled: false}
          new_listen_port: {include_udp: true, ignore_ports: [9229]}
        """);
    assertThat(c.maxContainers()).isEqualTo(100);
    assertThat(c.stateIdle()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.ignoreImages()).containsExactly("registry.example.com/ci/*", "postgres:16");
    assertThat(c.portScan().minDistinctPorts()).isEqualTo(25);
    assertThat(c.portScan().window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.portScan().quietPeriod()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.portScan().minFailedAttempts()).isEqualTo(150); // untouched: default
    assertThat(c.cryptoMining().cpuThresholdPercent()).isEqualTo(90.0);
    assertThat(c.cryptoMining().sustain()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.cryptoMining().minerNames()).containsExactly("xmrig", "mysterybin");
    assertThat(c.cryptoMining().poolMarkers()).isEqualTo(CryptoMiningConfig.DEFAULT_POOL_MARKERS);
    assertThat(c.egressSpike().floor()).isEqualTo(5e6);
    assertThat(c.egressSpike().sustain()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.execRateSpike().spike().enabled()).isFalse();
    assertThat(c.execRateSpike().spike().floor()).isEqualTo(100.0);
    assertThat(c.newListenPort().includeUdp()).isTrue();
    assertThat(c.newListenPort().ignorePorts()).containsExactly(9229);
    assertThat(c.processCountSpike()).isEqualTo(SpikeConfig.processCountDefaults());
  }

  @Test
  void unknownProperty_isRefused_naming_it() {
    assertThatThrownBy(() -> read("behaviour:\n  port_scan:\n    min_distinct_port: 25\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key 'min_distinct_port' in detectors.behaviour.port_scan; did you mean")
        .hasMessageContaining("min_distinct_ports");
  }

  @Test
  void invalidValues_failWithThePropertyName() {
    assertThatThrownBy(() -> read("behaviour:\n  port_scan:\n    window: 0s\n"))
        .hasMessageContaining("detectors.behaviour.port_scan.window must be a positive duration");
    assertThatThrownBy(() -> read("behaviour:\n  crypto_mining:\n    sustain: soon\n"))
        .hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(() -> read("behaviour:\n  crypto_mining:\n    pool_ports: [3333, 70000]\n"))
        .hasMessageContaining("detectors.behaviour.crypto_mining.pool_ports must hold ports from 1 to 65535");
    assertThatThrownBy(() -> read("behaviour:\n  max_containers: 0\n"))
        .hasMessageContaining("detectors.behaviour.max_containers must be at least 1");
    assertThatThrownBy(() -> read("behaviour:\n  ignore_images: ['*']\n"))
        .hasMessageContaining("use enabled: false");
    assertThatThrownBy(() -> new PortScanConfig(null, null, 600, null, null, null, 512, null))
        .hasMessageContaining("detectors.behaviour.port_scan.max_targets (512) must be at least min_distinct_ports");
    assertThatThrownBy(() -> read("behaviour:\n  crypto_mining: {cpu_threshold_percent: 40}\n"))
        .hasMessageContaining("min_rise_percent (50.0) must be below cpu_threshold_percent (40.0)");
    assertThatThrownBy(() -> read("behaviour:\n  crypto_mining: {hysteresis_percent: 80}\n"))
        .hasMessageContaining("hysteresis_percent (80.0) must be below cpu_threshold_percent (80.0)");
    assertThatThrownBy(() -> read("behaviour:\n  egress_spike:\n    min_factor: 0.5\n"))
        .hasMessageContaining("detectors.behaviour.egress_spike.min_factor must be a number of at least 1.0");
  }
}
