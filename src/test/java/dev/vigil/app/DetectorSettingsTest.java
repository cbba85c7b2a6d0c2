package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.common.ConfigBinding;
import org.junit.jupiter.api.Test;

class DetectorSettingsTest {

  private static DetectorSettings bind(String yaml) throws Exception {
    return ConfigBinding.bind(new ObjectMapper(new YAMLFactory()).readTree(yaml), DetectorSettings.class,
        "detectors");
  }

  @Test
  void missingSection_meansEveryDetectorsDefaults() throws Exception {
    DetectorSettings d = DetectorSettings.defaults();
    assertThat(d.logSignatures()).isEqualTo(dev.vigil.detect.logsig.LogSignatureConfig.defaults());
    assertThat(d.anomaly()).isEqualTo(dev.vigil.detect.baseline.AnomalyConfig.defaults());
    assertThat(d.behaviour()).isEqualTo(dev.vigil.detect.behaviour.BehaviourConfig.defaults());
    assertThat(bind("{}")).isEqualTo(d);
    assertThat(ConfigFile.empty().detectorSettings()).isEqualTo(d);
  }

  @Test
  void sectionsBindToEachDetector() throws Exception {
    DetectorSettings d = bind("log_signatures:\n  enabled: false\nanomaly:\n  enabled: false\n");
    assertThat(d.logSignatures().enabled()).isFalse();
    assertThat(d.anomaly().enabled()).isFalse();
    DetectorSettings b = bind("behaviour:\n  port_scan: {min_distinct_ports: 25}\n");
    assertThat(b.behaviour().portScan().minDistinctPorts()).isEqualTo(25);
    assertThat(b.behaviour().cryptoMining().enabled()).isTrue();
  }

  @Test
  void unknownDetectorOrKey_isAOneLineErrorNamingIt() {
    assertThatThrownBy(() -> bind("anomoly:\n  enabled: false\n"))
        .hasMessageStartingWith("unknown key 'anomoly' in detectors; did you mean 'anomaly'?");
    assertThatThrownBy(() -> bind("log_signatures:\n  enabeld: false\n"))
        .hasMessageStartingWith("unknown key 'enabeld' in detectors.log_signatures; did you mean 'enabled'?");
    assertThatThrownBy(() -> bind("behaviour:\n  port_scan: {window: 0s}\n"))
        .hasMessageStartingWith("detectors.behaviour.port_scan.window must be a positive duration");
    assertThatThrownBy(() -> bind("- a\n")).hasMessageStartingWith("detectors: ");
  }
}
