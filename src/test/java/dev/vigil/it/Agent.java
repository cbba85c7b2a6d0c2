package dev.vigil.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real agent, run as users run it ({@code java -jar target/vigil.jar monitor ...}) in a child process, with its
 * alerts file, stdout and stderr kept in a temporary directory for assertions.
 */
final class Agent implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path alerts;
  final Path stdout;
  final Path stderr;
  private final Process process;

  private Agent(Path dir, Process process) {
    this.dir = dir;
    this.alerts = dir.resolve("alerts.jsonl");
    this.stdout = dir.resolve("stdout");
    this.stderr = dir.resolve("stderr");
    this.process = process;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("vigil.jar", "target/vigil.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " not built; integration tests run after `mvn package`");
    }
    return jar;
  }

  /** Starts {@code vigil <args>} (the alerts file option is added when args start with "monitor"). */
  static Agent start(String... args) throws IOException {
    Path dir = Files.createTempDirectory("vigil-it-agent");
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-XX:+UseSerialGC", "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    if (args.length > 0 && args[0].equals("monitor")) {
      cmd.addAll(List.of("--alerts-file", dir.resolve("alerts.jsonl").toString()));
      if (!List.of(args).contains("--data-dir")) { // each agent its own status, store and baselines
        cmd.addAll(List.of("--data-dir", dir.resolve("data").toString()));
      }
    }
    return startAs(dir, cmd);
  }

  /**
   * Starts {@code cmd}, an agent started some other way (a service's command line, {@code docker run}), whose
   * alerts file the command puts at {@code dir/alerts.jsonl}; its stdout and stderr go to {@code dir}.
   */
  static Agent startAs(Path dir, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    return new Agent(dir, p);
  }

  /** The agent's data directory (status.json, alerts.db, baselines), unless the test chose one. */
  Path dataDir() {
    return dir.resolve("data");
  }

  /** Runs another vigil command to completion (e.g. {@code alerts --json}) and returns its stdout. */
  static DockerCli.Result vigil(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return new DockerCli.Result(p.exitValue(), out, err);
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Each sensor's state in {@code dataDir/status.json}, waiting for the file to be written. */
  static Map<String, String> sensorStates(Path dataDir, Duration timeout) throws Exception {
    Path file = dataDir.resolve("status.json");
    long end = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(file) && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    Map<String, String> states = new LinkedHashMap<>();
    for (JsonNode s : JSON.readTree(file.toFile()).path("sensors")) {
      states.put(s.path("name").asText(), s.path("state").asText());
    }
    return states;
  }

  /** Waits until the agent logged that it is monitoring (its sensors are attached). */
  Agent awaitReady(Duration timeout) throws InterruptedException {
    awaitLog(l -> l.contains("monitoring"), timeout);
    return this;
  }

  void awaitLog(Predicate<String> match, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (stderrText().lines().anyMatch(match)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("agent exited (" + process.exitValue() + "):\n" + stderrText());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("agent log line not seen within " + timeout + ":\n" + stderrText());
  }

  String stderrText() {
    return read(stderr);
  }

  String stdoutText() {
    return read(stdout);
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Every alert written so far; fails if any complete line of the file is not a JSON object. A last line without
   * its newline is being written (one write(2) is not atomic for a concurrent reader once it crosses a page) and is
   * left for the next call.
   */
  List<JsonNode> alerts() {
    List<JsonNode> out = new ArrayList<>();
    String text = read(alerts);
    int end = text.lastIndexOf('\n');
    for (String line : (end < 0 ? "" : text.substring(0, end)).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        if (!n.isObject()) {
          throw new AssertionError("alert line is not a JSON object: " + line);
        }
        out.add(n);
      } catch (IOException e) {
        throw new AssertionError("alert line is not valid JSON: " + line, e);
      }
    }
    return out;
  }

  /** Waits for the first alert matching {@code match}. */
  JsonNode awaitAlert(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      for (JsonNode a : alerts()) {
        if (match.test(a)) {
          return a;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no matching alert within " + timeout + "; alerts:\n" + read(alerts)
        + "\nagent log:\n" + stderrText());
  }

  static Predicate<JsonNode> rule(String rule, String containerName) {
    return a -> rule.equals(a.path("rule").asText())
        && containerName.equals(a.path("output_fields").path("container.name").asText());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to exit by itself; returns its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("agent still running after " + timeout + ":\n" + stderrText());
    }
    return process.exitValue();
  }

  /** SIGTERM, as a service manager would stop it; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  /** SIGKILL, as a crash or the OOM killer ends it: no shutdown hook runs; returns the exit code (137). */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
