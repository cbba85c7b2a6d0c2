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

  /**
   * A directory over what {@code known} holds when asked (a live view, not a copy), for replays, benchmarks and
   * tests: no I/O, unknown ids resolve to {@link ContainerRef#unresolved}. Thread-safe when the map is.
   */
  static ContainerDirectory of(java.util.Map<String, ContainerInfo> known) {
    return new ContainerDirectory() {
      @Override
      public Optional<ContainerInfo> find(String containerId) {
        return Optional.ofNullable(known.get(containerId));
      }

      @Override
      public ContainerRef resolve(String containerId) {
        ContainerInfo i = known.get(containerId);
        return i != null ? i.ref() : ContainerRef.unresolved(containerId);
      }
    };
  }
}
