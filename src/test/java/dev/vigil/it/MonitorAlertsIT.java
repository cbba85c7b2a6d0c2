package dev.vigil.it;

import static dev.vigil.it.Agent.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code vigil monitor} as a user runs it, against the real engine: attacks staged in real containers yield alerts
 * in Falco's exact JSON shape, in the alerts file and on stdout; hostile input yields well-formed alerts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorAlertsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Set<String> FALCO_KEYS =
      Set.of("hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time", "uuid");
  private static final Set<String> PRIORITIES = Set.of("Emergency", "Alert", "Critical", "Error", "Warning",
      "Notice", "Informational", "Debug");
  /** A server that answers slowly, so wget lives long enough for the polling process sensor. */
  private static final String SLOW_SERVER = "httpd -p 127.0.0.1:8080 -h /www; sleep 1; ";

  private Agent agent;

  @BeforeAll
  void startAgent() throws Exception {
    DockerCli.requireEngineAndImages();
    DockerCli.removeAll();
    agent = Agent.start("monitor", "--top-interval", "500ms", "--diff-interval", "1s", "--stats-interval", "2s",
        "--status-interval", "2s").awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  void stopAgent() throws Exception {
    try {
      assertThat(agent.isAlive()).as("agent must never exit on its own").isTrue();
      // The JVM reports SIGTERM as 143 (128 + 15) after the shutdown hook has stopped everything cleanly.
      assertThat(agent.stop()).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(agent.stderrText()).contains("stopped: events handled=");
    } finally {
      DockerCli.removeAll();
    }
  }

  @Test
  void wgetInContainer_alertsWithContainerImageProcessAndCommandLine_inFalcoShape() throws Exception {
    String name = DockerCli.uniqueName("wget");
    Instant before = Instant.now();
    String id = DockerCli.runShell(name, SLOW_SERVER + "wget -q -O- 'http://127.0.0.1:8080/cgi-bin/slow?4'; sleep 60",
        "--stop-timeout", "1");

    JsonNode a = agent.awaitAlert(rule("Remote file copy tool launched in container", name), WAIT);

    assertFalcoShape(a);
    JsonNode f = a.path("output_fields");
    assertThat(f.path("container.id").asText()).isEqualTo(id.substring(0, 12));
    assertThat(f.path("container.image.repository").asText()).isEqualTo("vigil-test/busybox");
    assertThat(f.path("container.image.tag").asText()).isEqualTo("1");
    assertThat(f.path("proc.name").asText()).isEqualTo("wget");
    assertThat(f.path("proc.cmdline").asText()).isEqualTo("wget -q -O- http://127.0.0.1:8080/cgi-bin/slow?4");
    assertThat(f.path("proc.pid").asLong()).isPositive();
    assertThat(a.path("priority").asText()).isEqualTo("Notice");
    assertThat(a.path("source").asText()).isEqualTo("syscall");
    assertThat(a.path("output").asText()).contains("Notice Remote file copy tool launched in container")
        .contains("container=" + name).contains("image=vigil-test/busybox:1");
    assertThat(a.path("tags").toString()).contains("T1105");
    Instant alerted = Instant.parse(a.path("time").asText());
    assertThat(Duration.between(before, alerted)).as("alert within a few seconds").isLessThan(Duration.ofSeconds(8));
    // The same alert is printed on stdout, which carries nothing but alert lines.
    assertThat(agent.stdoutText()).contains("\"container.name\":\"" + name + "\"");
    assertThat(agent.stdoutText().lines()).allMatch(l -> l.startsWith("{\"hostname\":"));
  }

  @Test
  void scanReportInLog_alerts_butVirusScanReportDoesNot() throws Exception {
    String name = DockerCli.uniqueName("scanlog");
    DockerCli.runShell(name, "echo 'virus scan report: 0 infected'; sleep 1;"
        + " echo 'Nmap scan report for localhost (127.0.0.1)'; sleep 60", "--stop-timeout", "1");

    JsonNode a = agent.awaitAlert(rule("Port scanner output in container log", name), WAIT);

    assertFalcoShape(a);
    assertThat(a.path("output_fields").path("log.line").asText()).startsWith("Nmap scan report");
    assertThat(a.path("priority").asText()).isEqualTo("Warning");
    assertThat(a.path("source").asText()).isEqualTo("log");
    assertThat(agent.alerts()).noneMatch(x -> x.path("output_fields").path("log.line").asText().contains("virus"));
  }

  @Test
  void realNmapScanOfItsOwnLoopback_alerts() throws Exception {
    String name = DockerCli.uniqueName("nmap");
    DockerCli.ok("run", "-d", "--name", name, "--network", "none", "--stop-timeout", "1", DockerCli.NMAP,
        "sh", "-c", "sleep 1; nmap -sT -p 1-200 127.0.0.1; sleep 60");

    JsonNode a = agent.awaitAlert(x -> rule("Port scanner output in container log", name).test(x)
        && x.path("output_fields").path("log.line").asText().startsWith("Nmap scan report"), WAIT);

    assertThat(a.path("output_fields").path("container.image.repository").asText()).isEqualTo("vigil-test/nmap");
    assertThat(a.path("output_fields").path("log.line").asText()).contains("127.0.0.1");
  }

  @Test
  void writeToEtcPasswd_alerts() throws Exception {
    String name = DockerCli.uniqueName("passwd");
    DockerCli.runShell(name, "sleep 1; echo 'evil:x:0:0::/:/bin/sh' >> /etc/passwd; sleep 60", "--stop-timeout", "1");

    JsonNode a = agent.awaitAlert(rule("Write below sensitive directory in container", name), WAIT);

    assertFalcoShape(a);
    assertThat(a.path("output_fields").path("fd.name").asText()).isEqualTo("/etc/passwd");
    assertThat(a.path("priority").asText()).isEqualTo("Error");
  }

  @Test
  void hostileNamesCommandLinesAndOutput_yieldWellFormedAlerts_andNoCrash() throws Exception {
    // The engine itself refuses container names with shell metacharacters, quotes or escapes ...
    DockerCli.Result refused = DockerCli.exec("create", "--name", "x;$(id)\"q\"\u001b[31m", DockerCli.BUSYBOX);
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).containsIgnoringCase("invalid container name");
    // ... so hostile text reaches Vigil through labels, command lines and output instead.
    String name = DockerCli.uniqueName("hostile_.-x");
    String esc = "\u001b[31m";
    DockerCli.runShell(name, SLOW_SERVER
            + "printf 'Nmap scan report for \\033[31mred\\033[0m \"quoted\" $(id) \\\\ back\\n';"
            + " head -c 10485760 /dev/zero | tr '\\0' A; echo;"
            + " printf '\\377\\376 bad utf8 \\303\\050 Discovered open port 22/tcp\\n';"
            + " wget -q -O- -U \"" + esc + "\\\"q\\\";\\$(id)\" 'http://127.0.0.1:8080/cgi-bin/slow?4'; sleep 60",
        "--stop-timeout", "1", "--label", "note=$(rm -rf /);`id` \"q\" " + esc);

    JsonNode scan = agent.awaitAlert(a -> rule("Port scanner output in container log", name).test(a)
        && a.path("output_fields").path("log.line").asText().contains("red"), WAIT);
    assertFalcoShape(scan);
    assertThat(scan.path("output_fields").path("log.line").asText()).contains("\u001b[31mred").contains("\"quoted\"");
    assertThat(scan.path("output").asText()).contains("\\x1b[31mred").doesNotContain("\u001b");

    JsonNode bad = agent.awaitAlert(a -> rule("Port scanner output in container log", name).test(a)
        && a.path("output_fields").path("log.line").asText().contains("Discovered open port"), WAIT);
    assertThat(bad.path("output_fields").path("log.line").asText()).contains("\uFFFD");

    JsonNode wget = agent.awaitAlert(rule("Remote file copy tool launched in container", name), WAIT);
    // ps, behind the polling sensor, prints control characters as '?'; the quotes and $(...) arrive verbatim.
    assertThat(wget.path("output_fields").path("proc.cmdline").asText()).contains("[31m\"q\";$(id)");
    assertThat(wget.path("output").asText()).doesNotContain("\u001b");

    // The 10 MB line was cut and counted, not buffered whole or lost silently.
    agent.awaitLog(l -> l.contains("log-lines-cut=") && !l.contains("log-lines-cut=0"), Duration.ofSeconds(10));
    assertThat(agent.isAlive()).isTrue();
    assertThat(agent.stderrText()).doesNotContain("Exception").doesNotContain("\tat ");
    List<String> lines = new ArrayList<>(agent.stdoutText().lines().toList());
    assertThat(lines).isNotEmpty().allMatch(l -> l.startsWith("{") && l.endsWith("}"));
  }

  private static void assertFalcoShape(JsonNode a) {
    List<String> keys = new ArrayList<>();
    a.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrderElementsOf(FALCO_KEYS);
    assertThat(a.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
    assertThat(PRIORITIES).contains(a.path("priority").asText());
    assertThat(a.path("output").asText()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{9}: " + a.path("priority").asText()
        + " .+");
    assertThat(a.path("tags").isArray()).isTrue();
    assertThat(a.path("output_fields").isObject()).isTrue();
    assertThat(a.path("output_fields").path("container.id").asText()).hasSize(12);
    assertThat(a.path("hostname").asText()).isNotBlank();
    assertThat(a.path("uuid").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }
}
