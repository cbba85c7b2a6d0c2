package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Losses;
import dev.vigil.sensor.docker.DockerLogsSensor;
import dev.vigil.sink.delivery.DeliveringSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StatusCommandTest {

  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  private static AgentStatus status(long updatedAt, List<AgentStatus.SensorState> sensors) {
    return new AgentStatus("1.0", 42, 1, updatedAt, 10_000, "unix:///var/run/docker.sock", "28.0", true, sensors,
        5, 3, 1000, 7, 0, 2, 32, 28);
  }

  @Test
  void freshStatus_exits0_andShowsSensorsAndDegradedState(@TempDir Path dir) throws Exception {
    status(System.currentTimeMillis(), List.of(
        new AgentStatus.SensorState("kernel.proc", "unavailable", "no CAP_NET_ADMIN"),
        new AgentStatus.SensorState("docker.top", "fallback", "polling the Engine API"))).write(dir);
    assertThat(run("status", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString()).contains("running").contains("DEGRADED")
        .contains("kernel.proc").contains("unavailable").contains("no CAP_NET_ADMIN")
        .contains("events handled 1000, dropped 7");
  }

  @Test
  void staleStatus_exits1_sayingNotRunning(@TempDir Path dir) throws Exception {
    status(System.currentTimeMillis() - 60_000, List.of()).write(dir);
    assertThat(run("status", "--data-dir", dir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("NOT RUNNING");
  }

  @Test
  void noStatusFile_exits1(@TempDir Path dir) {
    assertThat(run("status", "--data-dir", dir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("vigil is not running");
  }

  @Test
  void json_printsTheFileFields(@TempDir Path dir) throws Exception {
    status(System.currentTimeMillis(), List.of()).write(dir);
    assertThat(run("status", "--data-dir", dir.toString(), "--json")).isZero();
    assertThat(out.toString()).contains("\"eventsDropped\" : 7").contains("\"rulesEnabled\" : 28");
  }

  @Test
  void losses_arePrintedPerSensor_withTheReasonForDegraded_andTheLogLagOfEachContainer(@TempDir Path dir)
      throws Exception {
    Losses.Snapshot losses = new Losses.Snapshot(1, 2_000, List.of(
        new Losses.Entry("kernel.proc", "overflow", "events", 1168, 40, true),
        new Losses.Entry("kernel.proc", "unreadable", "processes", 5524, 0, true),
        new Losses.Entry("docker.logs", "backlog_skipped", "milliseconds", 0, 0, true)),
        List.of("kernel.proc overflow: 40 events in the last 2s"));
    new AgentStatus("1.0", 42, 1, System.currentTimeMillis(), 10_000, "unix:///var/run/docker.sock", "28.0", true,
        List.of(), 5, 3, 1000, 0, 0, 2, 32, 28, List.of(), losses,
        List.of(new DockerLogsSensor.Lag("flood", 8_200, 12_500, 1), new DockerLogsSensor.Lag("web", 3, 0, 0)))
        .write(dir);
    assertThat(run("status", "--data-dir", dir.toString())).as("DEGRADED is still running").isZero();
    assertThat(out.toString()).contains("running, DEGRADED\n")
        .contains("  degraded: kernel.proc overflow: 40 events in the last 2s\n")
        .contains("losses:\n  kernel.proc      overflow 1168 events (40 recently), unreadable 5524 processes\n")
        .doesNotContain("backlog_skipped")
        .contains("  flood                    8200 ms behind, 12500 ms skipped in 1 sheds\n")
        .contains("  web                      3 ms behind\n");
    AgentStatus read = AgentStatus.read(dir);
    assertThat(read.losses()).isEqualTo(losses);
    assertThat(read.logLag()).hasSize(2);
  }

  @Test
  void aStatusFileWithoutLosses_stillReads_andLossesAloneDoNotMakeItDegraded(@TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(dir.resolve(AgentStatus.FILE), "{\"version\":\"0.9\",\"pid\":1,"
        + "\"updatedAt\":" + System.currentTimeMillis() + ",\"intervalMillis\":10000,\"sensors\":[],"
        + "\"eventsDropped\":0}");
    assertThat(run("status", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString()).contains("running").doesNotContain("DEGRADED").doesNotContain("losses");
    Losses.Snapshot none = new Losses.Snapshot(1, 2_000, List.of(
        new Losses.Entry("kernel.proc", "overflow", "events", 3, 0, true)), List.of());
    assertThat(new AgentStatus("1.0", 42, 1, 1, 1, "e", "1", true, List.of(), 0, 0, 0, 0, 0, 0, 0, 0, List.of(),
        none, List.of()).degraded()).as("old losses, none recently").isFalse();
  }

  @Test
  void networkSinks_areListed_withSpoolDepthCountsAndLastError(@TempDir Path dir) throws Exception {
    new AgentStatus("1.0", 42, 1, System.currentTimeMillis(), 10_000, "unix:///var/run/docker.sock", "28.0", true,
        List.of(), 5, 3, 1000, 7, 0, 2, 32, 28, List.of(
            new DeliveringSink.State("webhook:siem", 3, 1200, 1_048_576, 10, 1, 0,
                "webhook:siem (siem.example:8443): HTTP 503"),
            new DeliveringSink.State("slack", 0, 0, 0, 4, 0, 0, null))).write(dir);
    assertThat(run("status", "--data-dir", dir.toString())).isZero();
    assertThat(out.toString())
        .contains("sink webhook:siem   queued 3, spooled 1200 (1048576 bytes), delivered 10, failed 1, dropped 0, "
            + "last error: webhook:siem (siem.example:8443): HTTP 503")
        .contains("sink slack          queued 0, spooled 0 (0 bytes), delivered 4, failed 0, dropped 0\n");
    assertThat(AgentStatus.read(dir).sinks()).hasSize(2);
  }
}
