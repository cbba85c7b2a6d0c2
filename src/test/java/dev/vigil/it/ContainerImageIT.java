package dev.vigil.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vigil's own container image, built by {@code scripts/image.sh} (no registry), run with the {@code docker run}
 * options of docs/DEPLOYMENT.md, watching a sibling container; then run again without the added capabilities, where
 * status.json must name the polling fallbacks. One difference from the documented line: the test environment allows
 * no container on the host's network, so the agent runs with {@code --network none}, where the process connector
 * refuses it (it answers only in the host's network namespace) and {@code docker.top} stands in for
 * {@code kernel.proc}.
 */
class ContainerImageIT {

  private static final String PREFIX = "h5-image-";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** docs/DEPLOYMENT.md's capabilities. */
  private static final List<String> CAPABILITIES = List.of("--cap-drop", "ALL", "--cap-add", "SYS_ADMIN",
      "--cap-add", "NET_ADMIN", "--cap-add", "SYS_PTRACE", "--cap-add", "DAC_READ_SEARCH", "--cap-add", "SYS_NICE");
  /** docs/DEPLOYMENT.md's namespaces and mounts, but --network none instead of host (see the class comment). */
  private static final List<String> HOST_VIEW = List.of("--pid", "host", "--cgroupns", "host", "--network", "none",
      "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", "/var/lib/docker:/var/lib/docker:ro,rslave",
      "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro");
  private static String image;
  private static final List<Path> dirs = new ArrayList<>();

  @BeforeAll
  static void buildImage() {
    DockerCli.requireEngineAndImages();
    image = PREFIX + "vigil:" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    Path project = Path.of(System.getProperty("vigil.projectDir", "."));
    DockerCli.Result r = DockerCli.run(List.of(project.resolve("scripts/image.sh").toString(), "--tag", image,
        "--jar", Agent.jar().toAbsolutePath().toString()), 600);
    assertEquals(0, r.exit(), "image.sh failed: " + r.err());
  }

  @AfterAll
  static void cleanUp() {
    DockerCli.removeContainers(PREFIX);
    if (image != null) {
      DockerCli.exec("rmi", "-f", image);
    }
    for (Path d : dirs) {
      DockerCli.run(List.of("rm", "-rf", d.toString()), 60);
    }
  }

  @Test
  void agentContainerAlertsOnASiblingContainersSensitiveRead() throws Exception {
    List<String> options = new ArrayList<>(CAPABILITIES);
    options.addAll(HOST_VIEW);
    try (Agent agent = startAgent("agent", options, true)) {
      agent.awaitReady(Duration.ofSeconds(120));
      Map<String, String> states = Agent.sensorStates(agent.dir, Duration.ofSeconds(30));
      for (String kernel : List.of("kernel.fanotify", "kernel.net", "kernel.cgroup")) {
        assertEquals("active", states.get(kernel), kernel + " in " + states);
      }
      assertEquals("unavailable", states.get("kernel.proc"), states.toString());
      assertEquals("fallback", states.get("docker.top"), states.toString());
      String reasons = JSON.readTree(agent.dir.resolve("status.json").toFile()).path("sensors").toString();
      assertTrue(reasons.contains("only in the host's network namespace"), "kernel.proc under --network none: "
          + reasons);

      String probe = PREFIX + "probe-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
      DockerCli.runShell(probe, "sleep 3; cat /etc/shadow >/dev/null; sleep 5");
      JsonNode alert = agent.awaitAlert(Agent.rule("Read sensitive file in container", probe),
          Duration.ofSeconds(60));
      assertEquals("/etc/shadow", alert.path("output_fields").path("fd.name").asText(), alert.toString());
      // Alerts go to stdout too here: the agent leaves its own container's log alone, or they would come back.
      assertTrue(agent.stderrText().contains("not following the logs of " + PREFIX + "agent-"), agent.stderrText());
      Thread.sleep(3000);
      // Its configuration is assessed like any container's ("Docker socket mounted": documented in DEPLOYMENT.md),
      // but nothing it printed comes back as a log line.
      for (String line : Files.readAllLines(agent.dir.resolve("alerts.jsonl"))) {
        JsonNode fields = JSON.readTree(line).path("output_fields");
        assertTrue(!(fields.path("container.name").asText().startsWith(PREFIX + "agent-")
            && fields.path("evt.type").asText().equals("log")), "its own output read back: " + line);
      }
      assertEquals(143, agent.stop(), agent.stderrText()); // docker run passes SIGTERM on and returns its code
    }
  }

  @Test
  void withoutTheCapabilitiesStatusNamesTheFallbacks() throws Exception {
    try (Agent agent = startAgent("nocaps", HOST_VIEW, false)) {
      agent.awaitReady(Duration.ofSeconds(120));
      Map<String, String> states = Agent.sensorStates(agent.dir, Duration.ofSeconds(30));
      assertEquals("unavailable", states.get("kernel.fanotify"), states.toString());
      assertEquals("fallback", states.get("docker.diff"), states.toString());
      assertEquals("unavailable", states.get("kernel.proc"), states.toString());
      assertEquals("fallback", states.get("docker.top"), states.toString());
      JsonNode status = JSON.readTree(agent.dir.resolve("status.json").toFile());
      String reasons = status.path("sensors").toString();
      assertTrue(reasons.contains("CAP_SYS_ADMIN"), reasons);
    }
  }

  /**
   * {@code docker run} of the image in the foreground (the test's stop is a SIGTERM to the docker CLI, which passes
   * it on), the data directory (status.json, the alerts file) a host directory mounted at /var/lib/vigil.
   */
  private static Agent startAgent(String what, List<String> options, boolean stdoutAlerts) throws IOException {
    Path dir = Files.createTempDirectory(PREFIX + what);
    dirs.add(dir);
    List<String> cmd = new ArrayList<>(List.of("docker", "run", "--rm", "--name", PREFIX + what + "-"
        + Long.toString(System.nanoTime() % 1_000_000_000L, 36)));
    cmd.addAll(options);
    cmd.addAll(List.of("-v", dir + ":/var/lib/vigil", image, "monitor", "--alerts-file", "/var/lib/vigil/alerts.jsonl"));
    if (!stdoutAlerts) {
      cmd.add("--no-stdout-alerts");
    }
    return Agent.startAs(dir, cmd);
  }
}
