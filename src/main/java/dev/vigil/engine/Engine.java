package dev.vigil.engine;

import dev.vigil.alert.AlertSink;
import dev.vigil.event.Event;

/**
 * Turns events into alerts. Called from the pipeline's single dispatch thread, so implementations need not be
 * thread-safe unless documented; they must not block on I/O.
 */
public interface Engine {

  void process(Event event, AlertSink out);

  /** Human-readable names of what the engine evaluates (rules or detectors), for start-up logs. */
  java.util.List<String> describe();
}
