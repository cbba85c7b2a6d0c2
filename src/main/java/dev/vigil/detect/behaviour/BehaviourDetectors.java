package dev.vigil.detect.behaviour;

import dev.vigil.common.Metrics;
import dev.vigil.detect.Detector;
import dev.vigil.event.ContainerDirectory;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the behavioural detectors the configuration enables, for the engine's {@code DetectorEngine}. The detectors
 * read time from the events alone (never a clock): the windows, baselines and episodes of a replayed recording then
 * unfold exactly as they did live, and tests drive time by stamping events.
 */
public final class BehaviourDetectors {

  private BehaviourDetectors() {}

  /**
   * The enabled detectors, in a fixed order: port scan, crypto-mining, egress spike, process-count spike, exec-rate
   * spike, new listening port. Empty when {@code detectors.behaviour.enabled} is false.
   *
   * @param dir the container inventory (CPU limits, commands); only {@link ContainerDirectory#find} is used
   * @param metrics where dropped state ({@code vigil.detector.evicted}), capped targets and suppressed alerts are
   *     counted, tagged with the detector's name
   */
  public static List<Detector> create(BehaviourConfig cfg, ContainerDirectory dir, Metrics metrics) {
    List<Detector> out = new ArrayList<>();
    if (!cfg.enabled()) {
      return out;
    }
    DetectorContext ctx = new DetectorContext(dir, metrics, cfg.maxContainers(), cfg.maxWorkloads(),
        cfg.stateIdle(), cfg.ignoreImages());
    if (cfg.portScan().enabled()) {
      out.add(new PortScanDetector(cfg.portScan(), ctx));
    }
    if (cfg.cryptoMining().enabled()) {
      out.add(new CryptoMiningDetector(cfg.cryptoMining(), ctx));
    }
    if (cfg.egressSpike().enabled()) {
      out.add(new EgressSpikeDetector(cfg.egressSpike(), ctx));
    }
    if (cfg.processCountSpike().enabled()) {
      out.add(new ProcessCountSpikeDetector(cfg.processCountSpike(), ctx));
    }
    if (cfg.execRateSpike().spike().enabled()) {
      out.add(new ExecRateSpikeDetector(cfg.execRateSpike(), ctx));
    }
    if (cfg.newListenPort().enabled()) {
      out.add(new NewListenPortDetector(cfg.newListenPort(), ctx));
    }
    return out;
  }
}
