package dev.vigil.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The metrics facade: counters keyed by name and one tag, backed by a Micrometer registry (in-memory by
 * default; the Prometheus endpoint plugs in a different registry). Thread-safe; counters are cached so hot paths
 * do not allocate.
 */
public final class Metrics {

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public static Metrics inMemory() {
    return new Metrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A counter named {@code name} with the single tag {@code tagKey=tagValue}. */
  public Counter counter(String name, String tagKey, String tagValue) {
    return counters.computeIfAbsent(name + '\0' + tagKey + '\0' + tagValue,
        k -> Counter.builder(name).tag(tagKey, tagValue).register(registry));
  }

  /** The current count of a counter, 0 when it was never incremented. */
  public long count(String name, String tagKey, String tagValue) {
    Counter c = counters.get(name + '\0' + tagKey + '\0' + tagValue);
    return c == null ? 0 : (long) c.count();
  }
}
