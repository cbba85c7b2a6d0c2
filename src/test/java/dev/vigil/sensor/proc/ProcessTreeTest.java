package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ProcessExec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The process tree: inheritance at fork, exec, exit grace, container boundary, loading and bounds. */
class ProcessTreeTest {

  private static final String C = "c1";
  private final Map<Long, ProcessTree.Node> proc = new HashMap<>();
  private int loads;

  private ProcessTree tree(int capacity) {
    return new ProcessTree(capacity, 1_000L, pid -> {
      loads++;
      return proc.get(pid);
    });
  }

  /** A live process as /proc would show it. */
  private ProcessTree.Node live(long pid, long ppid, String name, String container, String... args) {
    ProcessTree.Node n = new ProcessTree.Node(pid);
    n.ppid = ppid;
    n.name = name;
    n.args = List.of(args);
    n.containerId = container;
    proc.put(pid, n);
    return n;
  }

  private static ProcessTree.Node exec(ProcessTree t, long pid, String name, String container, String... args) {
    ProcessTree.Node n = t.execed(pid);
    n.name = name;
    n.args = List.of(args);
    n.containerId = container;
    return n;
  }

  @Test
  void fork_inheritsTheParentUntilExec_andParentsAreLoadedOnce() {
    live(1, 0, "containerd-shim", "", "containerd-shim");
    live(10, 1, "sh", C, "sh", "-c", "loop");
    ProcessTree t = tree(100);

    ProcessTree.Node child = t.fork(10, 11);
    assertThat(child.name).isEqualTo("sh");
    assertThat(child.containerId).isEqualTo(C);
    assertThat(child.containerInherited).isTrue();
    assertThat(child.forkSeen).isTrue();
    assertThat(child.ppid).isEqualTo(10);

    exec(t, 11, "wget", C, "wget", "-q", "http://127.0.0.1/");
    assertThat(t.get(11).cmdline()).isEqualTo("wget -q http://127.0.0.1/");
    t.fork(10, 12);
    assertThat(loads).isEqualTo(1); // pid 10 loaded once, then kept
  }

  @Test
  void ancestors_parentFirst_stopAtTheContainerBoundary() {
    live(1, 0, "containerd-shim", "", "containerd-shim");
    live(10, 1, "sh", C, "sh", "-c", "x");
    ProcessTree t = tree(100);
    t.fork(10, 20);
    exec(t, 20, "bash", C, "bash");
    t.fork(20, 30);
    ProcessTree.Node wget = exec(t, 30, "wget", C, "wget", "x");

    assertThat(t.ancestors(wget)).containsExactly(new ProcessExec.Ancestor(20, "bash", "bash"),
        new ProcessExec.Ancestor(10, "sh", "sh -c x"));
    assertThat(t.top(wget).pid).isEqualTo(10);

    // A process of another container under this one (docker-in-docker) starts its own chain.
    t.fork(30, 40);
    ProcessTree.Node inner = exec(t, 40, "nginx", "other", "nginx");
    assertThat(t.ancestors(inner)).isEmpty();
    assertThat(t.top(inner)).isSameAs(inner);
  }

  @Test
  void exitedParent_keepsItsNameForTheGracePeriod_thenGoes() {
    live(10, 1, "sh", C, "sh");
    ProcessTree t = tree(100);
    t.fork(10, 20);
    exec(t, 20, "dropper", C, "./dropper");
    t.fork(20, 30);
    t.exited(20, 5_000L);
    ProcessTree.Node payload = exec(t, 30, "payload", C, "./payload");
    assertThat(t.ancestors(payload)).extracting(ProcessExec.Ancestor::name).containsExactly("dropper", "sh");

    t.expire(5_999L);
    assertThat(t.get(20)).isNotNull();
    t.expire(6_000L);
    assertThat(t.get(20)).isNull();
  }

  @Test
  void reusedPid_replacesTheExitedNode_andIsNotExpiredWithIt() {
    live(10, 1, "sh", C, "sh");
    ProcessTree t = tree(100);
    t.fork(10, 20);
    exec(t, 20, "old", C, "old");
    t.exited(20, 0L);
    t.fork(10, 20);
    ProcessTree.Node fresh = exec(t, 20, "new", C, "new");
    assertThat(fresh.exited).isFalse();
    t.expire(10_000L);
    assertThat(t.get(20)).isSameAs(fresh);
  }

  @Test
  void execWithoutASeenFork_createsTheNode() {
    ProcessTree t = tree(100);
    ProcessTree.Node n = t.execed(77);
    assertThat(n.execSeen).isTrue();
    assertThat(n.forkSeen).isFalse();
    assertThat(t.get(77)).isSameAs(n);
  }

  @Test
  void capacity_evictsTheLeastRecentlyUsed() {
    ProcessTree t = tree(3);
    for (long pid = 1; pid <= 3; pid++) {
      t.execed(pid);
    }
    t.get(1); // touch
    t.execed(4);
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.get(2)).isNull();
    assertThat(t.get(1)).isNotNull();
  }

  @Test
  void unknownContainer_isABoundary_andCyclesEnd() {
    ProcessTree t = tree(100);
    ProcessTree.Node a = exec(t, 5, "a", null, "a");
    assertThat(t.ancestors(a)).isEmpty();
    // A corrupt chain (pid reuse seen out of order) must not loop.
    ProcessTree.Node x = exec(t, 6, "x", C, "x");
    ProcessTree.Node y = exec(t, 7, "y", C, "y");
    x.ppid = 7;
    y.ppid = 6;
    assertThat(t.ancestors(x)).hasSize(ProcessTree.MAX_DEPTH);
  }

  @Test
  void cmdline_followsRenames() {
    ProcessTree t = tree(100);
    ProcessTree.Node n = exec(t, 5, "exe", C, "/proc/self/exe", "init");
    assertThat(n.cmdline()).isEqualTo("exe init");
    n.name = "runc:[2:INIT]";
    assertThat(n.cmdline()).isEqualTo("runc:[2:INIT] init");
  }
}
