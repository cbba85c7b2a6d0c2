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

  /** The same event carrying a resolved container reference. */
  Event withContainer(ContainerRef ref);
}
