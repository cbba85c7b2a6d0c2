package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No blind windows: an agent killed with SIGKILL and restarted with the same data directory assesses what happened
 * meanwhile. A container started with {@code --cap-add SYS_PTRACE}, one with {@code /etc} mounted and a process
 * named {@code xmrig} started in an already running container during the gap all alert after the restart, marked
 * as found at start, each container once although the resumed events stream replays its start. A gap longer than
 * {@code --events-max-gap} is itself an alert. Containers are named {@value #PREFIX}... and removed afterwards.
 */
class BlindWindowIT {

  private static final String PREFIX = "h3-bw-";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DANGEROUS_CAPS = "Container with dangerous capabilities";
  private static final String SENSITIVE_MOUNT = "Container with sensitive host mount";
  private static final String MINER = "Crypto miner launched in container";

  @BeforeAll
  static void requireEngine() throws java.io.IOException {
    DockerCli.requireEngineAndImages();
    removeMine();
  }

  private static Path data;

  @AfterAll
  static void removeMine() throws java.io.IOException {
    if (data != null) {
      try (var paths = Files.walk(data)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    String ids = DockerCli.exec("ps", "-aq", "--filter", "name=" + PREFIX).out();
    if (!ids.isBlank()) {
      List<String> a = new java.util.ArrayList<>(List.of("rm", "-f"));
      a.addAll(Arrays.asList(ids.trim().split("\\s+")));
      DockerCli.exec(a.toArray(String[]::new));
    }
  }

  private static String name(String what) {
    return PREFIX + what + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  private static Predicate<JsonNode> foundAtStart(String rule, String container) {
    return Agent.rule(rule, container).and(a -> a.path("output_fields").path("evt.found_at_start").asBoolean(false)
        && a.path("output").asText().endsWith("(found at start)"));
  }

  private static long count(Agent a, String rule, String container) {
    return a.alerts().stream().filter(Agent.rule(rule, container)).count();
  }

  @Test
  void killedAgent_restarted_alertsOnWhatStartedInTheGap_markedFoundAtStart_once() throws Exception {
    data = Files.createTempDirectory("h3-bw-data");
    String running = name("running");
    String ptrace = name("ptrace");
    String etc = name("etc");
    try (Agent first = Agent.start("monitor", "--data-dir", data.toString()).awaitReady(WAIT)) {
      DockerCli.runShell(running, "sleep 600");
      first.awaitLog(l -> l.contains("monitoring"), WAIT);
      Thread.sleep(2500); // the position of the running container's start is saved (at most once a second)
      assertThat(first.kill()).isEqualTo(137);
    }
    assertThat(data.resolve("events.position")).exists();

    // the gap: nothing watches
    DockerCli.runShell(ptrace, "sleep 600", "--cap-add", "SYS_PTRACE");
    DockerCli.runShell(etc, "sleep 600", "-v", "/etc:/host-etc:ro");
    DockerCli.ok("exec", "-d", running, "sh", "-c", "cp /bin/busybox /tmp/xmrig && exec -a sleep /tmp/xmrig 600");
    Thread.sleep(1000);

    try (Agent second = Agent.start("monitor", "--data-dir", data.toString()).awaitReady(WAIT)) {
      second.awaitLog(l -> l.contains("resuming Docker events from"), WAIT);
      JsonNode caps = second.awaitAlert(foundAtStart(DANGEROUS_CAPS, ptrace), WAIT);
      assertThat(caps.path("output").asText()).contains("CAP_SYS_PTRACE");
      second.awaitAlert(foundAtStart(SENSITIVE_MOUNT, etc), WAIT);
      JsonNode miner = second.awaitAlert(foundAtStart(MINER, running), WAIT);
      assertThat(miner.path("output_fields").path("proc.name").asText()).isEqualTo("xmrig");
      // the resumed stream replays the two starts (and the exec); the replayed starts are not assessed again
      second.awaitLog(l -> l.contains("following Docker events since"), WAIT);
      Thread.sleep(3000);
      assertThat(count(second, DANGEROUS_CAPS, ptrace)).isEqualTo(1);
      assertThat(count(second, SENSITIVE_MOUNT, etc)).isEqualTo(1);
      assertThat(second.alerts()).noneMatch(a -> "Agent blind window".equals(a.path("rule").asText()));
      // a container started now is live, not found at start
      String live = name("live");
      DockerCli.runShell(live, "sleep 600", "--cap-add", "SYS_PTRACE");
      JsonNode fresh = second.awaitAlert(Agent.rule(DANGEROUS_CAPS, live), WAIT.multipliedBy(2));
      assertThat(fresh.path("output_fields").has("evt.found_at_start")).isFalse();
      second.kill();
    }

    // longer than --events-max-gap: the agent starts from now and says it was blind
    Thread.sleep(2500);
    try (Agent third = Agent.start("monitor", "--data-dir", data.toString(), "--events-max-gap", "1s")
        .awaitReady(WAIT)) {
      JsonNode blind = third.awaitAlert(a -> "Agent blind window".equals(a.path("rule").asText()), WAIT);
      assertThat(blind.path("output").asText()).contains("what=gap", "longer than the maximum gap");
      // what is still running is assessed all the same
      third.awaitAlert(foundAtStart(DANGEROUS_CAPS, ptrace), WAIT);
    }
  }
}
