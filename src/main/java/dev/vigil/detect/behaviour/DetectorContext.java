package dev.vigil.detect.behaviour;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What every behavioural detector shares: the host name alerts carry, the container directory (CPU limit, command),
 * the metrics that count dropped state and suppressed alerts, the bounds on state, and the images the user told
 * detectors to leave alone. Immutable.
 *
 * @param maxContainers containers each detector keeps state for at most (least recently seen dropped first)
 * @param maxWorkloads image+command baselines kept at most
 * @param stateIdle a container's state is dropped after this long without any of its events (it vanished without
 *     a die event); stats arrive every few seconds for a running container
 * @param ignoreImages image patterns the detectors skip: {@code repo}, {@code repo:tag}, or a prefix ending in
 *     {@code *}
 */
public record DetectorContext(ContainerDirectory directory, Metrics metrics, int maxContainers,
    int maxWorkloads, Duration stateIdle, List<String> ignoreImages) {

  public DetectorContext {
    ignoreImages = List.copyOf(ignoreImages);
  }

  /** Counts a detector's dropped or suppressed things: {@code vigil.detector.<what>{detector=name}}. */
  public Counter counter(String what, String detector) {
    return metrics.counter("vigil.detector." + what, "detector", detector);
  }

  public Optional<ContainerInfo> info(String containerId) {
    return directory.find(containerId);
  }

  /** True when the container's image matches one of {@link #ignoreImages}. */
  public boolean ignored(ContainerRef ref) {
    if (ignoreImages.isEmpty()) {
      return false;
    }
    for (String pattern : ignoreImages) {
      String subject = pattern.indexOf(':') >= 0 ? ref.image() : ref.imageRepository();
      if (pattern.endsWith("*") ? subject.startsWith(pattern.substring(0, pattern.length() - 1))
          : subject.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The workload a container runs: its image and its command (entrypoint and arguments). Replicas of one Compose
   * service share it; a batch job and an idle shell of the same image do not.
   */
  public String workload(ContainerRef ref) {
    Optional<ContainerInfo> info = info(ref.id());
    return info.isPresent() && !info.get().entrypoint().isEmpty()
        ? ref.image() + " " + String.join(" ", info.get().entrypoint()) : ref.image();
  }
}
