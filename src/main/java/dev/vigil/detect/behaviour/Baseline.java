package dev.vigil.detect.behaviour;

/**
 * A container's normal level of one measure (CPU use, transmit rate, process count, execs per bucket). It is first
 * <em>learned</em>: the mean of the samples of the container's first {@code learning} period (and at least
 * {@link #MIN_SAMPLES} samples), so a container busy from its first second has a high baseline. It then follows the
 * container slowly, as an exponentially weighted moving average whose weight decays with event time (half-life
 * {@code halfLife}), so that gaps between samples weigh what they last. Samples that are themselves anomalous are
 * {@link #skip skipped}, so an attack does not teach the baseline. About 48 bytes; not thread-safe.
 */
public final class Baseline {

  /** Samples needed before the baseline counts as learned, whatever the learning period. */
  public static final int MIN_SAMPLES = 3;
  private static final double LN2 = Math.log(2);

  private final long learnUntil;
  private final double halfLifeMillis;
  private double sum;
  private long n;
  private double value;
  private boolean learned;
  private long lastAt;

  /**
   * @param start when the container was first seen (epoch ms)
   * @param learningMillis how long samples are averaged before the baseline is used
   * @param halfLifeMillis how fast the learned baseline follows later samples
   */
  public Baseline(long start, long learningMillis, long halfLifeMillis) {
    this.learnUntil = start + learningMillis;
    this.halfLifeMillis = halfLifeMillis;
    this.lastAt = start;
  }

  /**
   * Adds a sample taken at {@code t}.
   *
   * @return true when this sample completed the learning
   */
  public boolean add(double x, long t) {
    return add(x, 1, t);
  }

  /**
   * Adds {@code count} equal samples ending at {@code t} (the empty buckets of a quiet gap); after learning this is
   * one decay step over the whole gap, which is what {@code count} separate steps of a time-weighted average give.
   *
   * @return true when these samples completed the learning
   */
  public boolean add(double x, long count, long t) {
    if (!learned) {
      sum += x * count;
      n += count;
      lastAt = Math.max(lastAt, t);
      if (t >= learnUntil && n >= MIN_SAMPLES) {
        learned = true;
        value = sum / n;
        return true;
      }
      return false;
    }
    long dt = t - lastAt;
    if (dt > 0) {
      lastAt = t;
      value += (1 - Math.exp(-LN2 * dt / halfLifeMillis)) * (x - value);
    }
    return false;
  }

  /** Lets time pass without learning from it (the sample at {@code t} is anomalous). */
  public void skip(long t) {
    if (learned && t > lastAt) {
      lastAt = t;
    }
  }

  public boolean learned() {
    return learned;
  }

  /** The learned value; the running mean while still learning (0 before any sample). */
  public double value() {
    return learned ? value : n == 0 ? 0 : sum / n;
  }

  /** When learning ends (epoch ms), given enough samples. */
  public long learnUntil() {
    return learnUntil;
  }
}
