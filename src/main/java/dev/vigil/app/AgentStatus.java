package dev.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.common.Losses;
import dev.vigil.sensor.docker.DockerLogsSensor;
import dev.vigil.sink.delivery.DeliveringSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The running agent's state as {@code vigil status} reads it: written by {@code monitor} to
 * {@code <data-dir>/status.json} every status interval (atomically: temp file, then rename). Immutable.
 *
 * @param updatedAt epoch milliseconds of this snapshot
 * @param intervalMillis how often the agent rewrites the file; a file older than three intervals is stale
 * @param sinks each network sink's delivery state (queue, spool depth, delivered, failed, dropped, last error)
 * @param losses the loss ledger at this snapshot (every loss per sensor and kind, and why the agent is DEGRADED);
 *     null in a file written before it existed
 * @param logLag each followed container's log lag and skipped output; null in a file written before it existed
 */
record AgentStatus(String version, long pid, long startedAt, long updatedAt, long intervalMillis, String engine,
    String engineVersion, boolean eventsStreamConnected, List<SensorState> sensors, int containers, int running,
    long eventsHandled, long eventsDropped, int queueDepth, long alerts, int rulesLoaded, int rulesEnabled,
    List<DeliveringSink.State> sinks, Losses.Snapshot losses, List<DockerLogsSensor.Lag> logLag) {

  static final String FILE = "status.json";

  /** A status without the loss ledger and log lag (as written before they existed). */
  AgentStatus(String version, long pid, long startedAt, long updatedAt, long intervalMillis, String engine,
      String engineVersion, boolean eventsStreamConnected, List<SensorState> sensors, int containers, int running,
      long eventsHandled, long eventsDropped, int queueDepth, long alerts, int rulesLoaded, int rulesEnabled,
      List<DeliveringSink.State> sinks) {
    this(version, pid, startedAt, updatedAt, intervalMillis, engine, engineVersion, eventsStreamConnected, sensors,
        containers, running, eventsHandled, eventsDropped, queueDepth, alerts, rulesLoaded, rulesEnabled, sinks,
        null, null);
  }

  /** A status without network sinks. */
  AgentStatus(String version, long pid, long startedAt, long updatedAt, long intervalMillis, String engine,
      String engineVersion, boolean eventsStreamConnected, List<SensorState> sensors, int containers, int running,
      long eventsHandled, long eventsDropped, int queueDepth, long alerts, int rulesLoaded, int rulesEnabled) {
    this(version, pid, startedAt, updatedAt, intervalMillis, engine, engineVersion, eventsStreamConnected, sensors,
        containers, running, eventsHandled, eventsDropped, queueDepth, alerts, rulesLoaded, rulesEnabled, List.of());
  }
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One sensor's state.
   *
   * @param state active, fallback (a polling stand-in is running instead of a kernel sensor), standby (not needed:
   *     a better sensor covers it), unavailable (could not start here), disabled (by --disable-sensor)
   */
  record SensorState(String name, String state, String reason) {}

  /** True when any kernel sensor could not run, so polling fallbacks stand in, or losses happen now. */
  boolean degraded() {
    return !degradedReasons().isEmpty();
  }

  /** Why the agent is DEGRADED: the sensors that could not run, then the losses of the ledger's window. */
  List<String> degradedReasons() {
    List<String> why = new java.util.ArrayList<>();
    sensors.stream().filter(s -> s.state().equals("unavailable"))
        .forEach(s -> why.add("sensor " + s.name() + " unavailable; polling fallbacks stand in"));
    if (losses != null) {
      why.addAll(losses.reasons());
    }
    return why;
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path tmp = dir.resolve(FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static AgentStatus read(Path dir) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(dir.resolve(FILE))) {
      return JSON.readValue(in, AgentStatus.class);
    }
  }
}
