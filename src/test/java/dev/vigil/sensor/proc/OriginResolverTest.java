package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Origins decided on the live tree: init's subtree, docker exec, HEALTHCHECK (also when its shell execs in place). */
class OriginResolverTest {

  private static final String C = "c1";
  private final ProcessTree tree = new ProcessTree(1000, 1_000_000_000L, pid -> null);
  private final OriginResolver resolver = new OriginResolver(tree);

  private static Optional<ContainerInfo> info(long initPid, List<String> healthcheck) {
    return Optional.of(new ContainerInfo(new ContainerRef(C, "web", "nginx", "1", ""), "sha256:x", Map.of(), "",
        false, List.of(), List.of(), List.of(), List.of(), Map.of(), 0, 0, 0, "overlay2", Map.of(), initPid, true,
        Instant.EPOCH, List.of(), healthcheck, "no"));
  }

  /** runc (host) starts a process in the container: its parent is outside. */
  private ProcessTree.Node entered(long pid, long nsPid, String... args) {
    ProcessTree.Node runc = tree.execed(pid - 1);
    runc.containerId = "";
    runc.name = "runc";
    tree.fork(pid - 1, pid);
    ProcessTree.Node n = tree.execed(pid);
    n.containerId = C;
    n.nsPid = nsPid;
    n.args = List.of(args);
    n.name = args[0];
    return n;
  }

  private ProcessTree.Node child(long parent, long pid, String... args) {
    tree.fork(parent, pid);
    ProcessTree.Node n = tree.execed(pid);
    n.args = List.of(args);
    n.name = args[0];
    return n;
  }

  @Test
  void initAndItsDescendants_areContainer() {
    ProcessTree.Node init = entered(101, 1, "sh", "-c", "sleep 1; wget x");
    ProcessTree.Node wget = child(101, 102, "wget", "x");
    assertThat(resolver.origin(init, Optional.empty())).isEqualTo(ExecOrigin.CONTAINER);
    assertThat(resolver.origin(wget, Optional.empty())).isEqualTo(ExecOrigin.CONTAINER);
    // With --pid host the namespace pid says nothing; the inventory's init pid does.
    ProcessTree.Node hostPidInit = entered(201, 201, "nginx");
    hostPidInit.containerId = "c2";
    assertThat(resolver.origin(hostPidInit, info(201, List.of()))).isEqualTo(ExecOrigin.CONTAINER);
  }

  @Test
  void dockerExec_andItsChildren() {
    ProcessTree.Node sh = entered(301, 7, "sh", "-c", "/bin/ls /; sleep 1");
    ProcessTree.Node ls = child(301, 302, "/bin/ls", "/");
    assertThat(resolver.origin(sh, info(100, List.of()))).isEqualTo(ExecOrigin.DOCKER_EXEC);
    assertThat(resolver.origin(ls, info(100, List.of()))).isEqualTo(ExecOrigin.DOCKER_EXEC);
  }

  @Test
  void healthcheck_keptWhenTheShellExecsItsCommandInPlace() {
    List<String> test = List.of("CMD-SHELL", "wget -q -O- http://127.0.0.1:1/");
    ProcessTree.Node sh = entered(401, 9, "/bin/sh", "-c", "wget -q -O- http://127.0.0.1:1/");
    assertThat(resolver.origin(sh, info(100, test))).isEqualTo(ExecOrigin.HEALTHCHECK);
    // busybox sh -c with a single command execs it in the same process
    sh.args = List.of("wget", "-q", "-O-", "http://127.0.0.1:1/");
    sh.name = "wget";
    assertThat(resolver.origin(sh, info(100, test))).isEqualTo(ExecOrigin.HEALTHCHECK);
  }

  @Test
  void unknownContainer_isDecidedAgainLater() {
    ProcessTree.Node sh = entered(501, 4, "/bin/sh", "-c", "probe");
    assertThat(resolver.origin(sh, Optional.empty())).isEqualTo(ExecOrigin.DOCKER_EXEC);
    assertThat(sh.origin).isNull(); // not cached: the health check is unknown until the inventory has the container
    assertThat(resolver.origin(sh, info(100, List.of("CMD", "/bin/sh", "-c", "probe"))))
        .isEqualTo(ExecOrigin.HEALTHCHECK);
    ProcessTree.Node noNs = entered(601, -1, "x");
    assertThat(resolver.origin(noNs, Optional.empty())).isEqualTo(ExecOrigin.UNKNOWN);
  }

  @Test
  void healthcheckCommand_asTheEngineRunsIt() {
    assertThat(OriginResolver.healthcheckCommand(List.of("CMD-SHELL", "curl -f http://localhost/ || exit 1")))
        .isEqualTo("/bin/sh -c curl -f http://localhost/ || exit 1");
    assertThat(OriginResolver.healthcheckCommand(List.of("CMD", "/bin/check", "--fast")))
        .isEqualTo("/bin/check --fast");
    assertThat(OriginResolver.healthcheckCommand(List.of("NONE"))).isEmpty();
    assertThat(OriginResolver.healthcheckCommand(List.of())).isEmpty();
  }

  @Test
  void runtimeBootstrap_isRecognised() {
    assertThat(OriginResolver.isRuntimeBootstrap(node("runc:[2:INIT]", "/usr/sbin/runc", "runc", "init"))).isTrue();
    assertThat(OriginResolver.isRuntimeBootstrap(node("exe", "/usr/sbin/runc", "runc", "init"))).isTrue();
    assertThat(OriginResolver.isRuntimeBootstrap(node("runc", "/", "runc", "init"))).isTrue();
    assertThat(OriginResolver.isRuntimeBootstrap(node("x", "/memfd:runc_cloned:/proc/self/exe", "x"))).isTrue();
    assertThat(OriginResolver.isRuntimeBootstrap(node("sh", "/bin/busybox", "sh", "init"))).isFalse();
    assertThat(OriginResolver.isRuntimeBootstrap(node("init", "/sbin/init", "/sbin/init"))).isFalse();
  }

  private static ProcessTree.Node node(String name, String exe, String... args) {
    ProcessTree.Node n = new ProcessTree.Node(1);
    n.name = name;
    n.exe = exe;
    n.args = List.of(args);
    return n;
  }
}
