package dev.vigil.app;

import dev.vigil.sink.delivery.DeliveringSink;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil status}: what the running agent is doing, which sensors run and which are degraded. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Show the running agent's state from <data-dir>/status.json: engine connection, each sensor "
        + "(active, fallback, standby, unavailable with the reason, disabled), containers, events, drops, alerts, "
        + "and each network sink's delivery (spool depth, delivered, failed, last error).",
        "Exit codes: 0 running, 1 not running or not updated for three status intervals."})
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
          s.degraded() ? ", DEGRADED (a kernel sensor is unavailable; polling fallbacks stand in)" : "");
      out.printf("engine %s (Docker %s), events stream %s%n", s.engine(), s.engineVersion(),
          s.eventsStreamConnected() ? "connected" : "reconnecting");
      for (AgentStatus.SensorState st : s.sensors()) {
        out.printf("  %-16s %-12s %s%n", st.name(), st.state(), st.reason());
      }
      out.printf("containers %d (%d running); events handled %d, dropped %d, queued %d; alerts %d; rules %d of %d"
          + " enabled%n", s.containers(), s.running(), s.eventsHandled(), s.eventsDropped(), s.queueDepth(),
          s.alerts(), s.rulesEnabled(), s.rulesLoaded());
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
}
