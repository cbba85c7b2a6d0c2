package dev.vigil.detect.behaviour;

import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.StatsSample;
import java.util.Locale;

/**
 * A container suddenly transmitting far more than it normally does: the transmit rate of the stats samples against
 * the container's baseline, with an absolute floor (10 MB/s by default) so a quiet container's first HTTP response
 * is not a spike. Exfiltration moves data out in bulk, over whatever protocol; this sees the volume, not the
 * protocol, so it is tagged with both exfiltration techniques.
 */
public final class EgressSpikeDetector extends StatsSpikeDetector {

  /** The alert's rule name. */
  public static final String RULE = "Egress spike from container";
  static final String NAME = "egress_spike";

  /** @param cfg {@code detectors.behaviour.egress_spike}: its floor is a transmit rate in bytes per second */
  public EgressSpikeDetector(SpikeConfig cfg, DetectorContext ctx) {
    super(NAME, RULE, cfg, ctx);
  }

  @Override
  double value(StatsSample s) {
    return s.txRate();
  }

  @Override
  void describe(StatsSample s, double value, double baseline, DetectorAlert alert) {
    ContainerRef ref = s.container();
    alert.tags("container", "network", "mitre_exfiltration", "T1048", "T1041")
        .field("vigil.net.tx_rate", Math.round(value))
        .field("vigil.net.tx_baseline", Math.round(baseline))
        .field("vigil.net.tx_bytes", s.txBytes())
        .field("vigil.net.rx_rate", Math.round(s.rxRate()))
        .field("vigil.spike.factor", baseline > 0 ? Math.round(value / baseline * 10) / 10.0 : null)
        .output("Egress spike from container (tx=" + rate(value) + " baseline=" + rate(baseline) + " sent="
            + bytes(s.txBytes()) + " container=" + ref.name() + " image=" + ref.image() + ")");
  }

  static String rate(double bytesPerSecond) {
    return bytes(bytesPerSecond) + "/s";
  }

  /** Decimal units, as network rates are quoted: {@code 12.3 MB}. */
  static String bytes(double b) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1000 && u < units.length - 1) {
      b /= 1000;
      u++;
    }
    return u == 0 ? Math.round(b) + " B" : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
  }
}
