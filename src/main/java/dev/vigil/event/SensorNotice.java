package dev.vigil.event;

import java.time.Instant;

/**
 * Something a sensor has to report about itself: lost events (a kernel queue overflowed, the pipeline dropped),
 * unreadable events, a connection attempt counter that moved without a visible socket, or the sensor degraded.
 *
 * @param what a stable word: overflow, unreadable, dropped, skipped (a container's log backlog, count in
 *     milliseconds), connect_attempts, degraded
 * @param count how many (events lost, attempts counted, milliseconds skipped) since the previous notice of that kind
 */
public record SensorNotice(Instant time, ContainerRef container, String sensor, String what, long count,
    String message) implements Event {

  @Override
  public EventKind kind() {
    return EventKind.SENSOR;
  }

  @Override
  public SensorNotice withContainer(ContainerRef ref) {
    return new SensorNotice(time, ref, sensor, what, count, message);
  }
}
