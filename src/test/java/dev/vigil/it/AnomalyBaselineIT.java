package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-image anomaly baseline on a real container and a real agent: an idle container teaches its image's model
 * what normal is (short intervals and learning period set with -o), then a burst of CPU, processes and file writes
 * inside it raises "Anomalous behaviour in container", whose attribution names what changed (here the exec and
 * file-write rates of the burst's first interval, before its CPU shows); nothing is raised while it stays idle. The model is written under the agent's data directory.
 */
class AnomalyBaselineIT {

  private static final String RULE = "Anomalous behaviour in container";
  private static final int LEARNING = 24;

  @BeforeAll
  static void images() {
    DockerCli.requireEngineAndImages();
  }

  @AfterAll
  static void cleanUp() {
    DockerCli.removeAll();
  }

  @Test
  void idleThenBurst_oneAnomalyAlert_namingWhatChanged() throws Exception {
    String name = DockerCli.uniqueName("anomaly");
    try (Agent agent = Agent.start("monitor", "--stats-interval", "1s",
        "-o", "detectors.anomaly.interval=1s", "-o", "detectors.anomaly.learning_samples=" + LEARNING,
        "-o", "detectors.anomaly.save_interval=5s",
        // with 1 s intervals the default 2 quiet intervals end an episode on a 2 s dip between the exec burst and
        // the CPU burst (seen once in 3 runs: two alerts 4 s apart); 5 keeps the burst one episode, as meant here
        "-o", "detectors.anomaly.episode_quiet_intervals=5")
        .awaitReady(Duration.ofSeconds(30))) {
      DockerCli.runShell(name, "sleep 86400");
      // learning (one vector a second), then some scored idle intervals
      Thread.sleep(Duration.ofSeconds(LEARNING + 12).toMillis());
      List<JsonNode> early = agent.alerts().stream().filter(Agent.rule(RULE, name)).toList();
      assertThat(early).as("idle container: no anomaly").isEmpty();

      DockerCli.ok("exec", "-d", name, "sh", "-c", "md5sum /dev/zero & md5sum /dev/zero & "
          + "i=0; while [ $i -lt 400 ]; do echo $i > /tmp/w$i; /bin/true; i=$((i+1)); done");
      JsonNode a = agent.awaitAlert(Agent.rule(RULE, name), Duration.ofSeconds(40));
      JsonNode f = a.path("output_fields");
      assertThat(f.path("vigil.anomaly.score").asDouble()).isGreaterThanOrEqualTo(
          f.path("vigil.anomaly.threshold").asDouble());
      assertThat(f.path("vigil.anomaly.samples").asInt()).isGreaterThanOrEqualTo(LEARNING);
      assertThat(f.path("vigil.anomaly.top_features").asText()).as(a.toString())
          .containsAnyOf("cpu_percent", "exec_rate", "pids", "file_write_rate", "new_executables");
      for (String top : f.path("vigil.anomaly.top_features").asText().split(",")) {
        assertThat(f.path("vigil.anomaly." + top).asDouble()).as("%s is above its normal: %s", top, a)
            .isGreaterThan(f.path("vigil.anomaly." + top + ".normal").asDouble());
      }
      assertThat(a.path("output").asText()).contains("drivers:").contains(name);
      assertThat(a.path("tags").toString()).contains("anomaly");

      // one episode, one alert: the burst goes on for seconds
      Thread.sleep(5_000);
      assertThat(agent.alerts().stream().filter(Agent.rule(RULE, name)).count()).isEqualTo(1);
      Path baselines = agent.dataDir().resolve("baselines");
      long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (System.nanoTime() < end && !(Files.isDirectory(baselines) && hasFiles(baselines))) {
        Thread.sleep(200);
      }
      assertThat(hasFiles(baselines)).as("model saved under %s", baselines).isTrue();
    } finally {
      DockerCli.exec("rm", "-f", name);
    }
  }

  private static boolean hasFiles(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
