package dev.vigil.event;

import java.util.Optional;

/**
 * Read access to the container inventory. Implementations are thread-safe; {@link #resolve} may call the engine
 * for a container it has not seen yet, so it is for the pipeline's enrichment step, not for sensor callbacks.
 */
public interface ContainerDirectory {

  /** What is known now, without any I/O. */
  Optional<ContainerInfo> find(String containerId);

  /**
   * A reference with name and image filled in: from memory when known, else by inspecting the container.
   * A container that no longer exists and was never seen yields a reference named after its short id.
   */
  ContainerRef resolve(String containerId);
}
