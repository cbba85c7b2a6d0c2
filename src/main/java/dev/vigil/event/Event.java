package dev.vigil.event;

import java.time.Instant;

/**
 * Something a sensor observed. Every event is an immutable record with the time it happened, the container it
 * belongs to and the sensor that saw it. Implementations are the records of this package.
 */
public sealed interface Event
    permits ContainerLifecycle, EngineEvent, ProcessExec, ProcessChange, FileChange, FileOpen, NetConnection, LogLine, StatsSample,
        SensorNotice {

  Instant time();

  ContainerRef container();

  /** Name of the sensor that produced the event, e.g. {@code docker.events}, {@code docker.top}. */
  String sensor();

  /** The event's kind, which the engine uses to index rules and detectors. */
  EventKind kind();

  /**
   * True when the agent learnt of this only at its start, not as it happened: a container found running (assessed
   * as if it had just started), a process found running, or an engine event from while the agent was down replayed
   * from the saved events position. Rules and alerts show it as {@code evt.found_at_start}.
   */
  default boolean foundAtStart() {
    return false;
  }

  /** The same event carrying a resolved container reference. */
  Event withContainer(ContainerRef ref);
}
