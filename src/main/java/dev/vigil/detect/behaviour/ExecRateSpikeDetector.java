package dev.vigil.detect.behaviour;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;

/**
 * A container suddenly starting many more processes than it normally does: a shell loop driving a tool (a scanner
 * made of {@code nc}, a brute-forcer, a spray of downloads), an attacker's script unpacking itself. Process starts
 * are counted in a sliding window of six buckets; each closed bucket teaches the container's {@link Baseline}
 * (buckets closed during an episode do not), and the container's stats samples move the buckets on, so a container
 * that never starts a process has a baseline of zero rather than none. Health-check probes are not counted.
 */
public final class ExecRateSpikeDetector extends ContainerDetector<ExecRateSpikeDetector.State> {

  /** The alert's rule name. */
  public static final String RULE = "Exec rate spike in container";
  static final String NAME = "exec_rate_spike";
  static final int BUCKETS = 6;
  private static final int RECENT = 4;

  /** What is kept per container: about 150 bytes. */
  static final class State extends LruStates.Slot {
    final Baseline perBucket;
    final int[] counts = new int[BUCKETS];
    int head;
    long bucketStart;
    boolean episode;
    long lastSpike = Long.MIN_VALUE;
    final String[] recent = new String[RECENT];
    int recentNext;

    State(Baseline perBucket, long t) {
      this.perBucket = perBucket;
      this.bucketStart = t;
    }
  }

  private final SpikeConfig cfg;
  private final long windowS;
  private final long bucketMs;
  private final long resetMs;

  public ExecRateSpikeDetector(ExecRateSpikeConfig cfg, DetectorContext ctx) {
    super(NAME, ctx, ctx.stateIdle().toMillis(), EventKind.PROCESS_EXEC, EventKind.STATS);
    this.cfg = cfg.spike();
    this.windowS = cfg.window().toSeconds();
    this.bucketMs = cfg.window().toMillis() / BUCKETS;
    this.resetMs = cfg.spike().resetPeriod().toMillis();
  }

  @Override
  boolean wants(Event e) {
    return e instanceof StatsSample || e instanceof ProcessExec p && p.origin() != ExecOrigin.HEALTHCHECK;
  }

  @Override
  State newState(ContainerRef ref, long t) {
    return new State(new Baseline(t, cfg.learningPeriod().toMillis(), cfg.baselineHalfLife().toMillis()), t);
  }

  @Override
  void handle(Event e, State st, long now, AlertSink out) {
    advance(st, now);
    if (st.episode && now - st.lastSpike >= resetMs) {
      st.episode = false;
    }
    if (!(e instanceof ProcessExec p)) {
      return;
    }
    st.counts[st.head]++;
    st.recent[st.recentNext] = p.name();
    st.recentNext = (st.recentNext + 1) % RECENT;
    int total = 0;
    for (int c : st.counts) {
      total += c;
    }
    double perWindow = st.perBucket.value() * BUCKETS;
    if (!st.perBucket.learned() || total < cfg.floor() || total < cfg.minFactor() * perWindow) {
      return;
    }
    st.lastSpike = now;
    if (!st.episode) {
      st.episode = true;
      alert(p, st, total, perWindow, out);
    }
  }

  /** Closes the buckets that ended before {@code now}, teaching the baseline with them. */
  private void advance(State st, long now) {
    long k = (now - st.bucketStart) / bucketMs;
    if (k <= 0) {
      return;
    }
    learn(st, st.counts[st.head], 1, st.bucketStart + bucketMs);
    if (k > 1) {
      learn(st, 0, k - 1, st.bucketStart + k * bucketMs);
    }
    for (int i = 1; i <= Math.min(k, BUCKETS); i++) {
      st.counts[(st.head + i) % BUCKETS] = 0;
    }
    st.head = (int) ((st.head + k) % BUCKETS);
    st.bucketStart += k * bucketMs;
  }

  private static void learn(State st, int count, long buckets, long end) {
    if (st.episode) {
      st.perBucket.skip(end);
    } else {
      st.perBucket.add(count, buckets, end);
    }
  }

  private void alert(ProcessExec p, State st, int total, double perWindow, AlertSink out) {
    ContainerRef ref = p.container();
    StringBuilder recent = new StringBuilder();
    for (int i = 0; i < RECENT; i++) {
      String n = st.recent[(st.recentNext + i) % RECENT];
      if (n != null) {
        recent.append(recent.length() == 0 ? "" : ",").append(n);
      }
    }
    double base = Math.round(perWindow * 10) / 10.0;
    out.accept(DetectorAlert.of(RULE, Priority.NOTICE, "vigil", p.time(), ref)
        .tags("container", "process", "mitre_execution", "T1059")
        .field("proc.name", p.name())
        .field("proc.cmdline", p.cmdline().length() > 512 ? p.cmdline().substring(0, 512) + "..." : p.cmdline())
        .field("vigil.exec.count", total)
        .field("vigil.exec.window_s", windowS)
        .field("vigil.exec.baseline", base)
        .field("vigil.exec.recent_procs", recent.toString())
        .output("Exec rate spike in container (execs=" + total + " in " + windowS + "s baseline=" + base
            + " recent=" + recent + " container=" + ref.name() + " image=" + ref.image() + ")")
        .build());
  }
}
