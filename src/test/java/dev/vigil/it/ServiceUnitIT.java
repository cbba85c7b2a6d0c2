package dev.vigil.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The systemd unit as {@code scripts/install-service.sh} installs it. systemd is not PID 1 where the tests run, so
 * the unit is checked with {@code systemd-analyze verify} (which needs no running systemd) and its {@code ExecStart}
 * line is run the way the unit runs it: as root, with the unit's environment, capability bounding set, no new
 * privileges, umask, and a mount namespace made like the unit's (unit-sandbox.sh). The data and log directories,
 * which systemd would create from {@code StateDirectory=} and {@code LogsDirectory=}, are a temporary directory.
 * What this cannot reproduce (the seccomp filters, PrivateDevices) is listed in docs/DEPLOYMENT.md.
 */
class ServiceUnitIT {

  private static final String PREFIX = "h5-unit-";
  /** systemd's PATH for system services. */
  private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static Path dir;
  private static Path unitFile;
  private static Unit unit;

  @BeforeAll
  static void install() throws Exception {
    DockerCli.requireEngineAndImages();
    dir = Files.createTempDirectory(PREFIX);
    Path project = Path.of(System.getProperty("vigil.projectDir", "."));
    DockerCli.Result r = DockerCli.run(List.of(project.resolve("scripts/install-service.sh").toString(),
        "--prefix", dir.resolve("opt").toString(), "--unit-dir", dir.resolve("units").toString(), "--no-start",
        "--jar", Agent.jar().toAbsolutePath().toString()), 120);
    assertEquals(0, r.exit(), "install-service.sh failed: " + r.err());
    unitFile = dir.resolve("units/vigil.service");
    unit = Unit.read(unitFile);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    DockerCli.removeContainers(PREFIX);
    if (dir != null) {
      DockerCli.run(List.of("rm", "-rf", dir.toString()), 60);
    }
  }

  @Test
  void installedUnitPassesSystemdAnalyzeVerify() throws IOException {
    DockerCli.Result r = DockerCli.run(List.of("systemd-analyze", "verify", unitFile.toString()), 60);
    assertEquals(0, r.exit(), r.err());
    assertFalse(r.err().contains(unitFile.toString()), "systemd-analyze warns about the unit:\n" + r.err());
    assertFalse(Files.readString(unitFile).contains("@"), "a placeholder was left in the unit");
    assertTrue(Files.isExecutable(Path.of(unit.execStart().get(0))), "ExecStart's program is not installed");

    // The same check sees a mistake: a misspelt key is a warning naming the file and line.
    Path broken = dir.resolve("units/vigil-broken.service");
    Files.writeString(broken, Files.readString(unitFile).replace("RestartSec=", "RestartSecs="));
    DockerCli.Result bad = DockerCli.run(List.of("systemd-analyze", "verify", broken.toString()), 60);
    assertTrue(bad.err().contains(broken + ":") && bad.err().contains("RestartSecs"), bad.err());
  }

