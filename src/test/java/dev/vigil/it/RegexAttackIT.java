package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The two regex attacks of issue 11 against a real agent: container A execs three processes whose argv is
 * {@code ";" + 100,000 spaces + "/var/log/"} (the built-in log-clearing rule's regex backtracked for about 30 s on
 * it under java.util.regex) and one whose argv is 100,000 {@code a} and {@code !} (a user rule's
 * {@code (a+)+$}: 50 s). While they are processed, container B reads /etc/shadow, and its alert must arrive within
 * 1 s. Containers are named {@code h1-regex-*} and removed afterwards; both run without a network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegexAttackIT {

  private static final String PREFIX = "h1-regex-";
  private static final String SENSITIVE = "Sensitive file read by command in container";
  private static final String NESTED = "Nested quantifier user rule";
  private static final Duration BOUND = Duration.ofSeconds(1);

  private Agent agent;
  private int port;
  private final String a = PREFIX + "a-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  private final String b = PREFIX + "b-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);

  @BeforeAll
  void start() throws Exception {
    DockerCli.requireEngineAndImages();
    removeMine();
    Path rules = Files.createTempDirectory("h1-regex-rules").resolve("user.yaml");
    Files.writeString(rules, """
        - rule: %s
          desc: issue 11's user rule, a nested quantifier
          condition: spawned_process and container and proc.args regex "(a+)+$"
          output: nested quantifier matched (command=%%proc.cmdline container=%%container.name)
          priority: NOTICE
        """.formatted(NESTED));
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    agent = Agent.start("monitor", "--rules", rules.toString(), "--metrics-listen", "127.0.0.1:" + port)
        .awaitReady(Duration.ofSeconds(120)); // this shared machine runs at load 20+
    for (String name : List.of(a, b)) {
      DockerCli.ok("run", "-d", "--name", name, "--network", "none", "--stop-timeout", "1", DockerCli.BUSYBOX,
          "sh", "-c", "sleep 600");
    }
  }

  @AfterAll
  void stop() throws Exception {
    try {
      assertThat(agent.isAlive()).isTrue();
      agent.stop();
    } finally {
      removeMine();
    }
  }

  private static void removeMine() {
    String ids = DockerCli.exec("ps", "-aq", "--filter", "name=" + PREFIX).out();
    if (!ids.isBlank()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(List.of(ids.trim().split("\\s+")));
      DockerCli.exec(rm.toArray(String[]::new));
    }
  }

  /**
   * Runs {@code docker exec B cat /etc/shadow <marker>} and waits for its alert; returns two delays in milliseconds:
   * from the exec's own time ({@code evt.time}, the engine's or the kernel's clock) to the alert line being seen in
   * the file (polled every 10 ms), which is the agent's part, and from launching the {@code docker} client, which
   * adds the client's and the engine's time on this (shared, loaded) machine.
   */
  private long[] shadowReadDelayMs(String marker) throws InterruptedException {
    long launchedMs = System.currentTimeMillis();
    Thread exec = new Thread(() -> DockerCli.exec("exec", b, "cat", "/etc/shadow", "/tmp/" + marker));
    exec.start();
    Predicate<JsonNode> mine = x -> Agent.rule(SENSITIVE, b).test(x)
        && x.path("output_fields").path("proc.cmdline").asText().contains(marker);
    long deadline = launchedMs + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode found = agent.alerts().stream().filter(mine).findFirst().orElse(null);
      if (found != null) {
        long seenMs = System.currentTimeMillis();
        exec.join();
        long eventMs = found.path("output_fields").path("evt.time").asLong() / 1_000_000;
        return new long[] {seenMs - eventMs, seenMs - launchedMs};
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no alert for " + marker + " within 30 s:\n" + agent.stderrText());
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Test
  void anotherContainersAlert_arrivesWithinOneSecond_whileTheRegexAttacksRun() throws Exception {
    long[] quiet = shadowReadDelayMs("quiet0");
    ExecutorService attacker = Executors.newFixedThreadPool(4);
    List<Future<?>> attacks = new ArrayList<>();
    String spaces = ";" + " ".repeat(100_000) + "/var/log/";
    String as = "a".repeat(100_000) + "!";
    for (int i = 0; i < 3; i++) {
      attacks.add(attacker.submit(() -> DockerCli.exec("exec", a, "sh", "-c", spaces)));
    }
    attacks.add(attacker.submit(() -> DockerCli.exec("exec", a, "echo", as)));
    List<Long> agentDelays = new ArrayList<>();
    List<Long> launchDelays = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      Thread.sleep(100);
      long[] d = shadowReadDelayMs("during" + i);
      agentDelays.add(d[0]);
      launchDelays.add(d[1]);
    }
    for (Future<?> f : attacks) {
      f.get();
    }
    attacker.shutdown();
    // Container A's own events after the attack are processed promptly too (its order is kept).
    long t0 = System.nanoTime();
    DockerCli.exec("exec", a, "echo", "aaaa");
    agent.awaitAlert(Agent.rule(NESTED, a), Duration.ofSeconds(10));
    long afterAttackMs = (System.nanoTime() - t0) / 1_000_000;
    long worst = agentDelays.stream().mapToLong(Long::longValue).max().orElseThrow();
    System.out.printf(Locale.ROOT, "RegexAttackIT: B's alert after its exec's time: quiet %d ms, during the attack "
        + "%s ms (worst %d ms); after launching docker exec: quiet %d ms, during %s ms; A's next alert %d ms after "
        + "launch%n", quiet[0], agentDelays, worst, quiet[1], launchDelays, afterAttackMs);

    assertThat(worst).as("worst cross-container delay (ms) during the attack; quiet: " + quiet[0]).isLessThan(
        BOUND.toMillis());
    // Cut to 8,192 characters, the hostile argv loses its '!' and matches (a+)+$: the alert shows the cut value.
    assertThat(agent.alerts()).as("A's alerts: the cut hostile argv or the plain one")
        .filteredOn(Agent.rule(NESTED, a)).extracting(x -> x.path("output_fields").path("proc.cmdline").asText())
        .allMatch(c -> c.equals("echo aaaa") || c.length() == 8_192 && c.startsWith("echo aaaa"));
    assertThat(scrape()).as("the hostile argv were cut before matching").containsPattern(
        "vigil_input_cut_total\\{what=\"argv\"\\} ([4-9]|[1-9][0-9]+)\\.0");
  }
}
