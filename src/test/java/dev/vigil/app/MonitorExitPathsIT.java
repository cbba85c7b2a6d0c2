package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every start-up failure point, run in-process against the real engine: {@code vigil monitor} returns the documented
 * exit code within 2 s of being called, prints one clear line, and leaves no agent thread running (every step's
 * closers ran). The signal during start-up is {@code dev.vigil.it.StartupSignalIT}: it needs a real process.
 */
class MonitorExitPathsIT {

  private static final String ENGINE = "unix:///var/run/docker.sock";

  /** The monitor sets the process's umask (PrivateFiles); the tests after these get this JVM's back. */
  private static int umask;

  @org.junit.jupiter.api.BeforeAll
  static void saveUmask() {
    umask = dev.vigil.sensor.LibC.umask(0);
    dev.vigil.sensor.LibC.umask(umask);
  }

  @org.junit.jupiter.api.AfterAll
  static void restoreUmask() {
    dev.vigil.sensor.LibC.umask(umask);
  }

  private final StringWriter err = new StringWriter();

  private record Outcome(int code, long millis, Set<String> threadsLeft, String stderr) {}

  private Outcome monitor(Path dir, String... args) throws InterruptedException {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    List<String> all = new ArrayList<>(List.of("monitor", "--data-dir", dir.resolve("data").toString(),
        "--no-stdout-alerts", "--alerts-file", dir.resolve("alerts.jsonl").toString()));
    all.addAll(List.of(args));
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    long t0 = System.nanoTime();
    int code = cl.execute(all.toArray(String[]::new));
    long millis = (System.nanoTime() - t0) / 1_000_000;
    // closers return once their threads were told to stop; give them a moment to finish
    long end = System.nanoTime() + 1_000_000_000L;
    Set<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).filter(Thread::isAlive)
          .map(Thread::getName).filter(n -> n.startsWith("vigil-")).collect(Collectors.toSet());
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
    return new Outcome(code, millis, left, err.toString());
  }

  @Test
  void badRules_exit1_beforeConnecting(@TempDir Path dir) throws Exception {
    Path rules = Files.writeString(dir.resolve("bad.yaml"), "- rule: r\n  desc: d\n  condition: proc.nme = x\n"
        + "  output: o\n  priority: WARNING\n");
    Outcome o = monitor(dir, "-H", ENGINE, "--rules", rules.toString());
    assertThat(o.code()).as(o.stderr()).isEqualTo(ExitCodes.ERROR);
    assertThat(o.stderr()).contains("bad.yaml:3").contains("the rules have 1 errors");
    assertThat(o.millis()).isLessThan(2_000);
    assertThat(o.threadsLeft()).isEmpty();
  }

  @Test
  void badDetectorSection_isAUsageError_beforeAnythingIsOpened(@TempDir Path dir) throws Exception {
    Outcome o = monitor(dir, "-H", ENGINE, "-o", "detectors.behaviour.port_scan.windw=30s");
    assertThat(o.code()).as(o.stderr()).isEqualTo(ExitCodes.USAGE);
    assertThat(o.stderr()).contains("windw");
    assertThat(o.millis()).isLessThan(2_000);
    assertThat(o.threadsLeft()).isEmpty();
    assertThat(dir.resolve("data")).as("a usage error opens nothing").doesNotExist();
  }

  @Test
  void engineUnreachable_exit3(@TempDir Path dir) throws Exception {
    Outcome o = monitor(dir, "-H", "unix://" + dir.resolve("no-such.sock"));
    assertThat(o.code()).as(o.stderr()).isEqualTo(ExitCodes.ENGINE_UNAVAILABLE);
    assertThat(o.stderr().trim()).startsWith("vigil: cannot reach Docker engine at").doesNotContain("\n");
    assertThat(o.millis()).isLessThan(2_000);
    assertThat(o.threadsLeft()).isEmpty();
  }

  @Test
  void detectorBuildFailure_afterConnecting_exit1_andTheConnectionAndSinksAreClosed(@TempDir Path dir)
      throws Exception {
    Path missing = dir.resolve("no-such-signatures.yaml");
    Outcome o = monitor(dir, "-H", ENGINE, "-o", "detectors.log_signatures.files=[" + missing + "]");
    assertThat(o.code()).as(o.stderr()).isEqualTo(ExitCodes.ERROR);
    assertThat(o.stderr()).contains("no-such-signatures.yaml");
    assertThat(o.millis()).isLessThan(2_000);
    assertThat(o.threadsLeft()).isEmpty();
  }

  @Test
  void recorderPathNotWritable_exit1(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x").resolve("events.jsonl");
    Outcome o = monitor(dir, "-H", ENGINE, "--record-events", file.toString());
    assertThat(o.code()).as(o.stderr()).isEqualTo(ExitCodes.ERROR);
    assertThat(o.stderr()).contains("cannot open events file " + file);
    assertThat(o.millis()).isLessThan(2_000);
    assertThat(o.threadsLeft()).isEmpty();
  }
}
