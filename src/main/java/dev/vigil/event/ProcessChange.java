package dev.vigil.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A running container process changed its identity: its user or group ids ({@code setuid}/{@code setgid} family)
 * or its session ({@code setsid}). Seen by the kernel process connector, which reports the ids after the change;
 * the process as it was known before (name, executable, argv, ancestors, origin) comes with it, so every
 * {@code proc.*} field works on these events as on an exec. A non-root process becoming root without an exec is
 * how setuid binaries and many local exploits look from outside.
 *
 * @param what which call family
 * @param previousId the real uid (or gid) before the change, -1 when unknown or for SETSID
 * @param realId the real uid (or gid) after the change; the session id (the pid) for SETSID
 * @param effectiveId the effective uid (or gid) after the change; equal to {@code realId} for SETSID
 * @param process the process, with {@code uid} already the new real uid for SETUID
 */
public record ProcessChange(Instant time, ContainerRef container, String sensor, What what, long previousId,
    long realId, long effectiveId, ProcessExec process) implements Event {

  /** The kind of change, named after the system calls that make it. */
  public enum What {
    SETUID,
    SETGID,
    SETSID
  }

  public ProcessChange {
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(process, "process");
  }

  @Override
  public EventKind kind() {
    return EventKind.PROCESS_CHANGE;
  }

  @Override
  public ProcessChange withContainer(ContainerRef ref) {
    return new ProcessChange(time, ref, sensor, what, previousId, realId, effectiveId, process.withContainer(ref));
  }
}
