package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewListenPortDetectorTest {

  private final Fixture f = new Fixture();
  private final ContainerRef web = f.container("web", 0, "httpd", "-f");

  private NewListenPortDetector detector() {
    return detector(NewListenPortConfig.defaults());
  }

  private NewListenPortDetector detector(NewListenPortConfig cfg) {
    NewListenPortDetector d = new NewListenPortDetector(cfg, f.context());
    f.feed(d, f.lifecycle(web, "start"));
    return d;
  }

  @Test
  void portsOpenedWhileLearning_areNormal_aLaterPortAlertsOnce() {
    NewListenPortDetector d = detector();
    f.advanceSeconds(1);
    f.feed(d, f.listen(web, "tcp", 80, "httpd"));
    f.advanceSeconds(100);
    f.feed(d, f.listen(web, "tcp", 443, "httpd")); // slow to bind, still within 2 minutes
    f.advanceSeconds(60);
    f.feed(d, f.listen(web, "tcp", 80, "httpd")); // re-opened after a reload
    assertThat(f.alerts).isEmpty();
    f.feed(d, f.listen(web, "tcp", 4444, "nc"));
    f.feed(d, f.listen(web, "tcp", 4444, "nc"));
    assertThat(f.alerts).hasSize(1);
    Alert a = f.alerts.get(0);
    assertThat(a.rule()).isEqualTo(NewListenPortDetector.RULE);
    assertThat(a.priority()).isEqualTo(Priority.NOTICE);
    assertThat(a.tags()).contains("T1571");
    assertThat(a.outputFields()).containsEntry("fd.lport", 4444).containsEntry("fd.l4proto", "tcp")
        .containsEntry("proc.name", "nc").containsEntry("vigil.listen.known_ports", "80,443");
    assertThat(a.output()).contains("port=tcp/4444", "process=nc", "container=web");
  }

  @Test
  void containerRunningBeforeTheAgent_learnsFromItsFirstSighting() {
    NewListenPortDetector d = new NewListenPortDetector(NewListenPortConfig.defaults(), f.context());
    f.feed(d, f.listen(web, "tcp", 5432, "postgres")); // the network sensor's first poll
    f.advanceSeconds(5);
    f.feed(d, f.stats(web, 1, 0, 5));
    f.advanceSeconds(300);
    f.feed(d, f.listen(web, "tcp", 5432, "postgres"));
    assertThat(f.alerts).isEmpty();
    f.feed(d, f.listen(web, "tcp", 31337, "sh"));
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void udpIsIgnoredByDefault_andIgnoredPortsNeverAlert() {
    NewListenPortDetector d = detector(new NewListenPortConfig(null, null, null, List.of(9229), null));
    f.advanceSeconds(600);
    f.feed(d, f.listen(web, "udp", 41234, "python3")); // an unconnected DNS client socket
    f.feed(d, f.listen(web, "tcp", 9229, "node")); // the inspector, told to be ignored
    assertThat(f.alerts).isEmpty();

    NewListenPortDetector udp = detector(new NewListenPortConfig(null, null, true, null, null));
    f.advanceSeconds(600);
    f.feed(udp, f.listen(web, "udp", 53, "dnsmasq"));
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void replicasOfTheSameWorkload_shareTheirLearnedPorts() {
    NewListenPortDetector d = detector();
    f.advanceSeconds(110);
    f.feed(d, f.listen(web, "tcp", 8080, "httpd")); // replica 1 binds late, but while learning
    ContainerRef replica = f.container("web-2", 0, "httpd", "-f");
    ContainerRef other = f.container("other", 0, "sleep", "1d");
    f.feed(d, f.lifecycle(replica, "start"));
    f.feed(d, f.lifecycle(other, "start"));
    f.advanceSeconds(300);
    f.feed(d, f.listen(replica, "tcp", 8080, "httpd")); // replica 2 binds even later: known for the workload
    f.feed(d, f.listen(other, "tcp", 8080, "httpd"));
    assertThat(f.alerts).extracting(a -> a.outputFields().get("container.name")).containsExactly("other");
  }

  @Test
  void alertsPerContainerAreCappedPerHour() {
    NewListenPortDetector d = detector(new NewListenPortConfig(null, null, null, null, 2));
    f.advanceSeconds(600);
    for (int p = 7000; p < 7005; p++) {
      f.feed(d, f.listen(web, "tcp", p, "evil"));
    }
    assertThat(f.alerts).hasSize(2);
    assertThat(f.counter("suppressed", "new_listen_port")).isEqualTo(3);
    f.advanceSeconds(3600);
    f.feed(d, f.listen(web, "tcp", 7100, "evil"));
    assertThat(f.alerts).hasSize(3);
  }

  @Test
  void restartedContainer_relearns() {
    NewListenPortDetector d = detector();
    f.advanceSeconds(600);
    f.feed(d, f.lifecycle(web, "die"));
    assertThat(d.tracked()).isZero();
    f.feed(d, f.lifecycle(web, "start"));
    f.advanceSeconds(2);
    f.feed(d, f.listen(web, "tcp", 9000, "httpd"));
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void portsPerContainerAreBounded() {
    NewListenPortDetector d = detector(new NewListenPortConfig(null, null, null, null, 100_000));
    for (int p = 1; p <= NewListenPortDetector.MAX_PORTS + 10; p++) {
      f.feed(d, f.listen(web, "tcp", p, "x"));
    }
    assertThat(f.counter("capped", "new_listen_port")).isEqualTo(10);
    f.advanceSeconds(600);
    f.feed(d, f.listen(web, "tcp", 1, "x"));
    assertThat(f.alerts).isEmpty();
  }
}
