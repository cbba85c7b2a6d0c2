package dev.vigil.event;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What Vigil knows about a container from the engine's inspect data: identity, image, security-relevant
 * configuration, limits, filesystem layers and its init process. Immutable; the inventory replaces the whole
 * record when the container changes.
 *
 * @param ref identity, name and image
 * @param imageId the image's content id ({@code sha256:...})
 * @param user the configured user, empty for root by default
 * @param capAdd capabilities added with {@code --cap-add}
 * @param capDrop capabilities dropped with {@code --cap-drop}
 * @param securityOpt {@code --security-opt} values (seccomp, apparmor, no-new-privileges)
 * @param namespaces namespace modes by kind: pid, network, ipc, uts, userns, cgroup (empty = private)
 * @param nanoCpus CPU limit in units of 1e-9 CPUs, 0 when none (derived from quota/period when set that way)
 * @param graphDriver storage driver name, e.g. overlay2
 * @param graphData driver data: for overlay2, UpperDir, MergedDir, LowerDir, WorkDir
 * @param initPid host pid of the container's init process, 0 when not running
 * @param healthcheck the HEALTHCHECK test command (["CMD-SHELL", "..."] form), empty when none
 */
public record ContainerInfo(
    ContainerRef ref,
    String imageId,
    Map<String, String> labels,
    String user,
    boolean privileged,
    List<String> capAdd,
    List<String> capDrop,
    List<String> securityOpt,
    List<Mount> mounts,
    Map<String, String> namespaces,
    long memoryLimit,
    long nanoCpus,
    long pidsLimit,
    String graphDriver,
    Map<String, String> graphData,
    long initPid,
    boolean running,
    Instant startedAt,
    List<String> entrypoint,
    List<String> healthcheck,
    String restartPolicy) {

  public ContainerInfo {
    labels = Map.copyOf(labels);
    capAdd = List.copyOf(capAdd);
    capDrop = List.copyOf(capDrop);
    securityOpt = List.copyOf(securityOpt);
    mounts = List.copyOf(mounts);
    namespaces = Map.copyOf(namespaces);
    graphData = Map.copyOf(graphData);
    entrypoint = List.copyOf(entrypoint);
    healthcheck = List.copyOf(healthcheck);
    restartPolicy = restartPolicy == null ? "" : restartPolicy;
  }

  /** A bind mount, volume or tmpfs as the engine reports it. */
  public record Mount(String type, String source, String destination, boolean readWrite, String propagation) {}

  /**
   * The command line the engine runs for the HEALTHCHECK: {@code CMD-SHELL x} runs as {@code /bin/sh -c x},
   * {@code CMD a b} as {@code a b}; empty when there is no health check.
   */
  public String healthcheckCommand() {
    return healthcheckCommand(healthcheck);
  }

  /** {@link #healthcheckCommand()} for a given test list. */
  public static String healthcheckCommand(List<String> test) {
    if (test.isEmpty()) {
      return "";
    }
    if (test.get(0).equals("CMD-SHELL")) {
      return "/bin/sh -c " + String.join(" ", test.subList(1, test.size()));
    }
    return test.get(0).equals("CMD") ? String.join(" ", test.subList(1, test.size())) : "";
  }

  /** The writable layer's directory on the host (overlay2 {@code UpperDir}), empty when unknown. */
  public String upperDir() {
    return graphData.getOrDefault("UpperDir", "");
  }

  /** The merged root filesystem's directory on the host (overlay2 {@code MergedDir}), empty when unknown. */
  public String mergedDir() {
    return graphData.getOrDefault("MergedDir", "");
  }
}
