package dev.vigil.sensor.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.Event;
import dev.vigil.event.StatsSample;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerSettings;
import dev.vigil.sensor.docker.DockerStatsSensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cgroup stats sensor against real containers: a busy loop held to half a CPU, an idle one, and two containers
 * on an internal network passing bytes with nc (traffic only between these sibling test containers). Where
 * practical, the samples are compared with the Engine API's ({@code docker.stats}) and {@code docker stats}.
 */
class CgroupStatsSensorIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static final String BUSY = "vigil-it-cgroup-busy";
  private static final String IDLE = "vigil-it-cgroup-idle";
  private static final String SERVER = "vigil-it-cgroup-server";
  private static final String CLIENT = "vigil-it-cgroup-client";
  private static final String NET = "vigil-it-cgroup-net";
  private static final Pattern PERCENT = Pattern.compile("([0-9.]+)%");
  private static DockerConnection conn;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private final List<AutoCloseable> sensors = new ArrayList<>();

  @BeforeAll
  static void connect() throws Exception {
    conn = DockerConnection.open(DockerSettings.defaults());
    cleanUp();
  }

  @AfterAll
  static void disconnect() {
    cleanUp();
    conn.close();
  }

  private static void cleanUp() {
    docker("rm", "-f", BUSY, IDLE, SERVER, CLIENT);
    docker("network", "rm", NET);
  }

  @AfterEach
  void stopSensors() throws Exception {
    for (AutoCloseable s : sensors) {
      s.close();
    }
  }

  private CgroupStatsSensor startSensor(DockerInventory inv) {
    CgroupStatsSensor s = new CgroupStatsSensor(inv, events::add, Clock.systemUTC(), Duration.ofSeconds(1), metrics);
    sensors.add(s);
    s.start();
    return s;
  }

  @Test
  void probe_thisHost_ok() {
    assertThat(CgroupStatsSensor.probe()).as("the IT host runs the agent as root with readable cgroups").isEmpty();
  }

  @Test
  void busyLoopAtHalfACpu_about50Percent_idleNearZero_matchingTheEngineApi() throws Exception {
    ok("run", "-d", "--name", BUSY, "--network", "none", "--cpus", "0.5", IMAGE, "sh", "-c", "while :; do :; done");
    ok("run", "-d", "--name", IDLE, "--network", "none", IMAGE, "sleep", "120");
    long busyPid = Long.parseLong(ok("inspect", "-f", "{{.State.Pid}}", BUSY));
    DockerInventory inv = new DockerInventory(conn);
    inv.syncAll();
    CgroupStatsSensor sensor = startSensor(inv);
    DockerStatsSensor api = new DockerStatsSensor(conn, inv, events::add, Clock.systemUTC(), Duration.ofSeconds(1),
        metrics);
    sensors.add(api);
    api.start();

    long[] before = throttling(busyPid);
    List<StatsSample> busy = await(BUSY, "kernel.cgroup", 4);
    List<StatsSample> idle = await(IDLE, "kernel.cgroup", 4);
    long[] after = throttling(busyPid);
    double busyCpu = median(busy);
    double throttledShare = (after[1] - before[1]) / (double) Math.max(1, after[0] - before[0]);
    assertThat(busyCpu).as("--cpus 0.5 busy loop, median of " + busy).isLessThanOrEqualTo(70.0);
    // On a shared 2-core host other work can keep the loop below its quota (docker stats then shows less too).
    // When the kernel throttled it in most CFS periods, it did get its half CPU, and the sensor must say so.
    if (throttledShare >= 0.8) {
      assertThat(busyCpu).as("throttled in %.0f%% of periods: %s", throttledShare * 100, busy).isBetween(30.0, 70.0);
    }
    assertThat(median(idle)).as("sleeping container: " + idle).isLessThan(5.0);
    for (StatsSample s : List.of(busy.get(busy.size() - 1), idle.get(idle.size() - 1))) {
      assertThat(s.memoryBytes()).isPositive();
      assertThat(s.pids()).isGreaterThanOrEqualTo(1);
      assertThat(s.memoryLimit()).isPositive();
      assertThat(s.rxBytes()).as("--network none: loopback only, not counted").isZero();
    }
    assertThat(sensor.openFiles()).as("descriptors kept for both containers").isGreaterThanOrEqualTo(2 * 5);

    // The same container through the Engine API: same limit and pids, close memory and CPU.
    List<StatsSample> viaApi = await(BUSY, "docker.stats", 3);
    StatsSample k = busy.get(busy.size() - 1);
    StatsSample a = viaApi.get(viaApi.size() - 1);
    assertThat(k.memoryLimit()).isEqualTo(a.memoryLimit());
    assertThat(k.pids()).isEqualTo(a.pids());
    assertThat((double) k.memoryBytes()).isCloseTo(a.memoryBytes(), org.assertj.core.data.Offset.offset(2e6));
    assertThat(busyCpu).as("engine API: %s", viaApi).isCloseTo(median(viaApi), org.assertj.core.data.Offset.offset(15.0));

    // And as `docker stats` prints it.
    String cli = ok("stats", "--no-stream", "--format", "{{.CPUPerc}}", BUSY);
    Matcher m = PERCENT.matcher(cli);
    assertThat(m.find()).as("docker stats said: " + cli).isTrue();
    assertThat(busyCpu).as("docker stats: " + cli).isCloseTo(Double.parseDouble(m.group(1)),
        org.assertj.core.data.Offset.offset(25.0));

    // A removed container's descriptors are closed (the inventory tells the sensor).
    String idleId = idle.get(0).container().id();
    assertThat(sensor.tracks(idleId)).isTrue();
    ok("rm", "-f", IDLE);
    inv.syncAll();
    assertThat(sensor.tracks(idleId)).isFalse();
    assertThat(sensor.tracks(k.container().id())).as("busy %s; tracked %d; running %s", k.container().id(),
        sensor.tracked(), inv.running().stream().map(c -> c.ref().name() + "/" + c.ref().id()).toList()).isTrue();
  }

  @Test
  void bytesBetweenTwoContainers_rxOnTheServer_txOnTheClient() throws Exception {
    ok("network", "create", "--internal", NET);
    ok("run", "-d", "--name", SERVER, "--network", NET, IMAGE, "sh", "-c",
        "while :; do sleep 600 | nc -l -p 9000 > /dev/null; done");
    ok("run", "-d", "--name", CLIENT, "--network", NET, IMAGE, "sleep", "120");
    String serverIp = ok("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", SERVER);
    DockerInventory inv = new DockerInventory(conn);
    inv.syncAll();
    startSensor(inv);
    StatsSample server0 = await(SERVER, "kernel.cgroup", 1).get(0);
    StatsSample client0 = await(CLIENT, "kernel.cgroup", 1).get(0);

    ok("exec", CLIENT, "sh", "-c", "head -c 2000000 /dev/zero | nc -w 2 " + serverIp + " 9000");

    StatsSample server = awaitOne(SERVER, s -> s.rxBytes() - server0.rxBytes() >= 2_000_000);
    StatsSample client = awaitOne(CLIENT, s -> s.txBytes() - client0.txBytes() >= 2_000_000);
    assertThat(server.rxBytes() - server0.rxBytes()).as("2 MB and TCP/IP headers").isLessThan(2_400_000);
    assertThat(client.txBytes() - client0.txBytes()).isLessThan(2_400_000);
    assertThat(events.stream().filter(e -> e instanceof StatsSample s && s.container().name().equals(SERVER)
        && s.rxRate() > 100_000)).as("the rate shows the burst").isNotEmpty();
  }

  /**
   * CFS periods and throttled periods of the process's CPU cgroup ({@code cpu.stat}: the v1 cpu hierarchy, else
   * the unified one).
   */
  private static long[] throttling(long pid) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
    for (boolean v2 : new boolean[] {false, true}) {
      for (String line : lines) {
        String[] f = line.split(":", 3);
        boolean unified = f[0].equals("0") && f[1].isEmpty();
        if (unified != v2 || (!v2 && !List.of(f[1].split(",")).contains("cpu"))) {
          continue;
        }
        Path root = v2 ? (java.nio.file.Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))
            ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup/unified")) : Path.of("/sys/fs/cgroup", f[1]);
        Path stat = root.resolve(f[2].substring(1)).resolve("cpu.stat");
        if (java.nio.file.Files.exists(stat)) {
          long[] out = {-1, -1};
          for (String l : java.nio.file.Files.readAllLines(stat)) {
            if (l.startsWith("nr_periods ")) {
              out[0] = Long.parseLong(l.substring(11).trim());
            } else if (l.startsWith("nr_throttled ")) {
              out[1] = Long.parseLong(l.substring(13).trim());
            }
          }
          if (out[0] >= 0 && out[1] >= 0) {
            return out;
          }
        }
      }
    }
    throw new AssertionError("no cpu.stat with nr_throttled for pid " + pid);
  }

  private List<StatsSample> samples(String name, String sensor) {
    return events.stream().filter(e -> e instanceof StatsSample s && s.container().name().equals(name)
        && s.sensor().equals(sensor)).map(StatsSample.class::cast).toList();
  }

  private List<StatsSample> await(String name, String sensor, int count) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      List<StatsSample> got = samples(name, sensor);
      if (got.size() >= count) {
        return got;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(count + " samples of " + name + " by " + sensor + " not seen in 30 s; failures="
        + metrics.count("vigil.poll.failures", "sensor", sensor) + "; got " + samples(name, sensor));
  }

  private StatsSample awaitOne(String name, Predicate<StatsSample> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      for (StatsSample s : samples(name, "kernel.cgroup")) {
        if (match.test(s)) {
          return s;
        }
      }
      Thread.sleep(100);
    }
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, st) -> {
      if (t.getName().contains("cgroup")) {
        dump.append(t).append(' ').append(t.getState()).append(java.util.Arrays.toString(st)).append('\n');
      }
    });
    throw new AssertionError("no matching sample of " + name + " in 20 s; failures="
        + metrics.count("vigil.poll.failures", "sensor", "kernel.cgroup") + " threads " + dump + "; got "
        + samples(name, "kernel.cgroup"));
  }

  private static double median(List<StatsSample> samples) {
    List<Double> cpu = samples.stream().map(StatsSample::cpuPercent).sorted(Comparator.naturalOrder()).toList();
    return cpu.get(cpu.size() / 2);
  }

  /** Runs docker; fails the test when it exits non-zero. */
  private static String ok(String... args) {
    String[] out = new String[1];
    int exit = run(out, args);
    if (exit != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed (" + exit + "): " + out[0]);
    }
    return out[0];
  }

  /** Runs docker, whatever it answers (clean-up). */
  private static String docker(String... args) {
    String[] out = new String[1];
    run(out, args);
    return out[0];
  }

  private static int run(String[] out, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      out[0] = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
