package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CryptoMiningDetectorTest {

  private final Fixture f = new Fixture();
  private final ContainerRef web = f.container("web", 0, "httpd", "-f");

  /** A detector that saw {@code web} start at T0 (its learning period starts there). */
  private CryptoMiningDetector detector() {
    return started(new CryptoMiningDetector(CryptoMiningConfig.defaults(), f.context()));
  }

  private CryptoMiningDetector started(CryptoMiningDetector d) {
    f.feed(d, f.lifecycle(web, "start"));
    return d;
  }

  /** Stats samples every 5 s at the given CPU percent, for {@code seconds}. */
  private void cpu(CryptoMiningDetector d, ContainerRef c, double percent, int seconds) {
    for (int s = 0; s < seconds; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.cpu(c, percent));
    }
  }

  @Test
  void idleContainerThatStartsBurningACore_alertsAfterTheSustainPeriod() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60); // learning: idle
    f.feed(d, f.exec(web, "md5sum", "md5sum", "/dev/zero"));
    cpu(d, web, 99, 30); // samples at +5 .. +30: busy for 25 s counted from the first busy sample
    assertThat(f.alerts).isEmpty();
    cpu(d, web, 99, 5); // 30 s since the first busy sample
    List<Alert> alerts = f.alerts(CryptoMiningDetector.RULE);
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.priority()).isEqualTo(Priority.WARNING);
    assertThat(a.tags()).contains("T1496", "mitre_impact");
    assertThat(a.outputFields()).containsEntry("vigil.mining.evidence", "cpu_above_baseline")
        .containsEntry("vigil.cpu.percent", 99.0)
        .containsEntry("vigil.cpu.use_percent", 99.0)
        .containsEntry("vigil.cpu.reference_cores", 1.0)
        .containsEntry("vigil.cpu.busy_s", 30L)
        .containsEntry("vigil.cpu.baseline_percent", 1.0)
        .containsEntry("vigil.mining.recent_procs", "md5sum")
        .containsEntry("proc.name", "md5sum")
        .containsEntry("container.name", "web");
    assertThat(a.output()).contains("evidence=cpu_above_baseline", "cpu=99.0% of 1.0 CPU for 30s",
        "baseline=1.0%", "process=md5sum");
  }

  @Test
  void batchJobBusyFromItsFirstSample_neverAlerts() {
    CryptoMiningDetector d = detector();
    ContainerRef batch = f.container("batch", 0, "sh", "-c", "md5sum /dev/zero");
    f.feed(d, f.lifecycle(batch, "start"));
    cpu(d, batch, 100, 600);
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void batchJobStarvedWhileLearning_thenGivenAFullShare_doesNotAlert() {
    CryptoMiningDetector d = detector();
    ContainerRef batch = f.container("batch", 0, "sh", "-c", "md5sum /dev/zero");
    f.feed(d, f.lifecycle(batch, "start"));
    for (int s = 0; s < 60; s += 5) { // a crowded host: 35-55 % of the core it wants
      f.advanceSeconds(5);
      f.feed(d, f.cpu(batch, 35 + s / 3.0));
    }
    cpu(d, batch, 99, 300); // the host quietens down: 99 % is 50 points above the mean of ~44 %
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void startupBurstThenIdle_isNotBatch() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 100, 20); // a JVM warming up: 4 busy samples of 12
    cpu(d, web, 2, 40);
    cpu(d, web, 100, 35);
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.cpu.batch", false);
  }

  @Test
  void noAlertWhileLearning_evenWhenBusy() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 20);
    cpu(d, web, 100, 35); // learning ends at 60 s: the busy samples went into the mean
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void oneQuietSample_restartsTheSustainPeriod() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60);
    cpu(d, web, 100, 25);
    cpu(d, web, 40, 5);
    cpu(d, web, 100, 30); // 25 s since the restart
    assertThat(f.alerts).isEmpty();
    cpu(d, web, 100, 5);
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void oneAlertPerEpisode_endsAfterTheResetPeriod_thenRearms() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60);
    cpu(d, web, 100, 35);
    assertThat(f.alerts).hasSize(1);
    cpu(d, web, 100, 300); // still mining: same episode
    assertThat(f.alerts).hasSize(1);
    cpu(d, web, 1, 55); // quiet, but not for the whole reset period
    cpu(d, web, 100, 35);
    assertThat(f.alerts).hasSize(1);
    cpu(d, web, 1, 65); // quiet for the reset period: the episode ends
    cpu(d, web, 100, 30);
    assertThat(f.alerts).hasSize(1);
    cpu(d, web, 100, 5);
    assertThat(f.alerts).hasSize(2);
  }

  @Test
  void miningDoesNotTeachTheBaseline() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60);
    cpu(d, web, 100, 3600); // an hour of mining, one alert
    cpu(d, web, 1, 120);
    cpu(d, web, 100, 35); // still departs from a baseline near 1 %
    assertThat(f.alerts).hasSize(2);
    assertThat(f.alerts.get(1).outputFields().get("vigil.cpu.baseline_percent")).isEqualTo(1.0);
  }

  @Test
  void cpuLimitBelowOneCore_isTheReference() {
    CryptoMiningDetector d = detector();
    ContainerRef limited = f.container("limited", 500_000_000L, "sleep", "1d");
    ContainerRef unlimited = f.container("unlimited");
    f.feed(d, f.lifecycle(limited, "start"));
    cpu(d, limited, 0.5, 60);
    cpu(d, limited, 49, 35); // 98 % of half a core
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.cpu.reference_cores", 0.5)
        .containsEntry("vigil.cpu.use_percent", 98.0);

    f.feed(d, f.lifecycle(unlimited, "start"));
    cpu(d, unlimited, 0.5, 60);
    cpu(d, unlimited, 49, 60); // half of one core: not busy
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void cpuLimitAboveOneCore_stillMeasuresAgainstOneCore() {
    CryptoMiningDetector d = detector();
    ContainerRef big = f.container("big", 4_000_000_000L, "sleep", "1d");
    f.feed(d, f.lifecycle(big, "start"));
    cpu(d, big, 2, 60);
    cpu(d, big, 100, 35); // a one-thread miner in a 4-CPU container
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void workloadThatIsBusyFromTheStart_suppressesItsIdleThenBusyReplica() {
    CryptoMiningDetector d = detector();
    ContainerRef job1 = f.container("job-1", 0, "run-job");
    ContainerRef job2 = f.container("job-2", 0, "run-job");
    ContainerRef other = f.container("other", 0, "serve");
    f.feed(d, f.lifecycle(job1, "start"));
    cpu(d, job1, 100, 65); // job-1 learns 100 %: the workload "vigil-test/busybox:1 run-job" is busy
    f.feed(d, f.lifecycle(job2, "start"));
    f.feed(d, f.lifecycle(other, "start"));
    for (int s = 0; s < 65; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.cpu(job2, 1));
      f.feed(d, f.cpu(other, 1));
    }
    for (int s = 0; s < 35; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.cpu(job2, 100));
      f.feed(d, f.cpu(other, 100));
    }
    assertThat(f.alerts).extracting(a -> a.outputFields().get("container.name")).containsExactly("other");
    assertThat(f.alerts.get(0).outputFields().get("vigil.cpu.workload_baseline_percent")).isEqualTo(1.0);
  }

  @Test
  void minerNameAndPoolArguments_alertAtOnce_critical() {
    CryptoMiningDetector d = detector();
    f.feed(d, f.exec(web, "xmrig", "/tmp/xmrig", "-o", "stratum+tcp://pool.example:3333", "-u", "wallet"));
    assertThat(f.alerts).hasSize(1);
    Alert a = f.alerts.get(0);
    assertThat(a.priority()).isEqualTo(Priority.CRITICAL);
    assertThat(a.outputFields()).containsEntry("vigil.mining.evidence", "miner_name,pool_arguments")
        .containsEntry("proc.name", "xmrig")
        .containsEntry("proc.cmdline", "xmrig -o stratum+tcp://pool.example:3333 -u wallet")
        .containsEntry("vigil.cpu.percent", null);
  }

  @Test
  void renamedMinerWithPoolPortAndConnection_alerts() {
    CryptoMiningDetector d = detector();
    f.feed(d, f.exec(web, "kworker", "./kworker", "--url=10.9.9.9:14444", "--threads", "2"));
    assertThat(f.alerts).isEmpty(); // one indicator
    f.advanceSeconds(2);
    f.feed(d, f.outbound(web, "10.9.9.9", 14444, "kworker"));
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.mining.evidence",
        "pool_arguments,pool_connection").containsEntry("fd.rip", "10.9.9.9").containsEntry("fd.rport", 14444);
  }

  @Test
  void singleWeakIndicator_isQuiet_butBusyBatchPlusPoolConnectionAlerts() {
    CryptoMiningDetector d = detector();
    f.feed(d, f.outbound(web, "10.0.0.3", 8888, "python3")); // Jupyter's port, say
    f.advanceSeconds(700);
    ContainerRef batch = f.container("batch", 0, "compute");
    f.feed(d, f.lifecycle(batch, "start"));
    cpu(d, batch, 100, 120);
    f.feed(d, f.outbound(web, "10.0.0.3", 8888, "python3"));
    assertThat(f.alerts).isEmpty();
    f.feed(d, f.outbound(batch, "10.0.0.4", 3333, "compute"));
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("container.name", "batch")
        .containsEntry("vigil.mining.evidence", "cpu_busy,pool_connection");
    assertThat(f.alerts.get(0).priority()).isEqualTo(Priority.CRITICAL);
  }

  @Test
  void evidenceOlderThanTheEvidenceWindow_doesNotCombine() {
    CryptoMiningDetector d = detector();
    f.feed(d, f.exec(web, "miner", "./miner", "-o", "10.1.1.1:3333"));
    f.advance(Duration.ofMinutes(11));
    f.feed(d, f.outbound(web, "10.1.1.1", 3333, "miner"));
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void containerThatDiesMidSustain_doesNotAlert_andRelearnsAfterRestart() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60);
    cpu(d, web, 100, 20);
    f.feed(d, f.lifecycle(web, "die"));
    assertThat(d.tracked()).isZero();
    f.feed(d, f.lifecycle(web, "start"));
    cpu(d, web, 100, 120); // after the restart it is busy from the start: a batch run
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void healthcheckExecs_andUnrelatedConnections_areNotEvidence() {
    CryptoMiningDetector d = detector();
    ContainerRef probe = f.container("probe");
    f.feed(d, f.exec(probe, dev.vigil.event.ExecOrigin.HEALTHCHECK, "xmrig", "xmrig", "-o",
        "stratum+tcp://p:3333"));
    f.feed(d, f.outbound(probe, "10.0.0.1", 443, "curl"));
    assertThat(f.alerts).isEmpty();
    assertThat(d.tracked()).isEqualTo(1); // web only: nothing of probe was of interest
  }

  @Test
  void poolArguments_recognisesTheCommonForms() {
    CryptoMiningDetector d = detector();
    assertThat(d.poolArguments(List.of("x", "-o", "pool:4444"))).isTrue();
    assertThat(d.poolArguments(List.of("x", "-opool.example:5555"))).isTrue();
    assertThat(d.poolArguments(List.of("x", "--url", "stratum2+tcp://p:1"))).isTrue();
    assertThat(d.poolArguments(List.of("x", "--URL=STRATUM+SSL://p:1"))).isTrue();
    assertThat(d.poolArguments(List.of("x", "--donate-level", "1"))).isTrue();
    assertThat(d.poolArguments(List.of("x", "-o", "out.txt"))).isFalse();
    assertThat(d.poolArguments(List.of("x", "-o", "host:80"))).isFalse();
    assertThat(d.poolArguments(List.of("stratum+tcp://argv0-only"))).isFalse();
  }

  @Test
  void tunedThresholds_apply() {
    CryptoMiningDetector d = started(new CryptoMiningDetector(new CryptoMiningConfig(null, 50.0,
        Duration.ofSeconds(10), Duration.ofSeconds(20), 30.0, 0.0, null, null, null, null, null, null, null),
        f.context()));
    cpu(d, web, 5, 20);
    cpu(d, web, 60, 10);
    assertThat(f.alerts).isEmpty();
    cpu(d, web, 60, 5);
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void dipsWithinTheHysteresis_keepTheStreak_whenItsMeanIsBusy() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60);
    double[] crowded = {100, 65, 92, 100, 62, 97, 95}; // a miner on a crowded host: mean 87 %
    for (double p : crowded) {
      cpu(d, web, p, 5);
    }
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.cpu.use_percent", 87.3)
        .containsEntry("vigil.cpu.busy_s", 30L);
  }

  @Test
  void streakAveragingBelowTheThreshold_isNotBusy() {
    CryptoMiningDetector d = detector();
    cpu(d, web, 1, 60);
    cpu(d, web, 85, 5);
    cpu(d, web, 70, 120); // one sample at 85 %, then 70 %: the streak lives on, but averages under 80 %
    assertThat(f.alerts).isEmpty();
    cpu(d, web, 100, 5);
    cpu(d, web, 55, 5); // below 60 %: the streak breaks
    cpu(d, web, 100, 25);
    assertThat(f.alerts).isEmpty();
  }
}
