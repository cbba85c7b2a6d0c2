package dev.vigil.event;

import java.time.Instant;

/**
 * A file in a container's filesystem opened by a process, as the file sensor saw it: read (reported when closed
 * without writing), written (reported when closed after writing) or executed.
 *
 * @param path absolute path inside the container
 * @param pid the process that opened it (host pid), 0 when unknown
 * @param procName that process's name when known, else empty
 */
public record FileOpen(Instant time, ContainerRef container, String sensor, String path, Mode mode, long pid,
    String procName) implements Event {

  /** How the file was used. */
  public enum Mode {
    READ,
    WRITE,
    EXEC
  }

  public FileOpen {
    procName = procName == null ? "" : procName;
  }

  @Override
  public EventKind kind() {
    return EventKind.FILE_OPEN;
  }

  @Override
  public FileOpen withContainer(ContainerRef ref) {
    return new FileOpen(time, ref, sensor, path, mode, pid, procName);
  }
}
