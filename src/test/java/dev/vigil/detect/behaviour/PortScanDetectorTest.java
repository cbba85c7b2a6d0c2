package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.NetConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortScanDetectorTest {

  private final Fixture f = new Fixture();
  private final ContainerRef c = f.container("scanner");

  private PortScanDetector detector() {
    return new PortScanDetector(PortScanConfig.defaults(), f.context());
  }

  private void ncLoop(PortScanDetector d, ContainerRef who, int from, int to) {
    for (int p = from; p <= to; p++) {
      f.feed(d, f.exec(who, "nc", "nc", "-w", "1", "127.0.0.1", Integer.toString(p)));
      f.advance(Duration.ofMillis(5));
    }
  }

  @Test
  void ncLoopOverManyPorts_raisesOneAlert_withCountRangeAndProcess() {
    PortScanDetector d = detector();
    ncLoop(d, c, 1, 300);
    List<Alert> alerts = f.alerts(PortScanDetector.RULE);
    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.priority()).isEqualTo(Priority.WARNING);
    assertThat(a.source()).isEqualTo("vigil");
    assertThat(a.tags()).contains("T1046", "mitre_discovery");
    assertThat(a.hostname()).as("stamped at the output stage, not by detectors").isNull();
    assertThat(a.outputFields()).containsEntry("container.name", "scanner")
        .containsEntry("container.id", c.shortId())
        .containsEntry("vigil.scan.trigger", "distinct_ports")
        .containsEntry("vigil.scan.ports", 40)
        .containsEntry("vigil.scan.port_min", 1)
        .containsEntry("vigil.scan.port_max", 40)
        .containsEntry("vigil.scan.hosts", 1)
        .containsEntry("proc.name", "nc");
    assertThat(a.output()).contains("ports=40", "range=1-40", "procs=nc", "container=scanner");
    assertThat(a.time()).isEqualTo(Fixture.T0.plus(Duration.ofMillis(39 * 5)));
  }

  @Test
  void fewerPortsThanTheThreshold_isQuiet() {
    PortScanDetector d = detector();
    ncLoop(d, c, 1, 39);
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void portsSpreadWiderThanTheWindow_neverAddUpToAScan() {
    PortScanDetector d = detector();
    ncLoop(d, c, 1, 30);
    f.advanceSeconds(61);
    ncLoop(d, c, 31, 60);
    assertThat(f.alerts).isEmpty();
    ncLoop(d, c, 61, 70); // 40 within the window now
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.scan.port_min", 31)
        .containsEntry("vigil.scan.port_max", 70);
  }

  @Test
  void failedAttemptCounters_raiseAScanWithoutAnyVisiblePort() {
    PortScanDetector d = detector();
    f.feed(d, f.attempts(c, 100, 100));
    f.advanceSeconds(1);
    f.feed(d, f.attempts(c, 49, 49));
    assertThat(f.alerts).isEmpty();
    f.advanceSeconds(1);
    f.feed(d, f.attempts(c, 1, 1));
    assertThat(f.alerts).hasSize(1);
    Alert a = f.alerts.get(0);
    assertThat(a.outputFields()).containsEntry("vigil.scan.trigger", "failed_attempts")
        .containsEntry("vigil.scan.failed_attempts", 150L)
        .containsEntry("vigil.scan.active_opens", 150L)
        .containsEntry("vigil.scan.ports", 0)
        .containsEntry("vigil.scan.port_min", null)
        .containsEntry("proc.name", null);
    assertThat(a.output()).doesNotContain("range=");
  }

  @Test
  void failedAttemptsOutsideTheWindow_expire() {
    PortScanDetector d = detector();
    f.feed(d, f.attempts(c, 100, 100));
    f.advanceSeconds(61);
    f.feed(d, f.attempts(c, 100, 100));
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void successfulOpensAlone_areNotAScan() {
    PortScanDetector d = detector();
    for (int i = 0; i < 50; i++) {
      f.feed(d, f.attempts(c, 1000, 0)); // a busy client: many connects, none failing
      f.advanceSeconds(1);
    }
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void outboundConnectionsCount_inboundAndListeningDoNot() {
    PortScanDetector d = detector();
    for (int p = 1000; p < 1040; p++) {
      f.feed(d, new NetConnection(f.now(), c, "kernel.net", NetConnection.Direction.INBOUND, "tcp", "172.17.0.2",
          80, "10.0.0.9", p, 1, "httpd"));
      f.feed(d, f.listen(c, "tcp", p, "httpd"));
    }
    assertThat(f.alerts).isEmpty();
    for (int p = 1000; p < 1040; p++) {
      f.feed(d, f.outbound(c, "10.0.0.9", p, "python3"));
    }
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("proc.name", "python3")
        .containsEntry("vigil.scan.port_min", 1000).containsEntry("vigil.scan.port_max", 1039);
  }

  @Test
  void oneAlertPerEpisode_andAnotherScanAfterTheQuietPeriodAlertsAgain() {
    PortScanDetector d = detector();
    ncLoop(d, c, 1, 300);
    f.advanceSeconds(30);
    ncLoop(d, c, 301, 600); // still the same episode: above the threshold within the quiet period
    assertThat(f.alerts).hasSize(1);

    f.advanceSeconds(61); // quiet: the window emptied and the quiet period passed
    ncLoop(d, c, 1, 39);
    assertThat(f.alerts).hasSize(1);
    ncLoop(d, c, 40, 45);
    assertThat(f.alerts).hasSize(2);
    assertThat(f.alerts.get(1).outputFields()).containsEntry("vigil.scan.ports", 40);
  }

  @Test
  void quietPeriodCountsFromTheLastTimeAboveTheThreshold() {
    PortScanDetector d = new PortScanDetector(new PortScanConfig(null, Duration.ofSeconds(10), 5, null, null,
        Duration.ofSeconds(60), null, null), f.context());
    ncLoop(d, c, 1, 5);
    assertThat(f.alerts).hasSize(1);
    for (int i = 0; i < 10; i++) { // a slow scan staying above the threshold for 100 s: one episode
      f.advanceSeconds(10);
      ncLoop(d, c, 10 * i + 6, 10 * i + 10);
    }
    assertThat(f.alerts).hasSize(1);
    f.advanceSeconds(59);
    ncLoop(d, c, 1000, 1004); // above again 59 s later (within the quiet period): same episode
    assertThat(f.alerts).hasSize(1);
    f.advanceSeconds(61);
    ncLoop(d, c, 2000, 2004);
    assertThat(f.alerts).hasSize(2);
  }

  @Test
  void containerThatDiesMidWindow_losesItsCounts() {
    PortScanDetector d = detector();
    ncLoop(d, c, 1, 30);
    f.feed(d, f.lifecycle(c, "die"));
    assertThat(d.tracked()).isZero();
    f.feed(d, f.lifecycle(c, "start"));
    ncLoop(d, c, 31, 60);
    assertThat(f.alerts).isEmpty();
    f.feed(d, f.lifecycle(c, "destroy"));
    assertThat(d.tracked()).isZero();
  }

  @Test
  void containersAreCountedSeparately() {
    PortScanDetector d = detector();
    ContainerRef other = f.container("other");
    for (int p = 1; p <= 30; p++) {
      f.feed(d, f.exec(c, "nc", "nc", "127.0.0.1", Integer.toString(p)));
      f.feed(d, f.exec(other, "nc", "nc", "127.0.0.1", Integer.toString(p + 100)));
    }
    assertThat(f.alerts).isEmpty();
    assertThat(d.tracked()).isEqualTo(2);
  }

  @Test
  void internalHostSweep_whenConfigured() {
    PortScanDetector d = new PortScanDetector(new PortScanConfig(null, null, null, null, 10, null, null, null),
        f.context());
    for (int h = 1; h <= 20; h++) {
      f.feed(d, f.outbound(c, "93.184.216." + h, 443, "crawler")); // public: a crawler's work
    }
    assertThat(f.alerts).isEmpty();
    for (int h = 1; h <= 10; h++) {
      f.feed(d, f.exec(c, "nc", "nc", "-z", "-w", "1", "10.0.0." + h, "22"));
    }
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.scan.trigger", "internal_hosts")
        .containsEntry("vigil.scan.internal_hosts", 10)
        .containsEntry("vigil.scan.hosts", 30)
        .containsEntry("vigil.scan.ports", 2);
  }

  @Test
  void internalHosts_privateLoopbackLinkLocalAndServiceNames() {
    assertThat(PortScanDetector.internal("10.1.2.3")).isTrue();
    assertThat(PortScanDetector.internal("172.20.0.5")).isTrue();
    assertThat(PortScanDetector.internal("172.32.0.5")).isFalse();
    assertThat(PortScanDetector.internal("192.168.1.1")).isTrue();
    assertThat(PortScanDetector.internal("127.0.0.1")).isTrue();
    assertThat(PortScanDetector.internal("169.254.169.254")).isTrue();
    assertThat(PortScanDetector.internal("8.8.8.8")).isFalse();
    assertThat(PortScanDetector.internal("db")).isTrue();
    assertThat(PortScanDetector.internal("example.com")).isFalse();
    assertThat(PortScanDetector.internal("fd00::1")).isTrue();
    assertThat(PortScanDetector.internal("::ffff:10.0.0.1")).isTrue();
    assertThat(PortScanDetector.internal("2001:db8::1")).isFalse();
    assertThat(PortScanDetector.internal("1.2.3.4.5")).isFalse();
  }

  @Test
  void healthcheckProbes_andDisabledArgvTargets_areIgnored() {
    PortScanDetector d = detector();
    for (int p = 1; p <= 50; p++) {
      f.feed(d, f.exec(c, ExecOrigin.HEALTHCHECK, "nc", "nc", "127.0.0.1", Integer.toString(p)));
    }
    assertThat(f.alerts).isEmpty();
    PortScanDetector noArgv = new PortScanDetector(new PortScanConfig(null, null, null, null, null, null, null,
        false), f.context());
    ncLoop(noArgv, c, 1, 100);
    assertThat(f.alerts).isEmpty();
    assertThat(noArgv.kinds()).contains(EventKind.PROCESS_EXEC, EventKind.NETWORK, EventKind.SENSOR,
        EventKind.CONTAINER_LIFECYCLE);
  }

  @Test
  void stateIsBounded_perContainerTargetsAndContainers() {
    PortScanDetector d = new PortScanDetector(new PortScanConfig(null, null, 40, null, null, null, 64, null),
        f.context(2));
    f.feed(d, f.exec(c, "nc", "nc", "-z", "127.0.0.1", "1-1000"));
    assertThat(f.alerts).hasSize(1);
    assertThat(f.alerts.get(0).outputFields()).containsEntry("vigil.scan.ports", 64);
    assertThat(f.counter("capped", "port_scan")).isEqualTo(1000 - 64);
    for (String n : List.of("a", "b", "c")) {
      f.feed(d, f.exec(f.container(n), "nc", "nc", "127.0.0.1", "80"));
    }
    assertThat(d.tracked()).isEqualTo(2);
    assertThat(f.counter("evicted", "port_scan")).isEqualTo(2);
  }

  @Test
  void idleState_expiresAfterWindowAndQuietPeriod() {
    PortScanDetector d = detector();
    f.feed(d, f.exec(c, "nc", "nc", "127.0.0.1", "80"));
    f.advanceSeconds(120);
    f.feed(d, f.exec(f.container("later"), "nc", "nc", "127.0.0.1", "80"));
    assertThat(d.tracked()).isEqualTo(1);
  }

  @Test
  void hostEvents_andIgnoredImages_areSkipped() {
    PortScanDetector d = new PortScanDetector(PortScanConfig.defaults(), new DetectorContext(f.directory,
        f.metrics, 10, 10, Duration.ofMinutes(10), List.of("vigil-test/*")));
    ncLoop(d, c, 1, 100);
    ncLoop(d, ContainerRef.HOST, 1, 100);
    assertThat(f.alerts).isEmpty();
    assertThat(d.tracked()).isZero();
  }

  @Test
  void noticeMessageField_parsing() {
    assertThat(PortScanDetector.field("active_opens=3 attempt_fails=17 passive_opens=0", "attempt_fails="))
        .isEqualTo(17);
    assertThat(PortScanDetector.field("active_opens=3", "attempt_fails=")).isEqualTo(-1);
    assertThat(PortScanDetector.field("attempt_fails=x", "attempt_fails=")).isEqualTo(-1);
  }
}
