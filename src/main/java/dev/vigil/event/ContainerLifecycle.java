package dev.vigil.event;

import java.time.Instant;
import java.util.Map;

/**
 * A container's life-cycle event from the Docker events stream: create, start, die, kill, oom, exec_create,
 * exec_start, attach, rename, destroy, health_status, ... {@code action} is Docker's action with any
 * {@code ": detail"} suffix removed; {@code detail} holds that suffix (the command of an exec, the health status).
 * {@code foundAtStart} marks a container the agent found running at its start and assesses as if it had just
 * started, and an event replayed after a restart from while the agent was down (see {@link Event#foundAtStart()}).
 */
public record ContainerLifecycle(
    Instant time, ContainerRef container, String sensor, String action, String detail,
    Map<String, String> attributes, boolean foundAtStart) implements Event {

  /** An event seen as it happened. */
  public ContainerLifecycle(Instant time, ContainerRef container, String sensor, String action, String detail,
      Map<String, String> attributes) {
    this(time, container, sensor, action, detail, attributes, false);
  }

  public ContainerLifecycle {
    attributes = Map.copyOf(attributes);
    detail = detail == null ? "" : detail;
  }

  @Override
  public EventKind kind() {
    return EventKind.CONTAINER_LIFECYCLE;
  }

  @Override
  public ContainerLifecycle withContainer(ContainerRef ref) {
    return new ContainerLifecycle(time, ref, sensor, action, detail, attributes, foundAtStart);
  }
}
