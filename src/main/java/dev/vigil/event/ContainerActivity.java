package dev.vigil.event;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, per container, the events that show something happening inside it (processes, file access, sockets,
 * output), so a costly poller can skip containers where nothing happened since its last look. A file can only be
 * deleted by a process that runs, and a running process leaves traces in these events sooner or later; pollers that
 * rely on this still look at every container now and then. Resource samples and sensor notices are not activity.
 * Thread-safe; an entry lives until {@link #forget} (called when the container stops).
 */
public final class ContainerActivity {

  private static final Set<EventKind> ACTIVE = EnumSet.of(EventKind.PROCESS_EXEC, EventKind.PROCESS_CHANGE,
      EventKind.FILE_OPEN, EventKind.FILE_CHANGE, EventKind.NETWORK, EventKind.LOG_LINE);

  private final ConcurrentMap<String, AtomicLong> counts = new ConcurrentHashMap<>();

  /** Counts the event if it is activity in a container. */
  public void record(Event e) {
    if (ACTIVE.contains(e.kind()) && !e.container().isHost()) {
      counts.computeIfAbsent(e.container().id(), k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** How many activity events the container has had (0 when none, or forgotten). */
  public long count(String containerId) {
    AtomicLong c = counts.get(containerId);
    return c == null ? 0 : c.get();
  }

  public void forget(String containerId) {
    counts.remove(containerId);
  }

  /** Containers with a count now. */
  public int size() {
    return counts.size();
  }
}
