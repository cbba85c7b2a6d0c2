package dev.vigil.record;

import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads an events file written by {@link EventRecorder} (or by hand): each line an event or a container record.
 * Container records feed an in-memory {@link ContainerDirectory} so replayed events see the container as it was.
 * A line that is not valid JSON or not a known record is skipped and reported with its number, never fatal.
 * Single-threaded.
 */
public final class EventLog implements ContainerDirectory {

  /** A line that could not be read. */
  public record BadLine(long number, String problem) {}

  private final Map<String, ContainerInfo> containers = new HashMap<>();

  /**
   * Feeds each event of {@code in} to {@code events}, in file order; returns the lines that could not be read.
   */
  public List<BadLine> read(BufferedReader in, Consumer<Event> events) throws IOException {
    List<BadLine> bad = new java.util.ArrayList<>();
    String line;
    long n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      EventJson.Line parsed;
      try {
        parsed = EventJson.MAPPER.readValue(line, EventJson.Line.class);
      } catch (IOException | RuntimeException e) {
        bad.add(new BadLine(n, oneLine(e.getMessage())));
        continue;
      }
      if (parsed instanceof EventJson.Line.ContainerLine c && c.container() != null) {
        containers.put(c.container().ref().id(), c.container());
      } else if (parsed instanceof EventJson.Line.EventLine ev && ev.event() != null) {
        events.accept(ev.event());
      } else {
        bad.add(new BadLine(n, "empty record"));
      }
    }
    return bad;
  }

  private static String oneLine(String s) {
    String m = s == null ? "unreadable" : s;
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }

  @Override
  public Optional<ContainerInfo> find(String containerId) {
    return Optional.ofNullable(containers.get(containerId));
  }

  @Override
  public ContainerRef resolve(String containerId) {
    return find(containerId).map(ContainerInfo::ref).orElse(ContainerRef.unresolved(containerId));
  }
}
