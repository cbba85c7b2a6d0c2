package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The egress and process-count spike detectors, which share {@link StatsSpikeDetector}. */
class StatsSpikeDetectorsTest {

  private static final double KB = 1000;
  private static final double MB = 1000 * 1000;

  private final Fixture f = new Fixture();
  private final ContainerRef c = f.container("app");

  private EgressSpikeDetector egress() {
    return egress(SpikeConfig.egressDefaults());
  }

  /** The egress defaults, but a spike must hold for {@code sustain}. */
  private static SpikeConfig egressSustained(Duration sustain) {
    SpikeConfig d = SpikeConfig.egressDefaults();
    return new SpikeConfig(true, d.floor(), d.minFactor(), sustain, d.learningPeriod(), d.baselineHalfLife(),
        d.resetPeriod());
  }

  private EgressSpikeDetector egress(SpikeConfig cfg) {
    EgressSpikeDetector d = new EgressSpikeDetector(cfg, f.context());
    f.feed(d, f.lifecycle(c, "start"));
    return d;
  }

  private void tx(StatsSpikeDetector d, ContainerRef who, double rate, int seconds) {
    for (int s = 0; s < seconds; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.stats(who, 1, rate, 5));
    }
  }

  private void pids(StatsSpikeDetector d, long n, int seconds) {
    for (int s = 0; s < seconds; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.stats(c, 1, 0, n));
    }
  }

  @Test
  void egress_spikeAboveFloorAndFactor_alertsOnTheFirstSample() {
    EgressSpikeDetector d = egress();
    tx(d, c, 2 * KB, 60);
    assertThat(f.alerts).isEmpty();
    tx(d, c, 80 * MB, 5);
    assertThat(f.alerts).hasSize(1);
    Alert a = f.alerts.get(0);
    assertThat(a.rule()).isEqualTo(EgressSpikeDetector.RULE);
    assertThat(a.priority()).isEqualTo(Priority.WARNING);
    assertThat(a.tags()).contains("mitre_exfiltration", "T1048", "T1041");
    assertThat(a.outputFields()).containsEntry("vigil.net.tx_rate", 80_000_000L)
        .containsEntry("vigil.net.tx_baseline", 2000L)
        .containsEntry("vigil.spike.factor", 40000.0)
        .containsEntry("container.name", "app");
    assertThat(a.output()).contains("tx=80.0 MB/s", "baseline=2.0 kB/s", "container=app");
  }

  @Test
  void egress_belowTheFloor_orBelowTheFactor_isQuiet() {
    EgressSpikeDetector d = egress();
    tx(d, c, 100 * KB, 60);
    tx(d, c, 9 * MB, 30); // 90x the baseline, but under 10 MB/s
    assertThat(f.alerts).isEmpty();

    ContainerRef busy = f.container("busy");
    f.feed(d, f.lifecycle(busy, "start"));
    tx(d, busy, 5 * MB, 60);
    tx(d, busy, 40 * MB, 30); // above the floor, but 8x the baseline
    assertThat(f.alerts).isEmpty();
    tx(d, busy, 60 * MB, 5);
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void egress_heavyFromTheStart_isItsBaseline() {
    EgressSpikeDetector d = egress();
    tx(d, c, 50 * MB, 900); // a backup job streaming its archive from its first second
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void egress_oneAlertPerEpisode_resetAndRearm() {
    EgressSpikeDetector d = egress();
    tx(d, c, 1 * KB, 60);
    tx(d, c, 100 * MB, 60);
    assertThat(f.alerts).hasSize(1);
    tx(d, c, 1 * KB, 55);
    tx(d, c, 100 * MB, 5); // within the reset period
    assertThat(f.alerts).hasSize(1);
    tx(d, c, 1 * KB, 60);
    tx(d, c, 100 * MB, 5);
    assertThat(f.alerts).hasSize(2);
  }

  @Test
  void egress_spikesDoNotTeachTheBaseline() {
    EgressSpikeDetector d = egress();
    tx(d, c, 1 * KB, 60);
    tx(d, c, 100 * MB, 600);
    tx(d, c, 1 * KB, 60);
    tx(d, c, 100 * MB, 5);
    assertThat(f.alerts).hasSize(2);
    assertThat(f.alerts.get(1).outputFields().get("vigil.net.tx_baseline")).isEqualTo(1000L);
  }

  @Test
  void egress_sustainConfigured_needsConsecutiveSpikes() {
    EgressSpikeDetector d = egress(egressSustained(Duration.ofSeconds(10)));
    tx(d, c, 1 * KB, 60);
    tx(d, c, 100 * MB, 5);
    tx(d, c, 1 * KB, 5);
    tx(d, c, 100 * MB, 10);
    assertThat(f.alerts).isEmpty();
    tx(d, c, 100 * MB, 5);
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.spike.sustained_s", 10L);
  }

  @Test
  void egress_containerGoneMidSpike_losesItsState() {
    EgressSpikeDetector d = egress(egressSustained(Duration.ofSeconds(10)));
    tx(d, c, 1 * KB, 60);
    tx(d, c, 100 * MB, 5);
    f.feed(d, f.lifecycle(c, "die"));
    assertThat(d.tracked()).isZero();
    tx(d, c, 100 * MB, 30); // stats after the die (a late poll): a fresh state, learning
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void egress_stateIsBounded_andIdleStateExpires() {
    EgressSpikeDetector d = new EgressSpikeDetector(SpikeConfig.egressDefaults(), f.context(3));
    for (int i = 0; i < 5; i++) {
      f.feed(d, f.stats(f.container("c" + i), 1, 0, 1));
    }
    assertThat(d.tracked()).isEqualTo(3);
    assertThat(f.counter("evicted", "egress_spike")).isEqualTo(2);
    f.advance(Duration.ofMinutes(11));
    f.feed(d, f.stats(c, 1, 0, 1));
    assertThat(d.tracked()).isEqualTo(1);
  }

  @Test
  void processCount_forkBomb_alerts_steadyWorkersDoNot() {
    ProcessCountSpikeDetector d = new ProcessCountSpikeDetector(SpikeConfig.processCountDefaults(), f.context());
    f.feed(d, f.lifecycle(c, "start"));
    pids(d, 12, 60);
    pids(d, 40, 30); // more than 3x, but below the floor of 100
    assertThat(f.alerts).isEmpty();
    pids(d, 900, 5);
    assertThat(f.alerts).hasSize(1);
    Alert a = f.alerts.get(0);
    assertThat(a.rule()).isEqualTo(ProcessCountSpikeDetector.RULE);
    assertThat(a.tags()).contains("T1499");
    assertThat(a.outputFields()).containsEntry("vigil.proc.count", 900L);
    // learned 12; the 40-task samples (not a spike) moved it a little, with the 30-minute half-life
    assertThat((Double) a.outputFields().get("vigil.proc.baseline")).isBetween(12.1, 12.5);
    pids(d, 1000, 60);
    assertThat(f.alerts).hasSize(1);

    ContainerRef jvm = f.container("jvm");
    f.feed(d, f.lifecycle(jvm, "start"));
    for (int s = 0; s < 600; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.stats(jvm, 1, 0, 180 + s % 20)); // a JVM's threads from the start
    }
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void processCount_rearmsAfterTheResetPeriod() {
    ProcessCountSpikeDetector d = new ProcessCountSpikeDetector(new SpikeConfig(true, 50, 2.0, Duration.ZERO,
        Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofSeconds(20)), f.context());
    f.feed(d, f.lifecycle(c, "start"));
    pids(d, 10, 30);
    pids(d, 60, 5);
    pids(d, 10, 15);
    pids(d, 60, 5);
    assertThat(f.alerts).hasSize(1);
    pids(d, 10, 20);
    pids(d, 60, 5);
    assertThat(f.alerts).hasSize(2);
  }
}
