package dev.vigil.it;

import static dev.vigil.it.Agent.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Docker daemon is stopped and started again under running agents. Neither exits; the one that was connected
 * resumes its events stream with {@code since=} and re-lists the inventory, the one started while the engine was
 * down ({@code --wait-for-engine}) connects when it comes up; containers that come back with the daemon
 * ({@code --restart always}) and containers started just after it are reported.
 */
class DaemonRestartIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String ENGINE_SCRIPT =
      Path.of(System.getProperty("vigil.projectDir", "."), "scripts", "docker-engine.sh").toString();
  /** Counts its own runs in its writable layer, so each run's wget command line is distinct. */
  private static final String COUNTING_WGET = "httpd -p 127.0.0.1:8080 -h /www;"
      + " n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; sleep 1;"
      + " wget -q -O- -U run$n 'http://127.0.0.1:8080/cgi-bin/slow?4'; sleep 600";

  @BeforeAll
  static void requireEngine() {
    DockerCli.requireEngineAndImages();
    DockerCli.removeAll();
  }

  @AfterAll
  static void engineBackUp() {
    engine("start");
    DockerCli.removeAll();
  }

  private static void engine(String verb) {
    DockerCli.Result r = DockerCli.run(List.of(ENGINE_SCRIPT, verb), 120);
    assertThat(r.exit()).as("docker-engine.sh %s: %s", verb, r.err()).isZero();
  }

  /**
   * The engine restarts {@code --restart always} containers when it comes back; on a slow host that can fail (a shim
   * that could not be cleaned up). Then the container is started by hand right away, which is the other case the
   * agent must not miss: a container started just after the restart, before the agent has reconnected.
   */
  private static void ensureRunning(String name) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if ("true".equals(DockerCli.exec("inspect", "--format", "{{.State.Running}}", name).out())) {
        return;
      }
      Thread.sleep(100);
    }
    DockerCli.ok("start", name);
  }

  @Test
  void daemonRestart_agentsSurviveAndLoseNoContainerEvent() throws Exception {
    String survivor = DockerCli.uniqueName("restart-always");
    try (Agent a = Agent.start("monitor", "--top-interval", "500ms", "--events-liveness", "1s")
        .awaitReady(Duration.ofSeconds(30))) {
      DockerCli.runShell(survivor, COUNTING_WGET, "--restart", "always", "--stop-timeout", "1");
      a.awaitAlert(rule("Remote file copy tool launched in container", survivor)
          .and(x -> x.path("output_fields").path("proc.cmdline").asText().contains("-U run1 ")), WAIT);

      engine("stop");
      Thread.sleep(1500);
      assertThat(a.isAlive()).as("agent alive while the engine is down").isTrue();
      try (Agent b = Agent.start("monitor", "--wait-for-engine", "--top-interval", "500ms")) {
        b.awaitLog(l -> l.contains("waiting for the engine"), Duration.ofSeconds(30));

        engine("start");
        ensureRunning(survivor);
        String fresh = DockerCli.uniqueName("after-restart");
        DockerCli.runShell(fresh, COUNTING_WGET, "--stop-timeout", "1");

        // The container the daemon restarted by itself is seen again (its second run) ...
        a.awaitAlert(rule("Remote file copy tool launched in container", survivor)
            .and(x -> x.path("output_fields").path("proc.cmdline").asText().contains("-U run2 ")), WAIT);
        // ... the one started right after the restart too, by both agents ...
        JsonNode seenByA = a.awaitAlert(rule("Remote file copy tool launched in container", fresh), WAIT);
        b.awaitReady(WAIT).awaitAlert(rule("Remote file copy tool launched in container", fresh), WAIT);
        assertThat(seenByA.path("output_fields").path("container.image.repository").asText())
            .isEqualTo("vigil-test/busybox");
        // ... and the connected agent resumed its events stream instead of starting over.
        // (with the kernel process sensor, alerts can come before the events stream is back: wait for it)
        a.awaitLog(l -> l.contains("re-listing containers and resuming events"), WAIT);
        assertThat(a.isAlive()).isTrue();
        assertThat(b.isAlive()).isTrue();
      }
    }
  }
}
