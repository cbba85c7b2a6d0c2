package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil monitor --config}: a bad file is a usage error naming file, line and column, before connecting. */
class MonitorConfigFileTest {

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void unknownKey_exitsUsage_withFileLineColumnAndHint(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("vigil.yaml"), "sinks:\n  slack:\n    webhok_url: x\n");
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--config", f.toString());
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(f + ":3:5: unknown key 'webhok_url' in sinks.slack; did you mean "
        + "'webhook_url'?");
  }

  @Test
  void typoUnderDetectors_exitsUsage_beforeAnythingIsOpened(@TempDir Path dir) throws Exception {
    Path alerts = dir.resolve("alerts.jsonl");
    Path f = Files.writeString(dir.resolve("vigil.yaml"), "data_dir: " + dir.resolve("data") + "\n"
        + "sinks:\n  file: {path: " + alerts + "}\n"
        + "detectors:\n  behaviour:\n    port_scan:\n      min_distinct_port: 25\n");
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--config", f.toString(),
        "--no-default-rules");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(f + ":7:7: unknown key 'min_distinct_port' in "
        + "detectors.behaviour.port_scan; did you mean 'min_distinct_ports'?");
    assertThat(alerts).as("no output was opened").doesNotExist();
    assertThat(dir.resolve("data")).doesNotExist();

    err.getBuffer().setLength(0);
    code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--no-default-rules",
        "-o", "detectors.anomaly.interval=0s");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("detectors.anomaly.interval must be a whole number of seconds");
  }

  @Test
  void missingFile_exitsUsage() {
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--config", "/nonexistent/vigil.yaml");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("/nonexistent/vigil.yaml: no such configuration file");
  }

  @Test
  void validFile_getsPastConfiguration_toTheEngineConnection(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("vigil.yaml"), "data_dir: " + dir.resolve("data") + "\n"
        + "sinks: {stdout: {enabled: false}}\naggregation: {window: 30s}\n");
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--config", f.toString(),
        "--no-default-rules");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.ENGINE_UNAVAILABLE);
  }

  @Test
  void optionKeys_areCheckedLikeTheFile_andReachTheSectionsOwners(@TempDir Path dir) throws Exception {
    int code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "-o", "sinks.slack.webhok_url=x");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown key 'webhok_url' in sinks.slack; did you mean 'webhook_url'?");

    err.getBuffer().setLength(0);
    code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--opensearch-url", "ftp://search:9200");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("sinks.opensearch").contains("http");

    err.getBuffer().setLength(0);
    code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--store-retention", "a week");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("store.retention").contains("a week");

    err.getBuffer().setLength(0);
    code = run("monitor", "-H", "unix:///nonexistent/vigil-test.sock", "--data-dir", dir.resolve("d").toString(),
        "--no-store", "-o", "sinks.stdout.enabled=false", "--opensearch-url", "http://127.0.0.1:9",
        "--no-default-rules");
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.ENGINE_UNAVAILABLE);
  }
}
