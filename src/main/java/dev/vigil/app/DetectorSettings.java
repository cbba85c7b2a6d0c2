package dev.vigil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.detect.baseline.AnomalyConfig;
import dev.vigil.detect.behaviour.BehaviourConfig;
import dev.vigil.detect.logsig.LogSignatureConfig;

/**
 * The {@code detectors:} section of the configuration file, one entry per detector, each bound to the detector's own
 * record when the file is loaded ({@link ConfigFile}): a missing entry means that detector's defaults, an unknown
 * detector name is an error like any unknown key. Immutable.
 */
record DetectorSettings(
    @JsonProperty("log_signatures") LogSignatureConfig logSignatures,
    @JsonProperty("anomaly") AnomalyConfig anomaly,
    @JsonProperty("behaviour") BehaviourConfig behaviour) {

  DetectorSettings {
    logSignatures = logSignatures == null ? LogSignatureConfig.defaults() : logSignatures;
    anomaly = anomaly == null ? AnomalyConfig.defaults() : anomaly;
    behaviour = behaviour == null ? BehaviourConfig.defaults() : behaviour;
  }

  /** Every detector with its defaults. */
  static DetectorSettings defaults() {
    return new DetectorSettings(null, null, null);
  }
}
