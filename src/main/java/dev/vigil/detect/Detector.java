package dev.vigil.detect;

import dev.vigil.alert.AlertSink;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import java.util.Set;

/**
 * A detection that looks at events of some kinds and emits alerts. Detectors read time only from the events
 * (or an injected clock), never from the wall clock, and keep bounded state. Called from one thread.
 */
public interface Detector {

  /** Stable name, used in logs and configuration. */
  String name();

  /** The event kinds this detector wants; the engine only passes those. */
  Set<EventKind> kinds();

  void onEvent(Event event, AlertSink out);
}
