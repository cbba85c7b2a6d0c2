package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An engine restarted ten times in a row under a running agent: each time the agent follows the events stream
 * again within a second of the engine answering {@code /_ping}. The engine is a second dockerd of the test's own
 * (its own data root, exec root and socket, no bridge, no iptables), so the shared engine is never restarted; it
 * runs no containers. The delay is the agent's "following Docker events since" log time minus the time this test's
 * own 10 ms ping loop first got an answer.
 */
class EngineRestartFollowIT {

  private static final Path ROOT = Path.of("/tmp/h3-it-dockerd");
  private static final Path SOCKET = Path.of("/tmp/h3-it-docker.sock");
  private static final Duration DOWN = Duration.ofSeconds(3);
  private static final int RESTARTS = 10;
  private static Process dockerd;

  @BeforeAll
  static void dockerdAvailable() throws Exception {
    assertThat(Path.of("/usr/sbin/dockerd")).as("dockerd installed").exists();
    startEngine();
  }

  @AfterAll
  static void stopEngine() throws InterruptedException, IOException {
    if (dockerd != null && dockerd.isAlive()) {
      dockerd.destroy();
      if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
        dockerd.destroyForcibly();
        dockerd.waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (dockerd != null && !dockerd.isAlive() && Files.isDirectory(ROOT)) {
      try (var paths = Files.walk(ROOT)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void startEngine() throws IOException {
    Files.createDirectories(ROOT);
    dockerd = new ProcessBuilder("/usr/sbin/dockerd", "--data-root", ROOT.resolve("data").toString(),
        "--exec-root", ROOT.resolve("exec").toString(), "--host", "unix://" + SOCKET,
        "--pidfile", ROOT.resolve("docker.pid").toString(), "--bridge", "none", "--iptables=false",
        "--ip6tables=false")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(ROOT.resolve("dockerd.log").toFile()))
        .start();
  }

  /** Stops the engine (SIGTERM) and waits until it is gone. */
  private static void stopEngineAndWait() throws InterruptedException {
    dockerd.destroy();
    assertThat(dockerd.waitFor(60, TimeUnit.SECONDS)).as("dockerd stopped").isTrue();
  }

  /** Pings every 10 ms until the engine answers; the time of the first answer. */
  private static Instant awaitPing(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (ping()) {
        return Instant.now();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("second engine does not answer /_ping within " + timeout);
  }

  private static boolean ping() {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(SOCKET))) {
      ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(1024);
      while (ch.read(buf) >= 0 && buf.position() < buf.capacity()) {
        // HTTP/1.0: the engine closes after the answer
      }
      String answer = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
      return answer.startsWith("HTTP/1.") && answer.contains(" 200 ") && answer.endsWith("OK");
    } catch (IOException e) {
      return false;
    }
  }

  /** Times of the agent's "following Docker events since" lines, from its log. */
  private static List<Instant> follows(Agent a) {
    List<Instant> out = new ArrayList<>();
    for (String line : a.stderrText().split("\n")) {
      if (line.contains("following Docker events since")) {
        out.add(Instant.parse(line.substring(0, line.indexOf(' '))));
      }
    }
    return out;
  }

  @Test
  void engineRestartedTenTimes_eventsFollowedWithinOneSecondOfTheEngineAnswering_eachTime() throws Exception {
    awaitPing(Duration.ofSeconds(60));
    List<Long> delays = new ArrayList<>();
    try (Agent a = Agent.start("monitor", "-H", "unix://" + SOCKET, "--disable-sensor", "kernel.proc",
        "--disable-sensor", "kernel.fanotify", "--disable-sensor", "kernel.net", "--disable-sensor", "kernel.cgroup")
        .awaitReady(Duration.ofSeconds(30))) {
      a.awaitLog(l -> l.contains("following Docker events since"), Duration.ofSeconds(30));
      for (int i = 0; i < RESTARTS; i++) {
        int before = follows(a).size();
        stopEngineAndWait();
        Thread.sleep(DOWN.toMillis()); // long enough for a growing back-off to have grown
        startEngine();
        Instant answered = awaitPing(Duration.ofSeconds(60));
        a.awaitLog(l -> follows(a).size() > before, Duration.ofSeconds(30));
        Instant followed = follows(a).get(before);
        long ms = Duration.between(answered, followed).toMillis();
        delays.add(ms);
        System.out.printf("restart %d: events followed %d ms after the engine answered%n", i + 1, ms);
      }
      assertThat(a.isAlive()).isTrue();
    }
    System.out.println("engine restart delays (ms): " + delays);
    assertThat(delays).hasSize(RESTARTS).allSatisfy(ms -> assertThat(ms).isLessThan(1000));
  }
}
