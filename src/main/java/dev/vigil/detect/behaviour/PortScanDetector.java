package dev.vigil.detect.behaviour;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.Locale;

/**
 * Port-scan behaviour of a container, whatever the tool: a scanner built from {@code nc -z} in a shell loop is caught
 * as surely as nmap. Per container and within a sliding window it counts the distinct destination ports and hosts
 * attempted, from three sources: outbound sockets ({@link NetConnection}), the targets named on the command lines of
 * network tools ({@link NetTargets}: a connect refused in microseconds never shows as a socket, but its
 * {@code nc 10.0.0.5 8080} does), and the namespace's TCP counters ({@code connect_attempts} notices: AttemptFails
 * counts every refused connect, even a {@code /dev/tcp} loop inside one shell). A scan is distinct ports, failed
 * attempts (or, when configured, distinct internal hosts) reaching its threshold; it raises one alert carrying the
 * counts, the port range and the processes, and the episode ends after a quiet period below every threshold, after
 * which a new scan alerts again.
 */
public final class PortScanDetector extends ContainerDetector<PortScanDetector.State> {

  /** The alert's rule name. */
  public static final String RULE = "Port scan from container";
  static final String NAME = "port_scan";
  private static final int MAX_PROCS = 8;
  private static final int MAX_COUNTER_SAMPLES = 128;

  /** What is kept per container. */
  static final class State extends LruStates.Slot {
    final DistinctWindow ports;
    final DistinctWindow hosts;
    final DistinctWindow internalHosts;
    // connect_attempts notices in the window: time, attempt_fails, active_opens
    long[] noticeAt;
    long[] noticeFails;
    long[] noticeOpens;
    int noticeHead;
    int noticeCount;
    long fails;
    long opens;
    final String[] procs = new String[MAX_PROCS];
    final long[] procAt = new long[MAX_PROCS];
    boolean episode;
    long lastAbove = Long.MIN_VALUE;

    State(int maxTargets, long restamp) {
      ports = new DistinctWindow(maxTargets, restamp);
      hosts = new DistinctWindow(maxTargets, restamp);
      internalHosts = new DistinctWindow(maxTargets, restamp);
    }
  }

  private final PortScanConfig cfg;
  private final long windowMs;
  private final long quietMs;
  private final Counter capped;

  public PortScanDetector(PortScanConfig cfg, DetectorContext ctx) {
    super(NAME, ctx, Math.max(cfg.window().toMillis(), cfg.quietPeriod().toMillis()) + 1, EventKind.PROCESS_EXEC,
        EventKind.NETWORK, EventKind.SENSOR);
    this.cfg = cfg;
    this.windowMs = cfg.window().toMillis();
    this.quietMs = cfg.quietPeriod().toMillis();
    this.capped = ctx.counter("capped", NAME);
  }

  @Override
  boolean learnsFromStart() {
    return false; // nothing to learn; state begins with the first attempt
  }

  @Override
  boolean wants(Event e) {
    if (e instanceof NetConnection c) {
      return c.direction() == NetConnection.Direction.OUTBOUND && c.remotePort() > 0;
    }
    if (e instanceof SensorNotice n) {
      return n.what().equals("connect_attempts");
    }
    if (e instanceof ProcessExec p) {
      return cfg.argvTargets() && p.origin() != ExecOrigin.HEALTHCHECK && p.args().size() > 1;
    }
    return false;
  }

  @Override
  State newState(ContainerRef ref, long t) {
    return new State(cfg.maxTargets(), Math.max(1, windowMs / 16));
  }

