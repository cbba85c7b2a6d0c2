package dev.vigil.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 */
record AgentStatus(String version, long pid, long startedAt, long updatedAt, long intervalMillis, String engine,
    String engineVersion, boolean eventsStreamConnected, List<SensorState> sensors, int containers, int running,
    long eventsHandled, long eventsDropped, int queueDepth, long alerts, int rulesLoaded, int rulesEnabled,
    List<DeliveringSink.State> sinks) {

  static final String FILE = "status.json";

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

  /** True when any kernel sensor could not run, so polling fallbacks stand in. */
  boolean degraded() {
    return sensors.stream().anyMatch(s -> s.state().equals("unavailable"));
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
