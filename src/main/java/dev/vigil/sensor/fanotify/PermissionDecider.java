package dev.vigil.sensor.fanotify;

import dev.vigil.event.ContainerRef;

/**
 * The seam for enforcement: what the reader would consult for a permission event (e.g. FAN_OPEN_EXEC_PERM, which a
 * later issue marks on a container in a separate {@link FanotifyGroup.EventClass#CONTENT} group). The reader calls
 * {@link #decide} with the resolved container and path before answering the kernel with a
 * {@code struct fanotify_response}. Denying is NOT implemented yet: the reader answers FAN_ALLOW whatever the
 * verdict and counts verdicts of {@link Verdict#DENY} ({@code vigil.fanotify.deny_ignored}). The kernel holds the
 * process until the answer, so implementations must be fast and must not block. Implementations are thread-safe.
 */
@FunctionalInterface
public interface PermissionDecider {

  /** The answer to a permission event. */
  enum Verdict {
    ALLOW,
    DENY
  }

  /** Allows everything; the only decider today. */
  PermissionDecider ALLOW_ALL = (container, path, pid, mask) -> Verdict.ALLOW;

  /**
   * @param container the container the file belongs to, or null when the event could not be attributed
   * @param path the path inside the container, or null when unreadable
   * @param pid the process waiting for the answer (host pid)
   * @param mask the event's mask (which permission event)
   */
  Verdict decide(ContainerRef container, String path, int pid, long mask);
}
