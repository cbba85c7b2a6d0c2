package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line without an engine: help, version and usage errors detected before any connection. */
class MainCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** The longest name of every {@code @Option} field of MonitorCommand, read from the class itself. */
  private static List<String> declaredMonitorOptions() {
    List<String> names = new ArrayList<>();
    for (Field f : MonitorCommand.class.getDeclaredFields()) {
      CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
      if (o != null) {
        String longest = o.names()[0];
        for (String n : o.names()) {
          if (n.length() > longest.length()) {
            longest = n;
          }
        }
        names.add(longest);
      }
    }
    return names;
  }

  @Test
  void help_listsSubcommands() {
    int code = run("--help");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("Usage: vigil").contains("monitor").contains("version")
        .contains("Exit codes");
  }

  @Test
  void noArguments_printsUsage() {
    int code = run();
    assertThat(code).isZero();
    assertThat(out.toString()).contains("Usage: vigil").contains("monitor");
  }

  @Test
  void monitorHelp_mentionsEveryDeclaredOption() {
    int code = run("monitor", "--help");

    assertThat(code).isZero();
    String help = out.toString();
    List<String> declared = declaredMonitorOptions();
    assertThat(declared).contains("--docker-host", "--tls-verify", "--stats-interval", "--disable-sensor",
        "--log-level").hasSizeGreaterThanOrEqualTo(19);
    for (String name : declared) {
      // a negatable --x is shown as --[no-]x
      String shown = name.startsWith("--") ? "--[no-]" + name.substring(2) : name;
      assertThat(help.contains(name) || help.contains(shown)).as("monitor --help mentions %s", name).isTrue();
    }
    assertThat(help).contains("-H").contains("--help").contains("--version");
  }

  @Test
  void monitorHelp_showsDefaults() {
    run("monitor", "--help");
    assertThat(out.toString()).contains("default: 5s").contains("default: 1s").contains("default: 16384");
  }

  @Test
  void version_printsVigilJavaAndOsLines() {
    int code = run("version");

    assertThat(code).isZero();
    String[] lines = out.toString().split("\\R");
    assertThat(lines[0]).startsWith("vigil ");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("java "));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("os "));
  }

  @Test
  void versionOption_printsVigilLine() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("vigil ");
  }

  @Test
  void monitor_unknownSensor_exitsUsageNamingKnownSensors() {
    int code = run("monitor", "--disable-sensor", "bogus");

    assertThat(code).isEqualTo(ExitCodes.USAGE).isEqualTo(2);
    assertThat(err.toString()).contains("bogus")
        .contains("docker.logs").contains("docker.stats").contains("docker.top").contains("docker.diff");
  }

  @Test
  void monitor_badDuration_exitsUsage() {
    int code = run("monitor", "--stats-interval", "5x");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--stats-interval").contains("not a duration");
  }

  @Test
  void monitor_waitForEngineWithoutValue_acceptsFallbackZero() {
    // --disable-sensor bogus stops the command before it connects; the point is that parsing got that far
    int code = run("monitor", "--wait-for-engine", "--disable-sensor", "bogus");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).doesNotContain("not a duration").contains("unknown sensor 'bogus'");
  }

  @Test
  void monitor_unknownOption_exitsUsage() {
    assertThat(run("monitor", "--no-such-option")).isEqualTo(2);
    assertThat(err.toString()).contains("--no-such-option");
  }

  @Test
  void unknownSubcommand_exitsUsage() {
    assertThat(run("frobnicate")).isEqualTo(2);
  }
}
