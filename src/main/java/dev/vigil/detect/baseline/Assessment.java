package dev.vigil.detect.baseline;

import java.util.List;

/**
 * What an image's model made of one interval sample. During learning only {@link #learning()},
 * {@link #samplesSeen()} and {@link #raw()} are meaningful. When scored, {@link #score()} is the Random Cut Forest
 * score before the sample was learned; the per-feature arrays explain it when it reached the threshold. Arrays are
 * in {@link Feature} order and are copies owned by this record; do not modify them.
 *
 * @param samplesSeen vectors the model had learned before this one
 * @param raw the interval's raw feature values
 * @param normal per feature, the model's typical value in raw units: the inverse transform of a running mean kept
 *     in model space (a geometric-mean-like "usual value", robust to the heavy tail of rates)
 * @param deviation per feature, how far the value was from that mean in model-space standard deviations (log
 *     scale, with a floor on the deviation so a feature that never moved does not divide by zero); positive above
 * @param attribution per feature, its share of the score from the forest's attribution (high + low sides); all
 *     zero unless the score reached the threshold (attribution costs another pass over the forest)
 * @param top the features that drove the score, largest share first; empty unless anomalous
 */
public record Assessment(
    boolean learning, long samplesSeen, double score, double threshold, double[] raw, double[] normal,
    double[] deviation, double[] attribution, List<Feature> top) {

  public Assessment {
    top = List.copyOf(top);
  }

  /** True when the model scored the sample and the score reached the threshold. */
  public boolean anomalous() {
    return !learning && score >= threshold;
  }
}
