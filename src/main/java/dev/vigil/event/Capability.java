package dev.vigil.event;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a running sensor can observe. A field needs one capability; a rule using a field whose capability no running
 * sensor provides is loaded disabled, with a warning naming the field.
 */
public enum Capability {
  /** Always available: event time and type, container identity and configuration. */
  CORE,
  /** Process starts with argv (netlink connector; fallback: docker top polling and exec events). */
  PROCESS,
  /** Parent and ancestor names and command lines. */
  PROCESS_TREE,
  /** Whether the executable lives in the container's writable layer. */
  EXE_LAYER,
  /** A process's open file descriptors (stdin/stdout sockets). */
  PROCESS_FDS,
  /** User, group and session changes of running processes (netlink connector only). */
  PROCESS_IDS,
  /** Files created or changed in the writable layer (fanotify; fallback: docker diff polling). */
  FILE_CHANGE,
  /** Files opened for reading or writing (fanotify). */
  FILE_OPEN,
  /** Connections and listening sockets (per-namespace socket tables). */
  NETWORK,
  /** Container output lines. */
  LOG,
  /** Resource usage samples. */
  STATS,
  /** Engine events: container life cycle, execs, images, networks. */
  ENGINE_EVENTS;

  /** What the Docker-API sensors of the foundation provide. */
  public static Set<Capability> dockerSensors() {
    return EnumSet.of(CORE, PROCESS, PROCESS_TREE, FILE_CHANGE, LOG, STATS, ENGINE_EVENTS);
  }

  /** Everything: for validating rules without regard to which sensors will run. */
  public static Set<Capability> all() {
    return EnumSet.allOf(Capability.class);
  }
}