  @Override
  void handle(Event e, State st, long now, AlertSink out) {
    if (st.episode && now - st.lastAbove >= quietMs) {
      st.episode = false; // quiet long enough: the next scan is a new episode
    }
    long cutoff = now - windowMs;
    expire(st, cutoff);
    if (e instanceof ProcessExec p) {
      List<NetTargets.Target> targets = NetTargets.of(p.name(), p.args());
      if (targets.isEmpty()) {
        return;
      }
      for (NetTargets.Target t : targets) {
        attempt(st, t.host(), t.port(), now);
      }
      proc(st, p.name(), now, cutoff);
    } else if (e instanceof NetConnection c) {
      attempt(st, c.remoteIp(), c.remotePort(), now);
      proc(st, c.procName(), now, cutoff);
    } else if (e instanceof SensorNotice n) {
      long fails = field(n.message(), "attempt_fails=");
      if (fails <= 0 && n.count() <= 0) {
        return;
      }
      notice(st, now, Math.max(0, fails), Math.max(0, n.count()));
    }
    boolean above = st.ports.distinct() >= cfg.minDistinctPorts() || st.fails >= cfg.minFailedAttempts()
        || cfg.minDistinctInternalHosts() > 0 && st.internalHosts.distinct() >= cfg.minDistinctInternalHosts();
    if (!above) {
      return;
    }
    st.lastAbove = now;
    if (!st.episode) {
      st.episode = true;
      alert(e, st, out);
    }
  }

  private void attempt(State st, String host, int port, long now) {
    boolean ok = st.ports.add(port, now);
    if (!host.isEmpty()) {
      int h = host.hashCode();
      ok &= st.hosts.add(h, now);
      if (internal(host)) {
        ok &= st.internalHosts.add(h, now);
      }
    }
    if (!ok) {
      capped.increment();
    }
  }

  private void notice(State st, long now, long fails, long opens) {
    if (st.noticeAt == null) {
      st.noticeAt = new long[8];
      st.noticeFails = new long[8];
      st.noticeOpens = new long[8];
    }
    st.fails += fails;
    st.opens += opens;
    if (st.noticeCount == st.noticeAt.length) {
      if (st.noticeCount >= MAX_COUNTER_SAMPLES) {
        // full: fold into the newest sample, keeping the totals right
        int last = (st.noticeHead + st.noticeCount - 1) % st.noticeAt.length;
        st.noticeFails[last] += fails;
        st.noticeOpens[last] += opens;
        st.noticeAt[last] = now;
        return;
      }
      int n = st.noticeAt.length * 2;
      long[] at = new long[n];
      long[] f = new long[n];
      long[] o = new long[n];
      for (int i = 0; i < st.noticeCount; i++) {
        int from = (st.noticeHead + i) % st.noticeAt.length;
        at[i] = st.noticeAt[from];
        f[i] = st.noticeFails[from];
        o[i] = st.noticeOpens[from];
      }
      st.noticeAt = at;
      st.noticeFails = f;
      st.noticeOpens = o;
      st.noticeHead = 0;
    }
    int i = (st.noticeHead + st.noticeCount) % st.noticeAt.length;
    st.noticeAt[i] = now;
    st.noticeFails[i] = fails;
    st.noticeOpens[i] = opens;
    st.noticeCount++;
  }

  private static void expire(State st, long cutoff) {
    st.ports.expire(cutoff);
    st.hosts.expire(cutoff);
    st.internalHosts.expire(cutoff);
    while (st.noticeCount > 0 && st.noticeAt[st.noticeHead] < cutoff) {
      st.fails -= st.noticeFails[st.noticeHead];
      st.opens -= st.noticeOpens[st.noticeHead];
      st.noticeHead = (st.noticeHead + 1) % st.noticeAt.length;
      st.noticeCount--;
    }
    if (st.noticeCount == 0 && st.noticeAt != null) {
      st.noticeAt = null;
      st.noticeFails = null;
      st.noticeOpens = null;
      st.noticeHead = 0;
      st.fails = 0;
      st.opens = 0;
    }
  }

  /** Remembers a process name seen attempting within the window (at most {@link #MAX_PROCS}, oldest replaced). */
  private static void proc(State st, String name, long now, long cutoff) {
    if (name.isEmpty()) {
      return;
    }
    int free = -1;
    int oldest = 0;
    for (int i = 0; i < MAX_PROCS; i++) {
      if (name.equals(st.procs[i])) {
        st.procAt[i] = now;
        return;
      }
      if (st.procs[i] == null || st.procAt[i] < cutoff) {
        free = free < 0 ? i : free;
      } else if (st.procAt[i] < st.procAt[oldest]) {
        oldest = i;
      }
    }
    int at = free >= 0 ? free : oldest;
    st.procs[at] = name;
    st.procAt[at] = now;
  }

