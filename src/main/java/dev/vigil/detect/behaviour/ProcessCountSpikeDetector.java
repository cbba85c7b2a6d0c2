package dev.vigil.detect.behaviour;

import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.StatsSample;

/**
 * A container suddenly running many more tasks than it normally does (a fork bomb, a spray of workers, a
 * brute-forcer fanning out): the stats samples' {@code pids} (processes and threads) against the container's
 * baseline, with an absolute floor so a small container going from 3 to 12 processes is not a spike.
 */
public final class ProcessCountSpikeDetector extends StatsSpikeDetector {

  /** The alert's rule name. */
  public static final String RULE = "Process count spike in container";
  static final String NAME = "process_count_spike";

  /** @param cfg {@code detectors.behaviour.process_count_spike}: its floor is a task count */
  public ProcessCountSpikeDetector(SpikeConfig cfg, DetectorContext ctx) {
    super(NAME, RULE, cfg, ctx);
  }

  @Override
  double value(StatsSample s) {
    return s.pids();
  }

  @Override
  void describe(StatsSample s, double value, double baseline, DetectorAlert alert) {
    ContainerRef ref = s.container();
    double base = Math.round(baseline * 10) / 10.0;
    alert.tags("container", "process", "mitre_impact", "T1499")
        .field("vigil.proc.count", s.pids())
        .field("vigil.proc.baseline", base)
        .output("Process count spike in container (tasks=" + s.pids() + " baseline=" + base + " container="
            + ref.name() + " image=" + ref.image() + ")");
  }
}
