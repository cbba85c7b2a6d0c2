package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each Docker sensor on its own, against the real engine, collecting its events in memory. */
class DockerSensorsIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static DockerConnection conn;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();

  @BeforeAll
  static void connect() throws Exception {
    conn = DockerConnection.open(DockerSettings.defaults());
    docker("rm", "-f", "vigil-it-sensor-logs", "vigil-it-sensor-stats", "vigil-it-sensor-exec",
        "vigil-it-sensor-inv");
  }

  @AfterAll
  static void disconnect() {
    docker("rm", "-f", "vigil-it-sensor-logs", "vigil-it-sensor-stats", "vigil-it-sensor-exec",
        "vigil-it-sensor-inv");
    conn.close();
  }

  @AfterEach
  void closeSensors() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /**
   * A stream silent for maxSilence is reopened (a half-open connection would never say so), with since= and without
   * re-listing every container: the engine answered its ping, so nothing was missed.
   */
  @Test
  void silentStream_isReopened_withoutReListingTheContainers() throws Exception {
    // the other tests' containers (a health check execs every second) would keep the stream busy
    docker("rm", "-f", "vigil-it-sensor-logs", "vigil-it-sensor-stats", "vigil-it-sensor-exec",
        "vigil-it-sensor-inv");
    DockerInventory inv = new DockerInventory(conn);
    DockerEventsSensor ev = start(new DockerEventsSensor(conn, inv, events::add, metrics, Duration.ofMillis(200),
        Duration.ofSeconds(1)));
    long syncs = inv.syncs();
    assertThat(syncs).as("the start lists the containers once").isEqualTo(1);
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (ev.connects() < 3 && System.nanoTime() < end) {
      Thread.sleep(100);
    }
    assertThat(ev.connects()).as("reopened after each second of silence").isGreaterThanOrEqualTo(3);
    assertThat(inv.syncs()).as("no re-listing for a silent stream").isEqualTo(syncs);
  }

  @Test
  void logs_tenMegabyteLineIsCutAndCounted_invalidUtf8Tolerated_streamsSeparated() throws Exception {
    DockerInventory inv = new DockerInventory(conn);
    DockerEventsSensor ev = start(new DockerEventsSensor(conn, inv, events::add, metrics, Duration.ofSeconds(1),
        Duration.ofMinutes(5)));
    DockerLogsSensor logs = start(new DockerLogsSensor(conn, inv, events::add, Clock.systemUTC(), 16384, metrics));
    assertThat(ev.connects()).isGreaterThanOrEqualTo(0);

    docker("run", "-d", "--name", "vigil-it-sensor-logs", "--network", "none", IMAGE, "sh", "-c",
        "sleep 1; head -c 10485760 /dev/zero | tr '\\0' A; echo; echo after-the-long-line;"
            + " printf 'bad \\377\\376 bytes\\n'; echo to-stderr >&2; sleep 30");

    LogLine after = await(LogLine.class, l -> l.text().equals("after-the-long-line"));
    List<LogLine> lines = of(LogLine.class);
    LogLine big = lines.stream().filter(LogLine::truncated).findFirst().orElseThrow();
    assertThat(big.text()).hasSize(16384).matches("A+");
    assertThat(big.originalBytes()).isEqualTo(10L * 1024 * 1024);
    assertThat(after.container().name()).isEqualTo("vigil-it-sensor-logs");
    assertThat(after.container().imageRepository()).isEqualTo("vigil-test/busybox");
    LogLine bad = await(LogLine.class, l -> l.text().startsWith("bad "));
    assertThat(bad.text()).isEqualTo("bad \uFFFD\uFFFD bytes");
    LogLine err = await(LogLine.class, l -> l.text().equals("to-stderr"));
    assertThat(err.stream()).isEqualTo(LogLine.Stream.STDERR);
    assertThat(metrics.count("vigil.log.truncated", "sensor", "docker.logs")).isEqualTo(1);
    assertThat(logs.following()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void stats_busyContainerShowsCpuNearOneCore_pidsAndMemory() throws Exception {
    docker("run", "-d", "--name", "vigil-it-sensor-stats", "--network", "none", IMAGE, "sh", "-c",
        "while :; do :; done");
    DockerInventory inv = new DockerInventory(conn);
    inv.syncAll();
    start(new DockerStatsSensor(conn, inv, events::add, Clock.systemUTC(), Duration.ofMillis(700), metrics));

    // A busy loop gets most of a core; on a loaded 2-core host, at least a quarter of one.
    StatsSample s = await(StatsSample.class, x -> x.container().name().equals("vigil-it-sensor-stats")
        && x.cpuPercent() > 25);
    assertThat(s.cpuPercent()).isLessThan(130);
    assertThat(s.pids()).isGreaterThanOrEqualTo(1);
    assertThat(s.memoryBytes()).isPositive();
  }

  @Test
  void events_execAndHealthcheckAreToldApart_withExactArgv() throws Exception {
    DockerInventory inv = new DockerInventory(conn);
    start(new DockerEventsSensor(conn, inv, events::add, metrics, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    docker("run", "-d", "--name", "vigil-it-sensor-exec", "--network", "none", "--health-cmd",
        "wget -q -O- http://127.0.0.1:1/ || true", "--health-interval", "1s", IMAGE, "sleep", "60");

    ProcessExec probe = await(ProcessExec.class, p -> p.container().name().equals("vigil-it-sensor-exec")
        && p.origin() == ExecOrigin.HEALTHCHECK);
    assertThat(probe.args()).containsExactly("/bin/sh", "-c", "wget -q -O- http://127.0.0.1:1/ || true");

    docker("exec", "vigil-it-sensor-exec", "wget", "-q", "-O-", "http://127.0.0.1:1/a b");
    ProcessExec exec = await(ProcessExec.class, p -> p.origin() == ExecOrigin.DOCKER_EXEC
        && p.container().name().equals("vigil-it-sensor-exec"));
    assertThat(exec.args()).containsExactly("wget", "-q", "-O-", "http://127.0.0.1:1/a b");
    assertThat(exec.name()).isEqualTo("wget");
    assertThat(exec.execId()).isNotEmpty();
    assertThat(of(ContainerLifecycle.class)).anyMatch(l -> l.action().equals("start")
        && l.container().name().equals("vigil-it-sensor-exec"));
    assertThat(of(ContainerLifecycle.class)).anyMatch(l -> l.action().equals("exec_start")
        && l.detail().startsWith("wget -q"));
  }

  @Test
  void inventory_holdsSecurityConfigLimitsLayersAndInitPid() throws Exception {
    docker("run", "-d", "--name", "vigil-it-sensor-inv", "--network", "none", "--cap-add", "NET_ADMIN",
        "--cap-drop", "CHOWN", "--memory", "64m", "--cpus", "0.5", "--pids-limit", "50", "--pid", "host",
        "--security-opt", "no-new-privileges", "-v", "/etc:/hostetc:ro", "--user", "65534", "--label",
        "team=$(id) \"q\"", IMAGE, "sleep", "60");
    DockerInventory inv = new DockerInventory(conn);
    inv.syncAll();

    ContainerInfo c = inv.running().stream().filter(x -> x.ref().name().equals("vigil-it-sensor-inv"))
        .findFirst().orElseThrow();
    assertThat(c.ref().image()).isEqualTo(IMAGE);
    assertThat(c.capAdd()).anyMatch(x -> x.endsWith("NET_ADMIN"));
    assertThat(c.capDrop()).anyMatch(x -> x.endsWith("CHOWN"));
    assertThat(c.memoryLimit()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.nanoCpus()).isEqualTo(500_000_000L);
    assertThat(c.pidsLimit()).isEqualTo(50);
    assertThat(c.namespaces()).containsEntry("pid", "host").containsEntry("network", "none");
    assertThat(c.securityOpt()).contains("no-new-privileges");
    assertThat(c.user()).isEqualTo("65534");
    assertThat(c.labels()).containsEntry("team", "$(id) \"q\"");
    assertThat(c.mounts()).anyMatch(m -> m.destination().equals("/hostetc") && !m.readWrite()
        && m.type().equals("bind"));
    assertThat(c.graphDriver()).isEqualTo("overlay2");
    assertThat(Path.of(c.upperDir())).isDirectory();
    assertThat(c.initPid()).isPositive();
    String comm = Files.readString(Path.of("/proc/" + c.initPid() + "/comm"), StandardCharsets.UTF_8).trim();
    assertThat(comm).isEqualTo("sleep");
    // Short ids resolve too, and a destroyed container keeps its identity for late events.
    assertThat(inv.find(c.ref().shortId())).isPresent();
    docker("rm", "-f", "vigil-it-sensor-inv");
    inv.refresh(c.ref().id());
    Optional<ContainerInfo> gone = inv.find(c.ref().id());
    assertThat(gone).isPresent();
    assertThat(inv.resolve(c.ref().id()).name()).isEqualTo("vigil-it-sensor-inv");
  }

  private <T extends AutoCloseable> T start(T sensor) {
    ((dev.vigil.sensor.Sensor) sensor).start();
    toClose.add(sensor);
    return sensor;
  }

  private <T extends Event> List<T> of(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private <T extends Event> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      for (T e : of(type)) {
        if (match.test(e)) {
          return e;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching " + type.getSimpleName() + " within 20 s; got " + of(type).size()
        + " of that type");
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
