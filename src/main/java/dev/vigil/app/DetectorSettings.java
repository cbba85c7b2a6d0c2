package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.ConfigBinding;
import dev.vigil.detect.baseline.AnomalyConfig;
import dev.vigil.detect.behaviour.BehaviourConfig;
import dev.vigil.detect.logsig.LogSignatureConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The {@code detectors:} section of the configuration file, bound to each detector's own record: a missing section
 * or key means that detector's defaults, an unknown detector name is an error naming the known ones.
 */
record DetectorSettings(LogSignatureConfig logSignatures, AnomalyConfig anomaly, BehaviourConfig behaviour) {

  static final Set<String> KNOWN = Set.of("log_signatures", "anomaly", "behaviour");

  /**
   * @param node the raw {@code detectors:} node, null when the file has none
   * @throws IllegalArgumentException with a one-line message naming the key
   */
  static DetectorSettings from(JsonNode node) {
    if (node != null && !node.isNull()) {
      if (!node.isObject()) {
        throw new IllegalArgumentException("detectors: expected a mapping of detector name to settings");
      }
      List<String> unknown = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
        String k = it.next();
        if (!KNOWN.contains(k)) {
          unknown.add(k);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException("detectors: unknown detector '" + unknown.get(0) + "' (known: "
            + String.join(", ", KNOWN.stream().sorted().toList()) + ")");
      }
    }
    return new DetectorSettings(
        ConfigBinding.bind(child(node, "log_signatures"), LogSignatureConfig.class, "detectors.log_signatures"),
        ConfigBinding.bind(child(node, "anomaly"), AnomalyConfig.class, "detectors.anomaly"),
        BehaviourConfig.bind(child(node, "behaviour")));
  }

  private static JsonNode child(JsonNode node, String key) {
    return node == null || node.isNull() ? null : node.get(key);
  }
}
