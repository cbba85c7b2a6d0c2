package dev.vigil.sensor.proc;

import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * The host's process tree as the connector reports it: pid to what the process is running and where. A fork copies
 * the parent's identity to the child (it runs the same program until it execs), an exec replaces it with what /proc
 * says, an exit marks the node and keeps it for a grace period so children that exec after their parent died still
 * name it. Parents the tree never saw (started before the sensor, or evicted) are loaded on demand through the
 * loader. Bounded: least recently used nodes are evicted beyond the capacity. Not thread-safe: confined to the
 * sensor's reader thread.
 */
final class ProcessTree {

  /** What is known about one process. Mutable, confined like the tree. */
  static final class Node {
    final long pid;
    long ppid = -1;
    String name = "";
    List<String> args = List.of();
    String exe = "";
    /** Real uid, -1 when unknown; inherited at fork, changed by the connector's uid events. */
    long uid = -1;
    /** The container's id, "" for a host process, null when it could not be determined. */
    String containerId;
    /** Start time in clock ticks after boot, -1 when unknown. */
    long startTicks = -1;
    /** The pid inside the process's own pid namespace (1 for a container's init), -1 when unknown. */
    long nsPid = -1;
    boolean exited;
    long exitedAtNanos;
    /** How the process's subtree came to run in its container, once decided; with the container it holds for. */
    ExecOrigin origin;
    String originContainer;
    /** True once this process exec'd while watched (its identity is its own, not inherited from a fork). */
    boolean execSeen;
    /** True when the parent link came from a fork event rather than from /proc (which shows re-parenting). */
    boolean forkSeen;
    /** True when the container id came from the parent at fork and the parent's was read from /proc. */
    boolean containerInherited;

    Node(long pid) {
      this.pid = pid;
    }

    private String cmdline;
    private String cmdlineName;
    private List<String> cmdlineArgs;

    /**
     * Falco's {@code proc.cmdline}: the name followed by the arguments after argv[0]. Cached: a long-lived parent
     * appears in the ancestors of every exec below it.
     */
    String cmdline() {
      // Identity, not equality: the cache is stale exactly when the fields were reassigned.
      if (cmdline == null || cmdlineName != name || cmdlineArgs != args) {
        StringBuilder sb = new StringBuilder(name);
        for (int i = 1; i < args.size(); i++) {
          sb.append(' ').append(args.get(i));
        }
        cmdline = sb.toString();
        cmdlineName = name;
        cmdlineArgs = args;
      }
      return cmdline;
    }

    boolean isHost() {
      return containerId != null && containerId.isEmpty();
    }
  }

  static final int DEFAULT_CAPACITY = 65_536;
  static final long DEFAULT_GRACE_NANOS = 30_000_000_000L;
  /** Ancestor chains longer than this are cut: deeper trees are pathological and the walk must stay cheap. */
  static final int MAX_DEPTH = 64;

  private record Expiry(Node node, long atNanos) {}

  private final Map<Long, Node> nodes;
  private final ArrayDeque<Expiry> exits = new ArrayDeque<>();
  private final LongFunction<Node> loader;
  private final long graceNanos;

  /**
   * @param loader builds a node for a live process from /proc; returns null when the process does not exist
   */
  ProcessTree(int capacity, long graceNanos, LongFunction<Node> loader) {
    this.loader = loader;
    this.graceNanos = graceNanos;
    this.nodes = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Node> eldest) {
        return size() > capacity;
      }
    };
  }

  int size() {
    return nodes.size();
  }

  /** The node, without loading it. */
  Node get(long pid) {
    return nodes.get(pid);
  }

  /** The node, loaded from /proc when the tree does not have it; null when the process does not exist. */
  Node getOrLoad(long pid) {
    if (pid <= 0) {
      return null;
    }
    Node n = nodes.get(pid);
    if (n == null) {
      n = loader.apply(pid);
      if (n != null) {
        nodes.put(pid, n);
      }
    }
    return n;
  }

  /** A new process: it inherits the parent's program, container and origin until it execs. Replaces a reused pid. */
  Node fork(long parentTgid, long childTgid) {
    Node parent = getOrLoad(parentTgid);
    Node child = new Node(childTgid);
    child.ppid = parentTgid;
    child.forkSeen = true;
    if (parent != null) {
      child.name = parent.name;
      child.args = parent.args;
      child.exe = parent.exe;
      child.uid = parent.uid;
      child.containerId = parent.containerId;
      child.containerInherited = parent.containerId != null;
      child.origin = parent.origin;
      child.originContainer = parent.originContainer;
    }
    nodes.put(childTgid, child);
    return child;
  }

  /**
   * The process exec'd: its node (created when the fork was not seen) to be filled in by the caller. A node left
   * over from an exited process with the same pid is replaced.
   */
  Node execed(long pid) {
    Node n = nodes.get(pid);
    if (n == null || n.exited) {
      n = new Node(pid);
      nodes.put(pid, n);
    }
    n.execSeen = true;
    return n;
  }

  /** The process exited: kept for the grace period so late children still find it. */
  void exited(long pid, long nowNanos) {
    Node n = nodes.get(pid);
    if (n != null && !n.exited) {
      n.exited = true;
      n.exitedAtNanos = nowNanos;
      exits.add(new Expiry(n, nowNanos + graceNanos));
    }
  }

  /** Drops exited nodes whose grace period is over. */
  void expire(long nowNanos) {
    while (!exits.isEmpty() && exits.peek().atNanos() - nowNanos <= 0) {
      Node n = exits.poll().node();
      nodes.remove(n.pid, n);
    }
  }

  /** The parent inside the same container, or null at the container boundary (host, another container, unknown). */
  Node parentInside(Node n) {
    if (n.ppid <= 0 || n.ppid == n.pid || n.containerId == null) {
      return null;
    }
    Node p = getOrLoad(n.ppid);
    return p != null && Objects.equals(p.containerId, n.containerId) ? p : null;
  }

  /** The topmost ancestor of {@code n} inside its container ({@code n} itself when its parent is outside). */
  Node top(Node n) {
    Node top = n;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      Node p = parentInside(top);
      if (p == null) {
        break;
      }
      top = p;
    }
    return top;
  }

  /** The ancestors inside the container, parent first. */
  List<ProcessExec.Ancestor> ancestors(Node n) {
    List<ProcessExec.Ancestor> out = new ArrayList<>();
    Node p = parentInside(n);
    while (p != null && out.size() < MAX_DEPTH) {
      out.add(new ProcessExec.Ancestor(p.pid, p.name, p.cmdline()));
      p = parentInside(p);
    }
    return out;
  }
}
