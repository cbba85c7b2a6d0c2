package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The default ruleset against real containers, for every rule the Docker sensors can feed: each attack staged with
 * docker exec or docker run yields its rule's alert; benign look-alikes (a HEALTHCHECK's wget, a plain container)
 * stay quiet. The agent records its events, and {@code vigil replay} of the recording yields the same alerts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultRulesIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private Agent agent;
  private Path recording;
  private String base;

  @BeforeAll
  void start() throws Exception {
    DockerCli.requireEngineAndImages();
    DockerCli.removeAll();
    recording = java.nio.file.Files.createTempDirectory("vigil-it-rec").resolve("events.jsonl");
    agent = Agent.start("monitor", "--top-interval", "500ms", "--diff-interval", "1s", "--record-events",
        recording.toString()).awaitReady(Duration.ofSeconds(30));
    base = DockerCli.uniqueName("rules");
    DockerCli.runShell(base, "httpd -p 127.0.0.1:8080 -h /www; sleep 300", "--stop-timeout", "1",
        "--health-cmd", "wget -q -O- http://127.0.0.1:8080/ || true", "--health-interval", "1s");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      assertThat(agent.isAlive()).isTrue();
      agent.stop();
    } finally {
      DockerCli.removeAll();
    }
  }

  private JsonNode expect(String rule, String container) throws InterruptedException {
    return agent.awaitAlert(Agent.rule(rule, container), WAIT);
  }

  private void exec(String... cmd) {
    List<String> a = new ArrayList<>(List.of("exec", base));
    a.addAll(List.of(cmd));
    DockerCli.exec(a.toArray(String[]::new)); // the exit status does not matter: starting the process is the act
  }

  @Test
  void healthcheckWgetIsQuiet_butTheSameWgetThroughDockerExecAlerts() throws Exception {
    exec("wget", "-q", "-O-", "http://127.0.0.1:8080/");
    JsonNode a = expect("Remote file copy tool launched in container", base);
    assertThat(a.path("output_fields").path("proc.origin").asText()).isEqualTo("docker_exec");
    // The health probe has run several times by now (interval 1 s) and never alerted.
    String health = DockerCli.ok("inspect", "--format", "{{len .State.Health.Log}}", base);
    assertThat(Integer.parseInt(health)).isPositive();
    assertThat(agent.alerts()).noneMatch(x -> x.path("output_fields").path("proc.origin").asText()
        .equals("healthcheck"));
  }

  @Test
  void processesOfADockerExecSession_carryItsExecId() throws Exception {
    exec("sh", "-c", "sleep 0.5; wget -q -O- http://127.0.0.1:8080/index.html");
    JsonNode a = agent.awaitAlert(x -> x.path("rule").asText().equals("Remote file copy tool launched in container")
        && x.path("output_fields").path("proc.cmdline").asText().contains("index.html"), Duration.ofSeconds(10));
    assertThat(a.path("output_fields").path("proc.origin").asText()).isEqualTo("docker_exec");
    assertThat(a.path("output_fields").path("proc.exec_id").asText()).as("the engine's exec id of the session")
        .matches("[0-9a-f]{64}");
  }

  @Test
  void setuidRootBinaryRunByAUser_processBecameRoot() throws Exception {
    // A static C program (src/test/resources/native/escalate.c) installed setuid-root, as an intruder would plant it.
    Path bin = java.nio.file.Files.createTempDirectory("vigil-it-esc").resolve("escalate");
    Path source = Path.of(System.getProperty("vigil.projectDir", "."), "src/test/resources/native/escalate.c");
    assertThat(DockerCli.run(List.of("gcc", "-static", "-O1", "-o", bin.toString(), source.toString()), 60)
        .exit()).as("gcc (scripts/build-test-images.sh installs it)").isZero();
    DockerCli.ok("cp", bin.toString(), base + ":/tmp/escalate");
    DockerCli.ok("exec", base, "sh", "-c", "chown 0:0 /tmp/escalate && chmod 4755 /tmp/escalate");
    String out = DockerCli.ok("exec", "-u", "65534", base, "/tmp/escalate");
    assertThat(out).contains("uid=0 euid=0");

    JsonNode a = expect("Process became root in container", base);
    assertThat(a.path("output_fields").path("vigil.prev_uid").asLong()).isEqualTo(65534);
    assertThat(a.path("output_fields").path("evt.arg.uid").asText()).isEqualTo("0");
    assertThat(a.path("output_fields").path("proc.exepath").asText()).isEqualTo("/tmp/escalate");
    assertThat(a.path("output_fields").path("evt.type").asText()).isEqualTo("setuid");
  }

  @Test
  void processRules_fireOnRealExecs() throws Exception {
    exec("chmod", "u+s", "/www/index.html");
    expect("Setuid or setgid bit set in container", base);
    exec("nc", "127.0.0.1", "9", "-e", "/bin/sh");
    expect("Netcat remote code execution in container", base);
    exec("sh", "-c", "echo aWQK | base64 -d | sh");
    expect("Base64 payload piped to shell in container", base);
    exec("sh", "-c", "rm -f /tmp/f; mkfifo /tmp/f; timeout 2 cat /tmp/f | sh -i 2>&1 | nc 127.0.0.1 9 >/tmp/f");
    expect("Reverse shell command line in container", base);
    exec("cat", "/etc/shadow");
    expect("Sensitive file read by command in container", base);
    exec("sh", "-c", "history -c; rm -f /root/.ash_history");
    expect("Shell history or logs cleared in container", base);
    exec("unshare", "-r", "true");
    expect("Namespace or mount tool run in container", base);
    exec("ln", "-s", "/bin/busybox", "/tmp/apk");
    exec("/tmp/apk", "add", "curl");
    expect("Package manager launched in container", base);
    expect("Execution from temporary directory in container", base);
    exec("cp", "/bin/busybox", "/tmp/xmrig");
    exec("/tmp/xmrig", "-o", "stratum+tcp://127.0.0.1:3333");
    expect("Crypto miner launched in container", base);
    expect("Mining pool arguments in container", base);
    DockerCli.exec("exec", "-t", base, "sh", "-c", "sleep 0.5");
    JsonNode tty = expect("Terminal shell in container", base);
    assertThat(tty.path("output_fields").path("proc.exec_id").asText()).isNotEmpty();
  }

  @Test
  void kernelSensorRules_fireWhereTheSensorsRun() throws Exception {
    // These need kernel.fanotify / kernel.proc; where they cannot run the rules are disabled (RuleCompilerTest).
    assertThat(agent.stderrText()).doesNotContain("sensor kernel.fanotify unavailable")
        .doesNotContain("sensor kernel.proc unavailable");
    exec("cat", "/etc/shadow");
    JsonNode read = expect("Read sensitive file in container", base);
    assertThat(read.path("output_fields").path("fd.name").asText()).isEqualTo("/etc/shadow");
    assertThat(read.path("output_fields").path("proc.name").asText()).isEqualTo("cat");
    exec("sh", "-c", "cp /bin/busybox /tmp/dropped && /tmp/dropped true");
    // Other tests run binaries they copied in too (/tmp/escalate): this one waits for its own.
    JsonNode drift = agent.awaitAlert(x -> Agent.rule("Drop and execute new binary in container", base).test(x)
        && x.path("output_fields").path("proc.exepath").asText().equals("/tmp/dropped"), WAIT);
    assertThat(drift.path("output_fields").path("container.name").asText()).isEqualTo(base);
  }

  @Test
  void serverSpawningAShell_alerts() throws Exception {
    // busybox httpd runs the CGI shell script: a shell whose parent is the web server.
    exec("wget", "-q", "-O-", "http://127.0.0.1:8080/cgi-bin/slow?3");
    JsonNode a = expect("Shell spawned by server process in container", base);
    assertThat(a.path("output_fields").path("proc.pname").asText()).isEqualTo("httpd");
  }

  @Test
  void fileRules_fireOnRealWrites() throws Exception {
    exec("crontab", "/www/index.html");
    expect("Cron job installed in container", base);
    expect("Cron persistence in container", base);
    exec("sh", "-c", "mkdir -p /root/.ssh; echo 'ssh-ed25519 AAAA x' > /root/.ssh/authorized_keys");
    JsonNode keys = expect("SSH authorized keys changed in container", base);
    assertThat(keys.path("output_fields").path("fd.name").asText()).startsWith("/root/.ssh");
  }

  @Test
  void containerConfigurationRules_fireOnStart_plainContainerStaysQuiet() throws Exception {
    String risky = DockerCli.uniqueName("risky");
    String plain = DockerCli.uniqueName("plain");
    DockerCli.ok("run", "-d", "--name", risky, "--network", "none", "--stop-timeout", "1",
        "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", "/etc:/hostetc:ro", "--cap-add", "SYS_ADMIN",
        "--pid", "host", "--security-opt", "seccomp=unconfined", DockerCli.BUSYBOX, "sleep", "300");
    DockerCli.ok("run", "-d", "--name", plain, "--network", "none", "--stop-timeout", "1", DockerCli.BUSYBOX,
        "sleep", "300");
    expect("Container with Docker socket mounted", risky);
    expect("Container with sensitive host mount", risky);
    expect("Container with dangerous capabilities", risky);
    expect("Container sharing host namespaces", risky);
    JsonNode seccomp = expect("Container with seccomp or AppArmor disabled", risky);
    assertThat(seccomp.path("source").asText()).isEqualTo("docker");
    // Both started before these alerts were written; the plain one has none.
    assertThat(agent.alerts()).noneMatch(a -> a.path("output_fields").path("container.name").asText().equals(plain));
  }

  @Test
  void z_replayOfTheRecording_yieldsTheSameAlerts() throws Exception {
    processRules_fireOnRealExecs();
    Thread.sleep(1500); // let the dispatch thread record the last events
    // Replay evaluates the rules; the stateful detectors' alerts (evt.type detector) are live-only.
    Set<String> live = pairs(agent.alerts(), x -> !x.path("output_fields").path("evt.type").asText().equals("detector"));
    DockerCli.Result r = DockerCli.run(List.of(Agent.javaBin(), "-jar", Agent.jar().toString(), "replay",
        recording.toString()), 120);
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> replayed = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : r.out().split("\n")) {
      if (!line.isBlank()) {
        replayed.add(json.readTree(line));
      }
    }
    assertThat(r.err()).contains("0 lines skipped");
    assertThat(pairs(replayed, x -> true)).containsAll(live);
  }

  private static Set<String> pairs(List<JsonNode> alerts, Predicate<JsonNode> keep) {
    Set<String> out = new TreeSet<>();
    for (JsonNode a : alerts) {
      if (keep.test(a)) {
        out.add(a.path("rule").asText() + " @ " + a.path("output_fields").path("container.name").asText());
      }
    }
    return out;
  }
}
