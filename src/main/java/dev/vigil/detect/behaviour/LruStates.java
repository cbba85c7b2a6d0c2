package dev.vigil.detect.behaviour;

import io.micrometer.core.instrument.Counter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * Per-key detector state (one entry per container, or per workload) with two bounds, because containers come and go
 * and a lost {@code die} event must not leak memory: at most {@code max} entries (the least recently used is dropped
 * and counted), and an entry not touched for {@code idleMillis} of event time is dropped when any later event comes
 * (a container that vanished without a life-cycle event). Time is the events' time, so a replay behaves like the live
 * run. Not thread-safe: detectors run on the dispatch thread.
 *
 * @param <S> the state kept per key
 */
public final class LruStates<S extends LruStates.Slot> {

  /** Base of every state: remembers the latest event time seen for its key. */
  public abstract static class Slot {
    long seen = Long.MIN_VALUE;

    /** The latest event time (epoch ms) seen for this key: a monotonic "now" despite slightly unordered events. */
    public final long now() {
      return seen;
    }
  }

  private final LinkedHashMap<String, S> map = new LinkedHashMap<>(16, 0.75f, true);
  private final int max;
  private final long idleMillis;
  private final Counter evicted;

  /**
   * @param max most entries kept
   * @param idleMillis entries idle longer than this (event time) are dropped; {@code Long.MAX_VALUE} for never
   * @param evicted counts entries dropped because {@code max} was reached
   */
  public LruStates(int max, long idleMillis, Counter evicted) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1: " + max);
    }
    this.max = max;
    this.idleMillis = idleMillis;
    this.evicted = evicted;
  }

  /**
   * The state of {@code key}, created by {@code create} (given the event time) when absent; marks it seen at
   * {@code t} and drops idle entries.
   */
  public S get(String key, long t, Function<Long, S> create) {
    S s = map.get(key);
    if (s == null) {
      s = create.apply(t);
      map.put(key, s);
      if (map.size() > max) {
        Iterator<S> it = map.values().iterator();
        it.next();
        it.remove();
        evicted.increment();
      }
    }
    if (t > s.seen) {
      s.seen = t;
    }
    expireIdle(t);
    return s;
  }

  /** The state of {@code key} if present (counts as a use for the LRU order, not as an event). */
  public S peek(String key) {
    return map.get(key);
  }

  /** Drops the state of {@code key} (the container is gone); returns it, or null. */
  public S remove(String key) {
    return map.remove(key);
  }

  public int size() {
    return map.size();
  }

  private void expireIdle(long t) {
    if (idleMillis == Long.MAX_VALUE) {
      return;
    }
    Iterator<S> it = map.values().iterator();
    while (it.hasNext()) {
      S eldest = it.next();
      if (t - eldest.seen <= idleMillis) {
        return;
      }
      it.remove();
    }
  }
}
