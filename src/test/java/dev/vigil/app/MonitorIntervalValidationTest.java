package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Exposes: non-positive polling intervals pass validation and fail only after connecting, with exit code 1. */
class MonitorIntervalValidationTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    picocli.CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void monitor_zeroStatsInterval_exitsUsageBeforeConnecting() {
    // the socket does not exist: if validation lets 0s through, the connect fails (exit 3) instead of usage (2)
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--stats-interval", "0s");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--stats-interval");
  }

  @Test
  void monitor_negativeTopInterval_exitsUsageBeforeConnecting() {
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--top-interval", "-1s");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
  }
}
