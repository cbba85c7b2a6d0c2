package dev.vigil.pipeline;

import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drops the second sighting of one process by two sensors: a {@code docker exec} is reported by the engine's events
 * (exact argv, exec id) and by the process sensor (kernel connector or polling), in either order. A process event
 * started from outside the container (docker exec or HEALTHCHECK) with the same container and command line as one
 * from another sensor less than {@link #WINDOW} before it is a duplicate. Time comes from the events. Bounded;
 * single-threaded (the dispatch thread).
 */
public final class ExecDeduplicator {

  static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int MAX = 4096;

  private record Seen(String sensor, Instant time) {}

  private final Map<String, Seen> seen = new LinkedHashMap<>(256, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
      return size() > MAX;
    }
  };

  /** True when {@code e} repeats an exec already reported by another sensor. */
  public boolean isDuplicate(Event e) {
    if (!(e instanceof ProcessExec p)) {
      return false;
    }
    if (p.execId().isEmpty() && p.origin() != ExecOrigin.DOCKER_EXEC && p.origin() != ExecOrigin.HEALTHCHECK) {
      return false;
    }
    String key = p.container().id() + '\0' + p.cmdline();
    Seen before = seen.get(key);
    if (before != null && !before.sensor().equals(p.sensor())
        && Duration.between(before.time(), p.time()).abs().compareTo(WINDOW) < 0) {
      return true;
    }
    seen.put(key, new Seen(p.sensor(), p.time()));
    return false;
  }
}