  @Test
  void execStartWithTheUnitsCapabilitiesAndSandboxRunsEveryKernelSensor() throws Exception {
    Path run = Files.createDirectories(dir.resolve("run"));
    try (Agent agent = Agent.startAs(run, command(run, unit.capabilities()))) {
      agent.awaitReady(Duration.ofSeconds(120));
      Map<String, String> states = Agent.sensorStates(run.resolve("data"), Duration.ofSeconds(30));
      for (String kernel : List.of("kernel.proc", "kernel.fanotify", "kernel.net", "kernel.cgroup")) {
        assertEquals("active", states.get(kernel), kernel + " in " + states);
      }
      String probe = DockerCli.uniqueName("probe").replace(DockerCli.PREFIX, PREFIX);
      DockerCli.runShell(probe, "sleep 3; cat /etc/shadow >/dev/null; sleep 5");
      // One alert from kernel.proc (the exec's argv), one from kernel.fanotify (the read itself).
      agent.awaitAlert(Agent.rule("Sensitive file read by command in container", probe), Duration.ofSeconds(60));
      agent.awaitAlert(Agent.rule("Read sensitive file in container", probe), Duration.ofSeconds(60));
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve("alerts.jsonl")));
      assertEquals("rw-------", mode, "alerts file under UMask=" + unit.first("UMask"));
      assertTrue(unit.values("SuccessExitStatus").contains(Integer.toString(agent.stop())),
          "a stop by SIGTERM must count as success:\n" + agent.stderrText());
    }
  }

  @Test
  void withoutCapSysAdminTheBoundingSetMakesFanotifyFallBack() throws Exception {
    List<String> fewer = new ArrayList<>(unit.capabilities());
    assertTrue(fewer.remove("CAP_SYS_ADMIN"), "the unit must keep CAP_SYS_ADMIN for fanotify: " + fewer);
    Path run = Files.createDirectories(dir.resolve("run-fewer"));
    try (Agent agent = Agent.startAs(run, command(run, fewer))) {
      agent.awaitReady(Duration.ofSeconds(120));
      Map<String, String> states = Agent.sensorStates(run.resolve("data"), Duration.ofSeconds(30));
      assertEquals("unavailable", states.get("kernel.fanotify"), states.toString());
      assertEquals("fallback", states.get("docker.diff"), states.toString());
      assertEquals("active", states.get("kernel.proc"), states.toString());
      assertTrue(agent.stderrText().contains("CAP_SYS_ADMIN"), agent.stderrText());
    }
  }

  /**
   * The unit's ExecStart as the unit runs it, its state and logs directories moved to {@code run} (the alerts file
   * at {@code run/alerts.jsonl}, the data directory at {@code run/data}).
   */
  private static List<String> command(Path run, List<String> capabilities) throws IOException {
    Path sandbox = dir.resolve("unit-sandbox.sh");
    if (!Files.exists(sandbox)) {
      try (InputStream in = ServiceUnitIT.class.getResourceAsStream("unit-sandbox.sh")) {
        Files.write(sandbox, in.readAllBytes());
      }
      Files.setPosixFilePermissions(sandbox, PosixFilePermissions.fromString("rwx------"));
    }
    assertEquals("root", unit.first("User"));
    List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--uts", "--propagation", "slave",
        sandbox.toString(), dir.toString(), unit.first("UMask"), "setpriv", "--bounding-set",
        "-all," + String.join(",", capabilities.stream().map(c -> "+" + c.substring(4).toLowerCase(Locale.ROOT))
            .toList()), "--inh-caps", "-all"));
    if (unit.first("NoNewPrivileges").equals("yes")) {
      cmd.add("--no-new-privs");
    }
    cmd.addAll(List.of("env", "-i", "PATH=" + SYSTEM_PATH));
    cmd.addAll(unit.values("Environment"));
    String state = "/var/lib/" + unit.first("StateDirectory");
    String logs = "/var/log/" + unit.first("LogsDirectory");
    for (String word : unit.execStart()) {
      if (!word.startsWith("$")) { // $VIGIL_OPTS: from /etc/default/vigil, which is optional and absent here
        cmd.add(word.replace(state, run.resolve("data").toString()).replace(logs, run.toString()));
      }
    }
    return cmd;
  }

  /** The [Service] section of a unit file: each key's values in order. */
  record Unit(Map<String, List<String>> service) {

    static Unit read(Path file) throws IOException {
      Map<String, List<String>> keys = new LinkedHashMap<>();
      String section = "";
      for (String line : Files.readAllLines(file)) {
        String l = line.strip();
        if (l.startsWith("[")) {
          section = l;
        } else if (section.equals("[Service]") && !l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
          int eq = l.indexOf('=');
          keys.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
      }
      return new Unit(keys);
    }

    List<String> values(String key) {
      return service.getOrDefault(key, List.of()).stream().flatMap(v -> List.of(v.split("\\s+")).stream()).toList();
    }

    String first(String key) {
      List<String> v = values(key);
      assertFalse(v.isEmpty(), "the unit has no " + key + "=");
      return v.get(0);
    }

    List<String> capabilities() {
      return values("CapabilityBoundingSet");
    }

    List<String> execStart() {
      return values("ExecStart");
    }
  }
}
