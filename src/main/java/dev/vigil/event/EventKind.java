package dev.vigil.event;

/** The kinds of {@link Event}; the engine dispatches on these. Each belongs to one Falco-style event source. */
public enum EventKind {
  CONTAINER_LIFECYCLE("docker"),
  ENGINE("docker"),
  PROCESS_EXEC("syscall"),
  PROCESS_CHANGE("syscall"),
  FILE_CHANGE("syscall"),
  FILE_OPEN("syscall"),
  NETWORK("syscall"),
  SENSOR("vigil"),
  LOG_LINE("log"),
  STATS("stats");

  private final String source;

  EventKind(String source) {
    this.source = source;
  }

  /** The alert {@code source} for events of this kind: syscall, docker, log, stats or vigil. */
  public String source() {
    return source;
  }
}
