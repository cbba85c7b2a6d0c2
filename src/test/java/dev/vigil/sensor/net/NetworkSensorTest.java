package dev.vigil.sensor.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.NetConnection;
import dev.vigil.event.NetConnection.Direction;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.ProcNetSamples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One container's polls against a fake {@code /proc}. */
class NetworkSensorTest {

  private static final Instant NOW = Instant.parse("2026-11-29T08:43:00Z");
  private static final long INIT = 100;
  private static final long NETNS = 4026532001L;

  @TempDir
  Path dir;

  private final List<Event> events = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private FakeProc proc;
  private NetworkSensor sensor;

  @BeforeEach
  void setUp() {
    proc = new FakeProc(dir).process(INIT, "sh", NETNS).process(120, "nc", NETNS, 187273)
        .process(130, "nc", NETNS, 188278);
    sensor = new NetworkSensor(null, events::add, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(1), metrics,
        dir);
  }

  private static ContainerInfo container(String networkMode, Instant startedAt) {
    ContainerRef ref = new ContainerRef("23b5d328ee9943495312f5862d4f33d25a264a64c08b169021da557d8fcae0bd",
        "h14fixture", "vigil-test/busybox", "1", "");
    return new ContainerInfo(ref, "sha256:bcaf", Map.of(), "", false, List.of(), List.of(), List.of(), List.of(),
        Map.of("network", networkMode), 0, 0, 0, "overlay2", Map.of(), INIT, true, startedAt,
        List.of("sh"), List.of(), "no");
  }

  private static final ContainerInfo OLD = container("none", NOW.minusSeconds(3600));
  private static final ContainerInfo NEW = container("none", NOW);

  private <T extends Event> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static String lines(String... l) {
    return String.join("\n", l) + "\n";
  }

  @Test
  void firstPoll_reportsListenersAndConnectionsWithOwners() {
    String listen6 = ProcNetSamples.HTTPD_LOOPBACK6.replace(":2382 ", ":1F90 ").replace(" 205231 ", " 187270 ");
    proc.tables(INIT, lines(ProcNetSamples.NC_CLIENT), lines(listen6, ProcNetSamples.NC_ACCEPTED),
        lines(ProcNetSamples.UDP_UNCONNECTED), "", 1, 0, 1);

    sensor.poll(OLD);

    List<NetConnection> net = of(NetConnection.class);
    assertThat(net).extracting(NetConnection::direction, NetConnection::l4proto, NetConnection::localIp,
        NetConnection::localPort, NetConnection::remoteIp, NetConnection::remotePort, NetConnection::pid,
        NetConnection::procName).containsExactly(
            tuple(Direction.LISTEN, "tcp", "::1", 8080, "", 0, 0L, ""),
            tuple(Direction.LISTEN, "udp", "0.0.0.0", 0xCF45, "", 0, 0L, ""),
            tuple(Direction.OUTBOUND, "tcp", "127.0.0.1", 0x80DE, "127.0.0.1", 8080, 130L, "nc"),
            tuple(Direction.INBOUND, "tcp", "127.0.0.1", 8080, "127.0.0.1", 0x80DE, 120L, "nc"));
    assertThat(net).allSatisfy(n -> {
      assertThat(n.sensor()).isEqualTo("kernel.net");
      assertThat(n.time()).isEqualTo(NOW);
      assertThat(n.container()).isEqualTo(OLD.ref());
    });
    assertThat(of(SensorNotice.class)).as("counters of a container older than the sensor are a baseline").isEmpty();

    events.clear();
    sensor.poll(OLD);
    assertThat(events).isEmpty();
  }

  @Test
  void countersMoved_connectAttemptsNotice_withDeltas() {
    proc.tables(INIT, "", "", "", "", 5, 1, 2);
    sensor.poll(OLD);
    proc.tables(INIT, "", "", "", "", 305, 301, 3);
    sensor.poll(OLD);
    proc.tables(INIT, "", "", "", "", 305, 301, 9);
    sensor.poll(OLD);

    List<SensorNotice> notices = of(SensorNotice.class);
    assertThat(notices).hasSize(1);
    SensorNotice n = notices.get(0);
    assertThat(n.what()).isEqualTo("connect_attempts");
    assertThat(n.count()).isEqualTo(300);
    assertThat(n.message()).isEqualTo("active_opens=300 attempt_fails=300 passive_opens=1");
    assertThat(n.sensor()).isEqualTo("kernel.net");
  }

