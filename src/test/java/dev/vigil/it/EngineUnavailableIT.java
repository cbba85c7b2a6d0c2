package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An engine that cannot be used yields one clear line and a distinct exit code, never a stack trace. */
class EngineUnavailableIT {

  @Test
  void missingSocket_exits3_withOneLineNamingTheAddress() throws Exception {
    try (Agent a = Agent.start("monitor", "-H", "unix:///tmp/vigil-it-no-such.sock")) {
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
      assertThat(a.stderrText().trim()).isEqualTo(
          "vigil: cannot reach Docker engine at unix:///tmp/vigil-it-no-such.sock: no socket there; is dockerd running?");
      assertThat(a.stdoutText()).isEmpty();
    }
  }

  @Test
  void refusedTcpPort_exits3_sayingConnectionRefused() throws Exception {
    try (Agent a = Agent.start("monitor", "-H", "tcp://127.0.0.1:1")) {
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
      assertThat(a.stderrText().trim())
          .startsWith("vigil: cannot reach Docker engine at tcp://127.0.0.1:1")
          .contains("connection refused")
          .doesNotContain("\n");
    }
  }

  @Test
  void socketNotPermitted_exits4_namingTheDockerGroup() throws Exception {
    // Run as 'nobody' from a world-readable copy of the jar: the engine socket is root:docker 0660.
    Path dir = Files.createTempDirectory("vigil-it-perm", PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // whatever this JVM's umask
    Path jar = Files.copy(Agent.jar(), dir.resolve("vigil.jar"));
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    // the data directory is nobody's own, private, as the agent keeps it (a wider one is tightened with a warning)
    Path data = Files.createDirectory(dir.resolve("data"));
    Files.setAttribute(data, "unix:uid", 65534);
    Files.setAttribute(data, "unix:gid", 65534);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    DockerCli.Result r = DockerCli.run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        Agent.javaBin(), "-jar", jar.toString(), "monitor", "-H", "unix:///var/run/docker.sock", "--data-dir",
        data.toString()), 60);
    assertThat(r.exit()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).isEqualTo("vigil: permission denied on Docker engine socket unix:///var/run/docker.sock:"
        + " run Vigil as root or as a member of the 'docker' group");
  }

  @Test
  void waitForEngine_retriesUntilItsDeadline_thenExits3() throws Exception {
    long start = System.nanoTime();
    try (Agent a = Agent.start("monitor", "-H", "unix:///tmp/vigil-it-no-such.sock", "--wait-for-engine", "3s")) {
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      assertThat(a.stderrText()).contains("waiting for the engine").doesNotContain("\tat ");
    }
  }

  @Test
  void logFormatJson_writesEcsJsonLinesOnStderr() throws Exception {
    try (Agent a = Agent.start("monitor", "-H", "unix:///tmp/vigil-it-no-such.sock", "--wait-for-engine", "1s",
        "--log-format", "json")) {
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
      com.fasterxml.jackson.databind.JsonNode waiting = null;
      for (String line : a.stderrText().split("\n")) {
        if (line.startsWith("{")) {
          com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
          if (n.path("message").asText().contains("waiting for the engine")) {
            waiting = n;
          }
        }
      }
      assertThat(waiting).as(a.stderrText()).isNotNull();
      assertThat(waiting.path("log.level").asText()).isEqualTo("WARN");
      assertThat(waiting.has("@timestamp")).isTrue();
      assertThat(waiting.path("service.name").asText()).isEqualTo("vigil");
    }
  }

  @Test
  void badOption_exits2_withUsage() throws Exception {
    try (Agent a = Agent.start("monitor", "--stats-interval", "soon")) {
      assertThat(a.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(a.stderrText()).contains("'soon' is not a duration").contains("Usage: vigil monitor");
    }
  }
}
