package dev.vigil.sensor.proc;

import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ExecOrigin;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides how a container process came to run, the way DockerTopSensor does it but on the live process tree:
 * walk up to the topmost ancestor inside the container; the container's init (pid 1 in its pid namespace, or the
 * inventory's init pid) means {@link ExecOrigin#CONTAINER}, the HEALTHCHECK test's command line means
 * {@link ExecOrigin#HEALTHCHECK}, anything else was entered from outside by {@code docker exec}. The answer is
 * cached on the top node, so a health-check shell that execs its command in place keeps its origin, and inherited
 * by children at fork. Not thread-safe: confined to the reader thread with the tree.
 */
final class OriginResolver {

  private final ProcessTree tree;

  OriginResolver(ProcessTree tree) {
    this.tree = tree;
  }

  /**
   * @param info the container as the inventory knows it; when empty (a container seconds old) the answer is not
   *     cached, so a later exec decides again once the inventory has it
   */
  ExecOrigin origin(ProcessTree.Node n, Optional<ContainerInfo> info) {
    ProcessTree.Node top = tree.top(n);
    if (top.origin != null && Objects.equals(top.originContainer, top.containerId)) {
      return top.origin;
    }
    ExecOrigin o;
    boolean sure = true;
    if (top.nsPid == 1 || (info.isPresent() && info.get().initPid() == top.pid)) {
      o = ExecOrigin.CONTAINER;
    } else if (info.isPresent()) {
      String health = healthcheckCommand(info.get().healthcheck());
      o = !health.isEmpty() && String.join(" ", top.args).equals(health) ? ExecOrigin.HEALTHCHECK
          : ExecOrigin.DOCKER_EXEC;
    } else {
      // Not the init of a private pid namespace, so entered from outside - but whether by a health check is
      // unknown without the inventory.
      o = top.nsPid > 1 ? ExecOrigin.DOCKER_EXEC : ExecOrigin.UNKNOWN;
      sure = false;
    }
    if (sure) {
      top.origin = o;
      top.originContainer = top.containerId;
    }
    return o;
  }

  /** The engine's command line for a HEALTHCHECK test; see {@link ContainerInfo#healthcheckCommand(List)}. */
  static String healthcheckCommand(List<String> test) {
    return ContainerInfo.healthcheckCommand(test);
  }


  /**
   * runc's own stages ({@code runc init}, renamed {@code runc:[0:PARENT]} etc.) may already be in the container's
   * cgroup when their exec is read; they run the host's runc binary and are not container activity.
   */
  static boolean isRuntimeBootstrap(ProcessTree.Node n) {
    if (n.name.startsWith("runc:") || n.exe.equals("/") || n.exe.startsWith("/memfd:runc")) {
      return true;
    }
    if (n.args.size() != 2 || !n.args.get(1).equals("init")) {
      return false;
    }
    String argv0 = n.args.get(0).substring(n.args.get(0).lastIndexOf('/') + 1);
    return argv0.equals("runc") || n.name.equals("runc") || n.name.equals("exe");
  }
}
