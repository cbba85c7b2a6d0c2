package dev.vigil.sensor;

import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import java.util.Collection;

/**
 * What sensors need of the container inventory: look-ups, the running containers, and being told when containers
 * start and stop. The kernel sensors depend on this interface only; {@code sensor.docker.DockerInventory} is the
 * implementation the agent runs with. Implementations are thread-safe.
 */
public interface Inventory extends ContainerDirectory {

  /** Told when a container starts running or stops; called on the thread that refreshed the inventory. */
  interface Listener {
    void started(ContainerInfo c);

    void stopped(ContainerInfo c);
  }

  /** Subscribes {@code l} to starts and stops from now on. */
  void addListener(Listener l);

  /** The containers running now. */
  Collection<ContainerInfo> running();

  /** All containers currently known to exist. */
  Collection<ContainerInfo> all();
}
