package dev.vigil.event;

/** How a process came to run in a container. */
public enum ExecOrigin {
  /** Part of the container's own process tree, descended from its entrypoint. */
  CONTAINER,
  /** Started through {@code docker exec}. */
  DOCKER_EXEC,
  /** Started by the engine to run the container's HEALTHCHECK. */
  HEALTHCHECK,
  /** Not determined by the sensor that saw it. */
  UNKNOWN
}
