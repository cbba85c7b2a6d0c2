package dev.vigil.sensor.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.Event;
import dev.vigil.event.NetConnection;
import dev.vigil.event.NetConnection.Direction;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The network sensor against real containers (all {@code --network none}, every target 127.0.0.1 inside). */
class NetworkSensorIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static final String LISTEN = "vigil-it-net-listen";
  private static final String SCAN = "vigil-it-net-scan";
  private static final Pattern FAILS = Pattern.compile("attempt_fails=(\\d+)");
  private static DockerConnection conn;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private NetworkSensor sensor;

  @BeforeAll
  static void connect() throws Exception {
    conn = DockerConnection.open(DockerSettings.defaults());
    docker("rm", "-f", LISTEN, SCAN);
  }

  @AfterAll
  static void disconnect() {
    docker("rm", "-f", LISTEN, SCAN);
    conn.close();
  }

  @AfterEach
  void stopSensor() {
    if (sensor != null) {
      sensor.close();
    }
  }

  private void startSensor() {
    DockerInventory inv = new DockerInventory(conn);
    inv.syncAll();
    sensor = new NetworkSensor(inv, events::add, Clock.systemUTC(), Duration.ofMillis(500), metrics);
    sensor.start();
  }

  @Test
  void listenerThenLoopbackConnection_listenOutboundInboundWithOwners() throws Exception {
    docker("run", "-d", "--name", LISTEN, "--network", "none", IMAGE, "sh", "-c", "sleep 60 | nc -l -p 8080");
    startSensor();

    NetConnection listen = await(n -> n.container().name().equals(LISTEN) && n.direction() == Direction.LISTEN
        && n.localPort() == 8080);
    assertThat(listen.l4proto()).isEqualTo("tcp");
    assertThat(listen.procName()).isEqualTo("nc");
    assertThat(listen.pid()).isPositive();
    assertThat(listen.remoteIp()).isEmpty();
    assertThat(listen.sensor()).isEqualTo("kernel.net");

    docker("exec", "-d", LISTEN, "sh", "-c", "sleep 3 | nc 127.0.0.1 8080");
    NetConnection out = await(n -> n.container().name().equals(LISTEN) && n.direction() == Direction.OUTBOUND
        && n.remotePort() == 8080);
    assertThat(out.remoteIp()).isEqualTo("127.0.0.1");
    assertThat(out.procName()).isEqualTo("nc");
    assertThat(out.pid()).isPositive().isNotEqualTo(listen.pid());
    NetConnection in = await(n -> n.container().name().equals(LISTEN) && n.direction() == Direction.INBOUND
        && n.localPort() == 8080);
    assertThat(in.localIp()).isEqualTo("127.0.0.1");
    assertThat(in.remotePort()).isEqualTo(out.localPort());
    assertThat(in.pid()).as("accepted by the listening nc").isEqualTo(listen.pid());
    assertThat(events.stream().filter(e -> e instanceof NetConnection n && n.direction() == Direction.INBOUND
        && n.container().name().equals(LISTEN))).as("reported once").hasSize(1);
  }

  @Test
  void threeHundredRefusedConnects_allCounted() throws Exception {
    String id = docker("run", "-d", "--name", SCAN, "--network", "none", IMAGE, "sleep", "60");
    startSensor();
    waitFor(() -> sensor.tracks(id), "the sensor to poll the container");

    long t0 = System.nanoTime();
    docker("exec", SCAN, "sh", "-c", "for p in $(seq 20000 20299); do nc -w 1 127.0.0.1 $p 2>/dev/null; done");
    long scanMillis = (System.nanoTime() - t0) / 1_000_000;

    waitFor(() -> attempts() >= 300, "300 connect attempts to be counted (scan took " + scanMillis + " ms); got "
        + notices());
    assertThat(attempts()).isBetween(300L, 310L);
    long fails = notices().stream().mapToLong(n -> {
      Matcher m = FAILS.matcher(n.message());
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }).sum();
    assertThat(fails).isGreaterThanOrEqualTo(300);
    assertThat(events.stream().filter(e -> e instanceof NetConnection n && n.container().name().equals(SCAN)))
        .as("refused in microseconds: never in a socket table").isEmpty();
  }

  private List<SensorNotice> notices() {
    return events.stream().filter(e -> e instanceof SensorNotice n && n.what().equals("connect_attempts")
        && n.container().name().equals(SCAN)).map(SensorNotice.class::cast).toList();
  }

  private long attempts() {
    return notices().stream().mapToLong(SensorNotice::count).sum();
  }

  private NetConnection await(Predicate<NetConnection> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      for (Event e : events) {
        if (e instanceof NetConnection n && match.test(n)) {
          return n;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching NetConnection within 15 s; got " + events);
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.trim();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
