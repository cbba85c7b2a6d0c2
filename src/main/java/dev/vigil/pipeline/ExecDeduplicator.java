package dev.vigil.pipeline;

import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drops the second sighting of one process by two sensors: a {@code docker exec} is reported by the events sensor
 * (exact argv) and, if it lives long enough, again by the polling process sensor. A process event with the same
 * container and command line as an exec event less than {@link #WINDOW} before it, from another sensor, is a
 * duplicate. Time comes from the events. Bounded; single-threaded (the dispatch thread).
 */
public final class ExecDeduplicator {

  static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int MAX = 4096;

  private final Map<String, Instant> execs = new LinkedHashMap<>(256, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > MAX;
    }
  };

  /** True when {@code e} repeats a docker exec already seen from another sensor. */
  public boolean isDuplicate(Event e) {
    if (!(e instanceof ProcessExec p)) {
      return false;
    }
    String key = p.container().id() + '\0' + p.cmdline();
    if (!p.execId().isEmpty()) {
      execs.put(key, p.time());
      return false;
    }
    if (p.origin() != ExecOrigin.DOCKER_EXEC && p.origin() != ExecOrigin.HEALTHCHECK) {
      return false;
    }
    Instant seen = execs.get(key);
    return seen != null && Duration.between(seen, p.time()).abs().compareTo(WINDOW) < 0;
  }
}
