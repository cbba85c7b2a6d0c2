package dev.vigil.app;

import dev.vigil.common.Losses;
import dev.vigil.sensor.docker.DockerLogsSensor;
import dev.vigil.sink.delivery.DeliveringSink;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil status}: what the running agent is doing, which sensors run and which are degraded. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the running agent's state from <data-dir>/status.json: engine connection, each sensor "
        + "(active, fallback, standby, unavailable with the reason, disabled), containers, events, drops, alerts, "
        + "and each network sink's delivery (spool depth, delivered, failed, last error), every loss per sensor "
        + "(docs/LOSSES.md) and each container's log lag. DEGRADED says why: a kernel sensor unavailable, or "
        + "losses within the last two status intervals.",
        "Exit codes: 0 running (DEGRADED included), 1 not running or not updated for three status intervals."})
final class StatusCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = MonitorCommand.DEFAULT_DATA_DIR,
      description = "The agent's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--json", description = "Print the status file as it is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AgentStatus s;
    try {
      s = AgentStatus.read(dataDir);
    } catch (NoSuchFileException e) {
      out.println("vigil is not running (no " + dataDir.resolve(AgentStatus.FILE) + ")");
      out.flush();
      return ExitCodes.ERROR;
    }
    long age = System.currentTimeMillis() - s.updatedAt();
    boolean stale = age > 3 * s.intervalMillis();
    if (json) {
      out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
          .writeValueAsString(s));
    } else {
      out.printf("vigil %s, pid %d, %s%s%n", s.version(), s.pid(),
          stale ? "NOT RUNNING (status last updated " + Instant.ofEpochMilli(s.updatedAt()) + ")" : "running",
          s.degraded() ? ", DEGRADED" : "");
      s.degradedReasons().forEach(why -> out.printf("  degraded: %s%n", why));
      out.printf("engine %s (Docker %s), events stream %s%n", s.engine(), s.engineVersion(),
          s.eventsStreamConnected() ? "connected" : "reconnecting");
      for (AgentStatus.SensorState st : s.sensors()) {
        out.printf("  %-16s %-12s %s%n", st.name(), st.state(), st.reason());
      }
      out.printf("containers %d (%d running); events handled %d, dropped %d, queued %d; alerts %d; rules %d of %d"
          + " enabled%n", s.containers(), s.running(), s.eventsHandled(), s.eventsDropped(), s.queueDepth(),
          s.alerts(), s.rulesEnabled(), s.rulesLoaded());
      printLosses(out, s);
      if (s.sinks() != null) {
        for (DeliveringSink.State k : s.sinks()) {
          out.printf("  sink %-14s queued %d, spooled %d (%d bytes), delivered %d, failed %d, dropped %d%s%n",
              k.name(), k.queued(), k.spoolRecords(), k.spoolBytes(), k.delivered(), k.failed(), k.dropped(),
              k.lastError() == null ? "" : ", last error: " + k.lastError());
        }
      }
    }
    out.flush();
    return stale ? ExitCodes.ERROR : ExitCodes.OK;
  }

  /** The loss ledger, one line per sensor with a loss, and the log lag of each followed container. */
  private static void printLosses(PrintWriter out, AgentStatus s) {
    if (s.losses() != null) {
      Map<String, List<String>> bySensor = new TreeMap<>();
      for (Losses.Entry e : s.losses().entries()) {
        if (e.total() > 0) {
          bySensor.computeIfAbsent(e.sensor(), k -> new ArrayList<>()).add(e.kind() + " " + e.total() + " "
              + e.unit() + (e.recent() > 0 ? " (" + e.recent() + " recently)" : ""));
        }
      }
      out.println(bySensor.isEmpty() ? "losses: none" : "losses:");
      bySensor.forEach((sensor, kinds) -> out.printf("  %-16s %s%n", sensor, String.join(", ", kinds)));
    }
    if (s.logLag() != null && !s.logLag().isEmpty()) {
      out.println("log lag:");
      for (DockerLogsSensor.Lag l : s.logLag()) {
        out.printf("  %-24s %d ms behind%s%n", l.container(), l.lagMillis(), l.sheds() == 0 ? ""
            : ", " + l.skippedMillis() + " ms skipped in " + l.sheds() + " sheds");
      }
    }
  }
}
