package dev.vigil.pipeline;

import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives kernel-seen processes of a {@code docker exec} session their exec id. The engine's {@code exec_start}
 * event names the exec id and the command, but is sent before the process starts, so its pid is unknown; the
 * process sensor sees the session's root process (no ancestor inside the container) and every child, with pids,
 * but no exec id. The two sightings of the root are paired by container and command line within {@link #WINDOW}
 * (as {@link ExecDeduplicator} pairs them), which ties the exec id to the root's pid; after that every process
 * whose topmost ancestor inside the container is that pid, or which replaced it by exec, gets the exec id. The
 * root itself gets it when the engine's event came first; its children, which start later, nearly always do.
 * Must see every event before {@link ExecDeduplicator} drops one of a pair. Time comes from the events. Bounded
 * (oldest forgotten first); single-threaded (the dispatch thread).
 */
public final class ExecSessions {

  static final int MAX = 4096;
  static final Duration WINDOW = ExecDeduplicator.WINDOW;

  private record Key(String containerId, String cmdline) {}

  private record Session(String containerId, long rootPid) {}

  private record Pending<T>(T value, Instant time) {}

  private final Map<Session, String> sessions = bounded();
  private final Map<Key, Pending<String>> engineSeen = bounded();
  private final Map<Key, Pending<Long>> kernelRoots = bounded();

  private static <K, V> Map<K, V> bounded() {
    return new LinkedHashMap<>(256, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX;
      }
    };
  }

  /** Learns from an event and, for a kernel-seen process of a known session, returns it with the exec id. */
  public Event annotate(Event e) {
    if (!(e instanceof ProcessExec p) || p.origin() != ExecOrigin.DOCKER_EXEC) {
      return e;
    }
    String container = p.container().id();
    Key key = new Key(container, p.cmdline());
    if (!p.execId().isEmpty()) { // the engine's exec_start
      if (p.pid() > 0) {
        sessions.put(new Session(container, p.pid()), p.execId());
      }
      Pending<Long> root = kernelRoots.remove(key);
      if (root != null && within(root.time(), p.time())) {
        sessions.put(new Session(container, root.value()), p.execId());
      } else {
        engineSeen.put(key, new Pending<>(p.execId(), p.time()));
      }
      return e;
    }
    if (p.pid() <= 0) {
      return e;
    }
    if (!p.ancestors().isEmpty()) {
      String id = sessions.get(new Session(container, p.ancestors().get(p.ancestors().size() - 1).pid()));
      return id == null ? e : p.withExecId(id);
    }
    Session self = new Session(container, p.pid());
    String id = sessions.get(self); // a session root that replaced itself by exec keeps its pid
    if (id == null) {
      Pending<String> engine = engineSeen.remove(key);
      if (engine != null && within(engine.time(), p.time())) {
        id = engine.value();
        sessions.put(self, id);
      } else {
        kernelRoots.put(key, new Pending<>(p.pid(), p.time()));
      }
    }
    return id == null ? e : p.withExecId(id);
  }

  private static boolean within(Instant a, Instant b) {
    return Duration.between(a, b).abs().compareTo(WINDOW) < 0;
  }

  /** Sessions remembered now. */
  int size() {
    return sessions.size();
  }
}
