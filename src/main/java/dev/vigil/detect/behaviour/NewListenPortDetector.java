package dev.vigil.detect.behaviour;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.NetConnection;
import dev.vigil.event.StatsSample;
import io.micrometer.core.instrument.Counter;
import java.util.Arrays;
import java.util.Set;

/**
 * A container listening on a port it did not listen on when it started: a bind shell, a planted backdoor, a tunnel's
 * local end. The ports a container listens on during its learning period (from its start, or from its first
 * sighting when it ran before the agent, whose network sensor reports the sockets already there) are its own, as are
 * the ports any container of the same workload (image and command) listened on while learning, so replicas and
 * restarts are quiet. Each new port alerts once; alerts per container are capped per hour.
 */
public final class NewListenPortDetector extends ContainerDetector<NewListenPortDetector.State> {

  /** The alert's rule name. */
  public static final String RULE = "New listening port in container";
  static final String NAME = "new_listen_port";
  static final int MAX_PORTS = 256;
  static final int MAX_WORKLOAD_PORTS = 64;
  private static final long HOUR = 3_600_000L;

  /** What is kept per container. */
  static final class State extends LruStates.Slot {
    final long learnUntil;
    final String workload;
    int[] ports = new int[4];
    int size;
    long hourStart;
    int alertsThisHour;

    State(long learnUntil, String workload) {
      this.learnUntil = learnUntil;
      this.workload = workload;
    }
  }

  /** Ports the workload's containers listened on while learning. */
  static final class WorkloadPorts extends LruStates.Slot {
    int[] ports = new int[4];
    int size;
  }

  private final NewListenPortConfig cfg;
  private final Set<Integer> ignore;
  private final LruStates<WorkloadPorts> workloads;
  private final Counter suppressed;
  private final Counter capped;

  public NewListenPortDetector(NewListenPortConfig cfg, DetectorContext ctx) {
    super(NAME, ctx, ctx.stateIdle().toMillis(), EventKind.NETWORK, EventKind.STATS);
    this.cfg = cfg;
    this.ignore = Set.copyOf(cfg.ignorePorts());
    this.workloads = new LruStates<>(ctx.maxWorkloads(), Long.MAX_VALUE, ctx.counter("evicted", NAME + ".workload"));
    this.suppressed = ctx.counter("suppressed", NAME);
    this.capped = ctx.counter("capped", NAME);
  }

  @Override
  boolean wants(Event e) {
    if (e instanceof NetConnection c) {
      return c.direction() == NetConnection.Direction.LISTEN && (cfg.includeUdp() || c.l4proto().equals("tcp"))
          && !ignore.contains(c.localPort());
    }
    return e instanceof StatsSample;
  }

  @Override
  State newState(ContainerRef ref, long t) {
    return new State(t + cfg.learningPeriod().toMillis(), ctx.workload(ref));
  }

  @Override
  void handle(Event e, State st, long now, AlertSink out) {
    if (!(e instanceof NetConnection c)) {
      return; // a stats sample: only starts the learning period of a container first seen now
    }
    int port = c.localPort();
    if (indexOf(st.ports, st.size, port) >= 0) {
      return;
    }
    if (st.size < MAX_PORTS) {
      st.ports = add(st.ports, st.size++, port);
    } else {
      capped.increment();
    }
    if (now < st.learnUntil) {
      WorkloadPorts w = workloads.get(st.workload, now, t -> new WorkloadPorts());
      if (indexOf(w.ports, w.size, port) < 0 && w.size < MAX_WORKLOAD_PORTS) {
        w.ports = add(w.ports, w.size++, port);
      }
      return;
    }
    WorkloadPorts w = workloads.peek(st.workload);
    if (w != null && indexOf(w.ports, w.size, port) >= 0) {
      return;
    }
    if (now - st.hourStart >= HOUR) {
      st.hourStart = now;
      st.alertsThisHour = 0;
    }
    if (st.alertsThisHour >= cfg.maxAlertsPerHour()) {
      suppressed.increment();
      return;
    }
    st.alertsThisHour++;
    ContainerRef ref = c.container();
    out.accept(DetectorAlert.of(RULE, Priority.NOTICE, "vigil", c.time(), ref)
        .tags("container", "network", "mitre_command_and_control", "T1571")
        .field("fd.l4proto", c.l4proto())
        .field("fd.lip", c.localIp())
        .field("fd.lport", port)
        .field("proc.name", c.procName().isEmpty() ? null : c.procName())
        .field("proc.pid", c.pid() > 0 ? c.pid() : null)
        .field("vigil.listen.known_ports", known(st, port))
        .output("New listening port in container (port=" + c.l4proto() + "/" + port + " address=" + c.localIp()
            + " process=" + (c.procName().isEmpty() ? "<NA>" : c.procName()) + " container=" + ref.name()
            + " image=" + ref.image() + ")")
        .build());
  }

  /** The container's other listening ports, as {@code 80,443}. */
  private static String known(State st, int port) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < st.size; i++) {
      if (st.ports[i] != port) {
        sb.append(sb.length() == 0 ? "" : ",").append(st.ports[i]);
      }
    }
    return sb.toString();
  }

  private static int indexOf(int[] a, int size, int v) {
    for (int i = 0; i < size; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static int[] add(int[] a, int at, int v) {
    int[] out = at < a.length ? a : Arrays.copyOf(a, a.length * 2);
    out[at] = v;
    return out;
  }
}
