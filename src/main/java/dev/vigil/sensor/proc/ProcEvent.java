package dev.vigil.sensor.proc;

/**
 * One event of the kernel's process connector, decoded. {@code pid} is the kernel's thread id and {@code tgid} the
 * process id as user space knows it; the sensor follows processes, so it mostly reads {@code tgid}. Immutable.
 */
public sealed interface ProcEvent {

  /** The CPU the kernel sent the event from; the connector's sequence numbers count per CPU. */
  int cpu();

  /** When the kernel sent it, CLOCK_MONOTONIC nanoseconds (the clock of {@link System#nanoTime()} on Linux). */
  long timestampNs();

  /** A new thread or process; a process when {@code childPid == childTgid}. */
  record Fork(int cpu, long timestampNs, int parentPid, int parentTgid, int childPid, int childTgid)
      implements ProcEvent {}

  /** A successful execve. */
  record Exec(int cpu, long timestampNs, int pid, int tgid) implements ProcEvent {}

  /** A thread or process exited; {@code parentTgid} is 0 on kernels that do not report it. */
  record Exit(int cpu, long timestampNs, int pid, int tgid, int exitCode, int exitSignal, int parentPid,
      int parentTgid) implements ProcEvent {}

  /** The task renamed itself ({@code prctl(PR_SET_NAME)} or a write to comm). */
  record Comm(int cpu, long timestampNs, int pid, int tgid, String comm) implements ProcEvent {}

  /** Real or effective uid ({@code gid == false}) or gid changed. */
  record Ids(int cpu, long timestampNs, int pid, int tgid, boolean gid, int real, int effective)
      implements ProcEvent {}

  /**
   * The kernel's answer to a subscription ({@code what == NONE}), sent to every listener: {@code ack} is the
   * request's {@code cn_msg.ack} + 1, {@code error} an errno, 0 when accepted.
   */
  record Ack(int cpu, long timestampNs, int ack, int error) implements ProcEvent {}

  /** Any other kind (sid, ptrace, coredump, or one this code does not know): only what and the task. */
  record Other(int cpu, long timestampNs, int what, int pid, int tgid) implements ProcEvent {}
}
