package dev.vigil.event;

import java.time.Instant;

/**
 * A path of the container's filesystem that was added, changed or deleted relative to its image.
 *
 * @param path absolute path inside the container
 */
public record FileChange(Instant time, ContainerRef container, String sensor, String path, Kind change)
    implements Event {

  /** What happened to the path, in Docker's {@code diff} terms. */
  public enum Kind {
    ADDED,
    MODIFIED,
    DELETED
  }

  @Override
  public EventKind kind() {
    return EventKind.FILE_CHANGE;
  }

  @Override
  public FileChange withContainer(ContainerRef ref) {
    return new FileChange(time, ref, sensor, path, change);
  }
}
