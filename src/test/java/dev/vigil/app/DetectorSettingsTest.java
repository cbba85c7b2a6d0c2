package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

class DetectorSettingsTest {

  private static JsonNode yaml(String text) throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(text);
  }

  @Test
  void missingSection_meansEveryDetectorsDefaults() {
    DetectorSettings d = DetectorSettings.from(null);
    assertThat(d.logSignatures()).isEqualTo(dev.vigil.detect.logsig.LogSignatureConfig.defaults());
    assertThat(d.anomaly()).isEqualTo(dev.vigil.detect.baseline.AnomalyConfig.defaults());
    assertThat(d.behaviour()).isEqualTo(dev.vigil.detect.behaviour.BehaviourConfig.defaults());
  }

  @Test
  void sectionsBindToEachDetector() throws Exception {
    DetectorSettings d = DetectorSettings.from(yaml("log_signatures:\n  enabled: false\nanomaly:\n  enabled: false\n"));
    assertThat(d.logSignatures().enabled()).isFalse();
    assertThat(d.anomaly().enabled()).isFalse();
    DetectorSettings b = DetectorSettings.from(yaml("behaviour:\n  port_scan: {min_distinct_ports: 25}\n"));
    assertThat(b.behaviour().portScan().minDistinctPorts()).isEqualTo(25);
    assertThat(b.behaviour().cryptoMining().enabled()).isTrue();
  }

  @Test
  void unknownDetectorOrKey_isAOneLineErrorNamingIt() throws Exception {
    assertThatThrownBy(() -> DetectorSettings.from(yaml("anomoly:\n  enabled: false\n")))
        .hasMessageContaining("unknown detector 'anomoly'").hasMessageContaining("anomaly");
    assertThatThrownBy(() -> DetectorSettings.from(yaml("log_signatures:\n  enabeld: false\n")))
        .hasMessageStartingWith("detectors.log_signatures: unknown key 'enabeld'");
    assertThatThrownBy(() -> DetectorSettings.from(yaml("behaviour:\n  port_scan: {window: 0s}\n")))
        .hasMessageStartingWith("detectors.behaviour.port_scan.window must be a positive duration");
    assertThatThrownBy(() -> DetectorSettings.from(yaml("- a\n"))).hasMessageContaining("expected a mapping");
  }
}
