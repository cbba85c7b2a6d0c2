package dev.vigil.sink.delivery;

/**
 * When the disk spool forces appended alerts to stable storage. Every policy survives a crash of the agent
 * process (written bytes are in the kernel's page cache); they differ only for a crash of the whole machine.
 * Costs per policy are measured in docs/BENCHMARKS.md.
 */
public enum FsyncPolicy {
  /** fdatasync after every group of alerts the spool writer takes from its queue: nothing acknowledged is lost. */
  ALWAYS,
  /** fdatasync at most once per interval (1 s by default): a power loss loses at most that much. The default. */
  INTERVAL,
  /** Never: the kernel writes back when it wants (usually within 30 s). */
  NEVER
}
