package dev.vigil.pipeline;

import dev.vigil.event.Event;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names the process behind file and network events. Their sensors read /proc/&lt;pid&gt;/comm, which is gone when
 * the process has already exited (a {@code cat} closes its file as it exits); the exec of that pid went through
 * the pipeline just before, so its name is remembered here. Bounded LRU by pid; single-threaded (the dispatch
 * thread).
 */
public final class ProcessEnricher {

  private static final int MAX = 16_384;

  private final Map<Long, String> names = new LinkedHashMap<>(1024, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
      return size() > MAX;
    }
  };

  /** Remembers execs; returns file and network events with their process name filled in when it was missing. */
  public Event enrich(Event e) {
    if (e instanceof ProcessExec p) {
      if (p.pid() > 0) {
        names.put(p.pid(), p.name());
      }
      return e;
    }
    if (e instanceof FileOpen f && f.procName().isEmpty() && f.pid() > 0) {
      String n = names.get(f.pid());
      return n == null ? e : new FileOpen(f.time(), f.container(), f.sensor(), f.path(), f.mode(), f.pid(), n);
    }
    if (e instanceof NetConnection c && c.procName().isEmpty() && c.pid() > 0) {
      String n = names.get(c.pid());
      return n == null ? e : new NetConnection(c.time(), c.container(), c.sensor(), c.direction(), c.l4proto(),
          c.localIp(), c.localPort(), c.remoteIp(), c.remotePort(), c.pid(), n);
    }
    return e;
  }
}
