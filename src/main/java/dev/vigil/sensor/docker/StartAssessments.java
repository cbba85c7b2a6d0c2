package dev.vigil.sensor.docker;

import dev.vigil.event.ContainerInfo;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs of containers assessed at the agent's start, keyed by container id and start time ({@code StartedAt}),
 * so that the {@code start} event of the same run, replayed by the events stream resumed from the saved position,
 * is not assessed a second time, while a later restart of the container (a new start time) is. Holds at most the
 * containers running at start; a destroyed container's entries are dropped. Thread-safe.
 */
final class StartAssessments {

  private final Set<String> runs = ConcurrentHashMap.newKeySet();

  /** Records this run of {@code c} as assessed at start; false when it already was. */
  boolean assessAtStart(ContainerInfo c) {
    return runs.add(key(c));
  }

  /** True when a {@code start} event for {@code c} (as inspected after the event) repeats a run assessed at start. */
  boolean alreadyAssessed(ContainerInfo c) {
    return !runs.isEmpty() && runs.contains(key(c));
  }

  /** Forgets a destroyed container. */
  void removed(String id) {
    if (!runs.isEmpty()) {
      runs.removeIf(k -> k.startsWith(id + "|"));
    }
  }

  int size() {
    return runs.size();
  }

  private static String key(ContainerInfo c) {
    return c.ref().id() + "|" + c.startedAt();
  }
}
