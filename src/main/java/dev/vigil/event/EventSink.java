package dev.vigil.event;

/**
 * Where sensors put events. {@link #offer} never blocks: when the pipeline is full it drops the event, counts
 * the drop against the sensor and returns false. Implementations are thread-safe.
 */
@FunctionalInterface
public interface EventSink {
  boolean offer(Event event);
}
