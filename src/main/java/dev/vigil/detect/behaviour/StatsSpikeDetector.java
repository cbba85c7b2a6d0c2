package dev.vigil.detect.behaviour;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.StatsSample;

/**
 * Base of the detectors that watch one measure of the stats samples against the container's own {@link Baseline}:
 * a spike is a value at or above an absolute floor <em>and</em> a factor of the baseline, held for the sustain period;
 * it raises one alert per episode, and the episode ends after the reset period without a spike. Nothing alerts while
 * the baseline is being learned, so a container that does this from its first second (a backup job pushing its
 * archive) is normal. Spike samples do not teach the baseline. The alert is a warning named by the subclass's rule,
 * with the subclass's evidence and {@code vigil.spike.sustained_s}.
 */
abstract class StatsSpikeDetector extends ContainerDetector<StatsSpikeDetector.State> {

  /** What is kept per container: about 100 bytes. */
  static final class State extends LruStates.Slot {
    final Baseline baseline;
    long spikeSince = -1;
    long lastSpike = Long.MIN_VALUE;
    boolean episode;

    State(Baseline baseline) {
      this.baseline = baseline;
    }
  }

  private final String rule;
  private final SpikeConfig cfg;
  private final long sustainMs;
  private final long resetMs;

  StatsSpikeDetector(String name, String rule, SpikeConfig cfg, DetectorContext ctx) {
    super(name, ctx, ctx.stateIdle().toMillis(), EventKind.STATS);
    this.rule = rule;
    this.cfg = cfg;
    this.sustainMs = cfg.sustain().toMillis();
    this.resetMs = cfg.resetPeriod().toMillis();
  }

  /** The measure this detector watches. */
  abstract double value(StatsSample s);

  /** Adds the tags, evidence fields and output text of the alert for a spike of {@code value} over {@code baseline}. */
  abstract void describe(StatsSample s, double value, double baseline, DetectorAlert alert);

  @Override
  final boolean wants(Event e) {
    return e instanceof StatsSample;
  }

  @Override
  final State newState(ContainerRef ref, long t) {
    return new State(new Baseline(t, cfg.learningPeriod().toMillis(), cfg.baselineHalfLife().toMillis()));
  }

  @Override
  final void handle(Event e, State st, long now, AlertSink out) {
    StatsSample s = (StatsSample) e;
    double v = value(s);
    double base = st.baseline.value();
    boolean spike = st.baseline.learned() && v >= cfg.floor() && v >= cfg.minFactor() * base;
    if (!spike) {
      st.spikeSince = -1;
      st.baseline.add(v, now);
      if (st.episode && now - st.lastSpike >= resetMs) {
        st.episode = false;
      }
      return;
    }
    st.baseline.skip(now);
    st.spikeSince = st.spikeSince < 0 ? now : st.spikeSince;
    st.lastSpike = now;
    if (!st.episode && now - st.spikeSince >= sustainMs) {
      st.episode = true;
      DetectorAlert a = DetectorAlert.of(rule, Priority.WARNING, "vigil", s.time(), s.container());
      describe(s, v, base, a);
      out.accept(a.field("vigil.spike.sustained_s", (now - st.spikeSince) / 1000).build());
    }
  }
}