  private void alert(Event e, State st, AlertSink out) {
    ContainerRef ref = e.container();
    StringBuilder procs = new StringBuilder();
    long cutoff = st.now() - windowMs;
    for (int i = 0; i < MAX_PROCS; i++) {
      if (st.procs[i] != null && st.procAt[i] >= cutoff) {
        procs.append(procs.length() == 0 ? "" : ",").append(st.procs[i]);
      }
    }
    int ports = st.ports.distinct();
    String range = ports == 0 ? "" : st.ports.min() + "-" + st.ports.max();
    String trigger = ports >= cfg.minDistinctPorts() ? "distinct_ports"
        : st.fails >= cfg.minFailedAttempts() ? "failed_attempts" : "internal_hosts";
    long windowS = cfg.window().toSeconds();
    out.accept(DetectorAlert.of(RULE, Priority.WARNING, "vigil", e.time(), ref)
        .tags("container", "network", "mitre_discovery", "T1046")
        .field("proc.name", procs.length() == 0 ? null : procs.toString())
        .field("vigil.scan.trigger", trigger)
        .field("vigil.scan.ports", ports)
        .field("vigil.scan.port_min", ports == 0 ? null : st.ports.min())
        .field("vigil.scan.port_max", ports == 0 ? null : st.ports.max())
        .field("vigil.scan.hosts", st.hosts.distinct())
        .field("vigil.scan.internal_hosts", st.internalHosts.distinct())
        .field("vigil.scan.failed_attempts", st.fails)
        .field("vigil.scan.active_opens", st.opens)
        .field("vigil.scan.window_s", windowS)
        .output("Port scan from container (trigger=" + trigger + " ports=" + ports
            + (range.isEmpty() ? "" : " range=" + range) + " hosts=" + st.hosts.distinct() + " failed_attempts="
            + st.fails + " window=" + windowS + "s procs=" + (procs.length() == 0 ? "<NA>" : procs)
            + " container=" + ref.name() + " image=" + ref.image() + ")")
        .build());
  }

  /** The number after {@code key} in a notice's message, or -1. */
  static long field(String message, String key) {
    int at = message.indexOf(key);
    if (at < 0) {
      return -1;
    }
    long v = 0;
    int i = at + key.length();
    int start = i;
    while (i < message.length() && Character.isDigit(message.charAt(i)) && i - start < 18) {
      v = v * 10 + (message.charAt(i++) - '0');
    }
    return i == start ? -1 : v;
  }

  /**
   * Private, loopback or link-local addresses, and names without a dot (Compose service names): the hosts of the
   * container's own networks, where a sweep is lateral movement rather than a crawler's work.
   */
  static boolean internal(String host) {
    if (host.equals("localhost") || host.indexOf('.') < 0 && host.indexOf(':') < 0) {
      return true;
    }
    if (host.indexOf(':') >= 0) {
      String h = host.toLowerCase(Locale.ROOT);
      if (h.startsWith("::ffff:")) {
        return internal(h.substring(7));
      }
      return h.equals("::1") || h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80:");
    }
    int[] o = new int[4];
    int n = 0;
    int v = -1;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == '.') {
        if (v < 0 || n == 3) {
          return false;
        }
        o[n++] = v;
        v = -1;
      } else if (c >= '0' && c <= '9') {
        v = (v < 0 ? 0 : v * 10) + (c - '0');
        if (v > 255) {
          return false;
        }
      } else {
        return false; // a dotted name: may be anywhere
      }
    }
    if (v < 0 || n != 3) {
      return false;
    }
    o[3] = v;
    return o[0] == 10 || o[0] == 127 || o[0] == 172 && o[1] >= 16 && o[1] <= 31 || o[0] == 192 && o[1] == 168
        || o[0] == 169 && o[1] == 254 || o[0] == 100 && o[1] >= 64 && o[1] <= 127;
  }
}