  @Test
  void idleNamespace_isReadEveryThirdPoll_countsNothingLess_andWakesUpOnAChange() {
    proc.tables(INIT, "", "", "", "", 5, 1, 2);
    for (int i = 0; i <= NetworkSensor.IDLE_AFTER; i++) {
      sensor.poll(OLD); // the first poll sets the baseline, then IDLE_AFTER polls with nothing moving
    }
    proc.tables(INIT, "", "", "", "", 305, 301, 2);
    sensor.poll(OLD);
    sensor.poll(OLD);
    assertThat(of(SensorNotice.class)).as("idle: two polls skipped").isEmpty();
    sensor.poll(OLD);
    assertThat(of(SensorNotice.class)).as("its turn: every attempt counted").extracting(SensorNotice::count)
        .containsExactly(300L);
    proc.tables(INIT, "", "", "", "", 312, 308, 2);
    sensor.poll(OLD);
    assertThat(of(SensorNotice.class)).as("awake again: read at once").extracting(SensorNotice::count)
        .containsExactly(300L, 7L);
  }

  @Test
  void containerStartedAfterTheSensor_countersFromZero() {
    proc.tables(INIT, "", "", "", "", 40, 39, 0);
    sensor.poll(NEW);
    assertThat(of(SensorNotice.class)).extracting(SensorNotice::count).containsExactly(40L);
  }

  @Test
  void hostNetwork_oneDegradedNotice_sharedNetwork_nothing() {
    proc.tables(INIT, lines(ProcNetSamples.NC_CLIENT), "", "", "", 1, 0, 0);
    ContainerInfo host = container("host", NOW);
    sensor.poll(host);
    sensor.poll(host);
    sensor.poll(container("container:abc", NOW));
    assertThat(events).singleElement().isInstanceOfSatisfying(SensorNotice.class,
        n -> assertThat(n.what()).isEqualTo("degraded"));
  }

  @Test
  void processGone_stateDropped_andRestartReportsAgain() {
    proc.tables(INIT, lines(ProcNetSamples.NC_CLIENT), "", "", "", 1, 0, 0);
    sensor.poll(OLD);
    assertThat(sensor.tracked()).isEqualTo(1);
    proc.kill(INIT);
    for (int i = 0; i < NetworkSensor.LIVENESS_EVERY; i++) {
      sensor.poll(OLD);
    }
    assertThat(sensor.tracked()).isZero();

    proc.process(INIT, "sh", NETNS);
    proc.tables(INIT, lines(ProcNetSamples.NC_CLIENT), "", "", "", 1, 0, 0);
    events.clear();
    sensor.poll(OLD);
    assertThat(of(NetConnection.class)).hasSize(1);
  }

  @Test
  void stoppedContainer_stateDropped() {
    proc.tables(INIT, "", "", "", "", 0, 0, 0);
    sensor.poll(OLD);
    sensor.stopped(OLD);
    assertThat(sensor.tracked()).isZero();
  }

  @Test
  void missingIpv6Tables_areFine() {
    proc.file(INIT, "tcp", ProcNetSamples.TCP_HEADER + "\n" + ProcNetSamples.HOST_LISTEN + "\n")
        .file(INIT, "udp", ProcNetSamples.UDP_HEADER + "\n")
        .file(INIT, "snmp", "Tcp: ActiveOpens\nTcp: 0\n");
    sensor.poll(OLD);
    assertThat(of(NetConnection.class)).extracting(NetConnection::localPort).containsExactly(2024);
    assertThat(metrics.count("vigil.poll.failures", "sensor", "kernel.net")).isZero();
  }

  @Test
  void unchangedCounters_tcpTablesNotReread_untilCountersMoveOrTheForcedRead() {
    proc.tables(INIT, lines(ProcNetSamples.HOST_LISTEN), "", "", "", 1, 0, 1);
    sensor.poll(OLD);
    events.clear();
    // Same counts, different content: the gate trusts the counters.
    proc.file(INIT, "tcp", ProcNetSamples.TCP_HEADER + "\n" + ProcNetSamples.NC_CLIENT + "\n");
    sensor.poll(OLD);
    assertThat(events).isEmpty();
    // One more open: the tables are read.
    proc.file(INIT, "snmp", "Tcp: ActiveOpens PassiveOpens AttemptFails\nTcp: 2 1 0\n");
    sensor.poll(OLD);
    assertThat(of(NetConnection.class)).extracting(NetConnection::localPort).containsExactly(0x80DE);
    events.clear();
    // A swap the counters cannot see is found by the forced read (after the namespace went idle, only every
    // IDLE_EVERYth poll reads).
    proc.file(INIT, "tcp", ProcNetSamples.TCP_HEADER + "\n" + ProcNetSamples.HOST_LISTEN + "\n");
    int polls = NetworkSensor.IDLE_AFTER + (SocketGate.TCP_FULL_EVERY - NetworkSensor.IDLE_AFTER)
        * NetworkSensor.IDLE_EVERY;
    for (int i = 0; i < polls; i++) {
      sensor.poll(OLD);
    }
    assertThat(of(NetConnection.class)).extracting(NetConnection::localPort).containsExactly(2024);
  }
}
