package dev.vigil.detect.behaviour;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Crypto-mining behaviour in a container, renamed miners included. The main evidence is CPU: a container whose use
 * stays busy (of its CPU limit when below one core, else of one core) for the sustain period <em>and</em> departs
 * from its own baseline and from its workload's (same image and command) by the minimum rise. Busy is a streak of
 * samples that starts at the threshold, survives dips down to the threshold minus the hysteresis (a crowded host
 * takes CPU from a miner now and then) and averages at least the threshold. The
 * baseline is learned over the container's first minute; a container busy (at or above threshold minus rise, 30 % by
 * default) in most of its learning samples is a batch job, and so is every container of a workload whose containers
 * mostly were: a batch job never departs, even when a crowded host starved it while it learned, while a web server
 * that starts burning a core does. Supporting evidence: a miner's process name,
 * pool arguments ({@code stratum+tcp://}, {@code --donate-level}, {@code -o host:3333}), an outbound connection to a
 * pool port, and busy CPU that does not depart from the baseline. A CPU departure alerts alone (Warning); otherwise
 * {@code min_indicators} pieces of evidence within the evidence window alert (Critical when a name, argument or pool
 * connection is among them). One combined alert per episode, listing the evidence; the episode ends after the reset
 * period with CPU below the threshold and nothing new.
 */
public final class CryptoMiningDetector extends ContainerDetector<CryptoMiningDetector.State> {

  /** The alert's rule name. */
  public static final String RULE = "Crypto-mining behaviour in container";
  static final String NAME = "crypto_mining";
  private static final int RECENT = 4;
  private static final int MAX_CMDLINE = 512;

  /** What is kept per container. */
  static final class State extends LruStates.Slot {
    final Baseline cpu;
    int learnSamples;
    int busyLearnSamples;
    boolean batch;
    String workload;
    boolean infoKnown;
    double refCores = 1.0;
    long lastSample = -1;
    double lastPercent;
    double lastUse;
    long hotSince = -1;
    double hotSum;
    int hotCount;
    long lastActivity = Long.MIN_VALUE;
    boolean episode;
    long minerAt = -1;
    String minerName;
    String minerCmd;
    long argsAt = -1;
    String argsProc;
    String argsCmd;
    long poolAt = -1;
    String poolProc;
    String poolIp;
    int poolPort;
    final String[] recent = new String[RECENT];
    int recentNext;

    State(long t, long learningMs, long halfLifeMs) {
      cpu = new Baseline(t, learningMs, halfLifeMs);
    }
  }

  /**
   * A workload's CPU baseline: the running average of its containers' learned baselines, and the share of them that
   * were batch.
   */
  static final class WorkloadCpu extends LruStates.Slot {
    double baseline;
    double batchShare;
    int containers;
  }

  private final CryptoMiningConfig cfg;
  private final double threshold;
  private final double rise;
  private final double busyWhileLearning;
  private final double keepLevel;
  private final long sustainMs;
  private final long resetMs;
  private final long evidenceMs;
  private final Set<String> minerNames = new HashSet<>();
  private final List<String> markers;
  private final Set<Integer> poolPorts;
  private final LruStates<WorkloadCpu> workloads;

  public CryptoMiningDetector(CryptoMiningConfig cfg, DetectorContext ctx) {
    super(NAME, ctx, ctx.stateIdle().toMillis(), EventKind.STATS, EventKind.PROCESS_EXEC, EventKind.NETWORK);
    this.cfg = cfg;
    this.threshold = cfg.cpuThresholdPercent() / 100.0;
    this.rise = cfg.minRisePercent() / 100.0;
    this.busyWhileLearning = threshold - rise;
    this.keepLevel = threshold - cfg.hysteresisPercent() / 100.0;
    this.sustainMs = cfg.sustain().toMillis();
    this.resetMs = cfg.resetPeriod().toMillis();
    this.evidenceMs = cfg.evidenceWindow().toMillis();
    cfg.minerNames().forEach(n -> minerNames.add(n.toLowerCase(Locale.ROOT)));
    this.markers = cfg.poolMarkers().stream().map(m -> m.toLowerCase(Locale.ROOT)).toList();
    this.poolPorts = Set.copyOf(cfg.poolPorts());
    this.workloads = new LruStates<>(ctx.maxWorkloads(), Long.MAX_VALUE, ctx.counter("evicted", NAME + ".workload"));
  }

  @Override
  boolean wants(Event e) {
    if (e instanceof NetConnection c) {
      return c.direction() == NetConnection.Direction.OUTBOUND && poolPorts.contains(c.remotePort());
    }
    if (e instanceof ProcessExec p) {
      return p.origin() != ExecOrigin.HEALTHCHECK;
    }
    return e instanceof StatsSample;
  }

  @Override
  State newState(ContainerRef ref, long t) {
    State st = new State(t, cfg.learningPeriod().toMillis(), cfg.baselineHalfLife().toMillis());
    refreshInfo(st, ref);
    return st;
  }

  private void refreshInfo(State st, ContainerRef ref) {
    Optional<ContainerInfo> info = ctx.info(ref.id());
    st.infoKnown = info.isPresent();
    long nanoCpus = info.map(ContainerInfo::nanoCpus).orElse(0L);
    st.refCores = nanoCpus > 0 ? Math.min(1.0, nanoCpus / 1e9) : 1.0;
    st.workload = ctx.workload(ref);
  }

  @Override
  void handle(Event e, State st, long now, AlertSink out) {
    if (e instanceof StatsSample s) {
      sample(st, s, now);
      // a busy sample means the time before it was not quiet
      if (st.episode && st.hotSince < 0 && now - st.lastActivity >= resetMs) {
        endEpisode(st);
      }
    } else if (st.episode && now - st.lastActivity >= resetMs) {
      endEpisode(st);
    }
    if (e instanceof ProcessExec p) {
      exec(st, p, now);
    } else if (e instanceof NetConnection c) {
      st.poolAt = now;
      st.poolProc = c.procName();
      st.poolIp = c.remoteIp();
      st.poolPort = c.remotePort();
      st.lastActivity = now;
    }
    if (!st.episode) {
      maybeAlert(e, st, now, out);
    }
  }

  private void sample(State st, StatsSample s, long now) {
    if (!st.infoKnown) {
      refreshInfo(st, s.container());
    }
    double use = s.cpuPercent() / (100.0 * st.refCores);
    st.lastSample = now;
    st.lastPercent = s.cpuPercent();
    st.lastUse = use;
    // a busy streak starts at the threshold and survives dips down to the threshold minus the hysteresis (a busy
    // host steals a miner's CPU now and then); it counts by its mean
    boolean alive = use >= (st.hotSince >= 0 ? keepLevel : threshold);
    if (alive) {
      if (st.hotSince < 0) {
        st.hotSince = now;
        st.hotSum = 0;
        st.hotCount = 0;
      }
      st.hotSum += use;
      st.hotCount++;
      st.lastActivity = now;
      if (departs(st, st.hotSum / st.hotCount)) {
        st.cpu.skip(now); // a departure in the making is not learned
        return;
      }
    } else {
      st.hotSince = -1;
    }
    if (!st.cpu.learned()) {
      st.learnSamples++;
      st.busyLearnSamples += use >= busyWhileLearning ? 1 : 0;
    }
    if (st.cpu.add(use, now)) {
      st.batch = st.busyLearnSamples * 2 >= st.learnSamples;
      WorkloadCpu w = workloads.get(st.workload, now, t -> new WorkloadCpu());
      double batch = st.batch ? 1 : 0;
      w.baseline = w.containers == 0 ? st.cpu.value() : (w.baseline + st.cpu.value()) / 2;
      w.batchShare = w.containers == 0 ? batch : (w.batchShare + batch) / 2;
      w.containers++;
    }
  }

  /**
   * Whether busy CPU departs from the normal: the container finished learning, was not busy in most of its learning
   * samples (a batch job is busy from its first second, even when the host starves it), neither was its workload,
   * and the use is the minimum rise above both baselines.
   */
  private boolean departs(State st, double use) {
    if (!st.cpu.learned() || st.batch) {
      return false;
    }
    WorkloadCpu w = workloads.peek(st.workload);
    if (w == null || w.containers == 0) {
      return use >= st.cpu.value() + rise;
    }
    return w.batchShare < 0.5 && use >= Math.max(st.cpu.value(), w.baseline) + rise;
  }

  private void exec(State st, ProcessExec p, long now) {
    st.recent[st.recentNext] = p.name();
    st.recentNext = (st.recentNext + 1) % RECENT;
    if (minerNames.contains(p.name().toLowerCase(Locale.ROOT))
        || minerNames.contains(p.exeBaseName().toLowerCase(Locale.ROOT))) {
      st.minerAt = now;
      st.minerName = p.name();
      st.minerCmd = cut(p.cmdline());
      st.lastActivity = now;
    }
    if (poolArguments(p.args())) {
      st.argsAt = now;
      st.argsProc = p.name();
      st.argsCmd = cut(p.cmdline());
      st.lastActivity = now;
    }
  }

  boolean poolArguments(List<String> args) {
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      String lower = a.toLowerCase(Locale.ROOT);
      for (String m : markers) {
        if (lower.contains(m)) {
          return true;
        }
      }
      if ((a.equals("-o") || a.equals("--url")) && i + 1 < args.size() && poolPortIn(args.get(i + 1))) {
        return true;
      }
      if (a.startsWith("--url=") && poolPortIn(a.substring(6))
          || a.startsWith("-o") && a.length() > 2 && a.indexOf(':') > 0 && poolPortIn(a.substring(2))) {
        return true;
      }
    }
    return false;
  }

  /** {@code [scheme://]host:port[/...]} with a pool port. */
  private boolean poolPortIn(String s) {
    int scheme = s.indexOf("://");
    String rest = scheme >= 0 ? s.substring(scheme + 3) : s;
    int slash = rest.indexOf('/');
    String authority = slash >= 0 ? rest.substring(0, slash) : rest;
    int colon = authority.lastIndexOf(':');
    if (colon < 0 || colon == authority.length() - 1 || authority.length() - colon > 6) {
      return false;
    }
    try {
      return poolPorts.contains(Integer.parseInt(authority.substring(colon + 1)));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void maybeAlert(Event e, State st, long now, AlertSink out) {
    double mean = st.hotCount == 0 ? 0 : st.hotSum / st.hotCount;
    boolean cpuBusy = st.hotSince >= 0 && st.lastSample - st.hotSince >= sustainMs && mean >= threshold;
    boolean cpuDeparts = cpuBusy && departs(st, mean);
    boolean miner = fresh(st.minerAt, now);
    boolean args = fresh(st.argsAt, now);
    boolean pool = fresh(st.poolAt, now);
    int indicators = (cpuBusy ? 1 : 0) + (miner ? 1 : 0) + (args ? 1 : 0) + (pool ? 1 : 0);
    if (!cpuDeparts && indicators < cfg.minIndicators()) {
      return;
    }
    st.episode = true;
    st.lastActivity = now;
    StringBuilder evidence = new StringBuilder();
    if (cpuDeparts) {
      evidence.append("cpu_above_baseline");
    } else if (cpuBusy) {
      evidence.append("cpu_busy");
    }
    append(evidence, miner, "miner_name");
    append(evidence, args, "pool_arguments");
    append(evidence, pool, "pool_connection");
    String recent = recent(st);
    String proc = miner ? st.minerName : args ? st.argsProc : pool && !st.poolProc.isEmpty() ? st.poolProc
        : recent.isEmpty() ? null : recent.substring(recent.lastIndexOf(',') + 1);
    String cmd = miner ? st.minerCmd : args ? st.argsCmd : null;
    long busyS = cpuBusy ? (st.lastSample - st.hotSince) / 1000 : 0;
    WorkloadCpu w = workloads.peek(st.workload);
    ContainerRef ref = e.container();
    StringBuilder text = new StringBuilder("Crypto-mining behaviour in container (evidence=").append(evidence);
    if (cpuBusy) {
      text.append(" cpu=").append(round(mean * 100)).append("% of ").append(round(st.refCores))
          .append(" CPU for ").append(busyS).append("s baseline=").append(round(st.cpu.value() * 100)).append('%');
    }
    if (proc != null) {
      text.append(" process=").append(proc);
    }
    if (cmd != null) {
      text.append(" command=").append(cmd);
    }
    if (pool) {
      text.append(" pool=").append(st.poolIp).append(':').append(st.poolPort);
    }
    text.append(" container=").append(ref.name()).append(" image=").append(ref.image()).append(')');
    Double usePercent = cpuBusy ? Double.valueOf(round(mean * 100))
        : st.lastSample < 0 ? null : Double.valueOf(round(st.lastUse * 100));
    boolean strong = miner || args || pool;
    out.accept(DetectorAlert.of(RULE, strong ? Priority.CRITICAL : Priority.WARNING, "vigil", e.time(), ref)
        .tags("container", "process", "mitre_impact", "T1496")
        .field("proc.name", proc)
        .field("proc.cmdline", cmd)
        .field("fd.rip", pool ? st.poolIp : null)
        .field("fd.rport", pool ? st.poolPort : null)
        .field("vigil.mining.evidence", evidence.toString())
        .field("vigil.mining.recent_procs", recent.isEmpty() ? null : recent)
        .field("vigil.cpu.percent", st.lastSample < 0 ? null : round(st.lastPercent))
        .field("vigil.cpu.use_percent", usePercent)
        .field("vigil.cpu.reference_cores", round(st.refCores))
        .field("vigil.cpu.busy_s", busyS)
        .field("vigil.cpu.baseline_percent", st.cpu.learned() ? round(st.cpu.value() * 100) : null)
        .field("vigil.cpu.batch", st.cpu.learned() ? st.batch : null)
        .field("vigil.cpu.workload_baseline_percent", w == null ? null : round(w.baseline * 100))
        .output(text.toString())
        .build());
  }

  private boolean fresh(long at, long now) {
    return at >= 0 && now - at <= evidenceMs;
  }

  private static void endEpisode(State st) {
    st.episode = false;
    st.minerAt = -1;
    st.argsAt = -1;
    st.poolAt = -1;
  }

  private static String recent(State st) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < RECENT; i++) {
      String n = st.recent[(st.recentNext + i) % RECENT];
      if (n != null) {
        sb.append(sb.length() == 0 ? "" : ",").append(n);
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, boolean on, String word) {
    if (on) {
      sb.append(sb.length() == 0 ? "" : ",").append(word);
    }
  }

  private static String cut(String s) {
    return s.length() <= MAX_CMDLINE ? s : s.substring(0, MAX_CMDLINE) + "...";
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
