package dev.vigil.event;

import java.time.Instant;
import java.util.Map;

/**
 * A Docker event about something other than a container: image pull/import/delete, network connect/disconnect,
 * volume mount, daemon reload, plugin install. {@code container} is the container it concerns when the event
 * names one (a network connect does), else {@link ContainerRef#HOST}.
 */
public record EngineEvent(
    Instant time, ContainerRef container, String sensor, String type, String action, String actorId,
    Map<String, String> attributes) implements Event {

  public EngineEvent {
    attributes = Map.copyOf(attributes);
  }

  @Override
  public EventKind kind() {
    return EventKind.ENGINE;
  }

  @Override
  public EngineEvent withContainer(ContainerRef ref) {
    return new EngineEvent(time, ref, sensor, type, action, actorId, attributes);
  }
}
