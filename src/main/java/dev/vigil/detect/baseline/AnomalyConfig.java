package dev.vigil.detect.baseline;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * Settings of the per-image anomaly baselines, the {@code detectors.anomaly:} section of the agent's configuration
 * file. Every key is optional: a missing key (a null component) takes its {@link #defaults()} value, so a file can
 * say only {@code threshold: 3.0}. Values are checked when the record is built and a bad one fails with the key's
 * full name, so a typo in the file stops the agent at start rather than silently changing detection. Immutable.
 *
 * @param enabled false leaves the detector out entirely (no model, no files written)
 * @param interval length of one feature interval, whole seconds; each container yields one feature vector per
 *     interval ({@code interval}; the deprecated {@code interval_seconds} is still read)
 * @param learningSamples vectors an image's model learns from before it scores; with 30 s intervals, 120 is an hour
 *     of one container (or less with several containers of the image)
 * @param threshold Random Cut Forest score at or above which an interval is anomalous. Scores of ordinary points
 *     stay around 1; an isolated point approaches log2(sample_size)
 * @param episodeQuietIntervals consecutive intervals below the threshold that end an episode; a container alerts once
 *     per episode, so a score hovering at the threshold does not alert every other interval
 * @param trees number of trees of each forest (more: steadier scores, more memory and time)
 * @param sampleSize points each tree keeps; the model's memory of "normal" (with RCF's default time decay it spans
 *     roughly ten times this many intervals)
 * @param boundingBoxCacheFraction RCF's cache of bounding boxes, 0 to 1: 0 keeps the least memory per model and
 *     recomputes boxes at each traversal; 1 is RCF's default and fastest
 * @param topFeatures how many features at most the alert names as the drivers of the score
 * @param maxImages models kept in memory; the least recently used one beyond this is saved and dropped
 * @param maxContainers containers aggregated at once; the least recently seen one beyond this is dropped
 * @param maxExecutables executable paths remembered per image for the "new executables" feature (LRU)
 * @param saveInterval how often (in event time) a changed model is written to disk; also on eviction and stop
 *     ({@code save_interval}; the deprecated {@code save_interval_seconds} is still read)
 * @param seed seed of every forest's random numbers (mixed with the image name), so runs are reproducible
 */
public record AnomalyConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("interval") @JsonAlias("interval_seconds")
    @JsonDeserialize(using = DurationText.Deserializer.class) Duration interval,
    @JsonProperty("learning_samples") Integer learningSamples,
    @JsonProperty("threshold") Double threshold,
    @JsonProperty("episode_quiet_intervals") Integer episodeQuietIntervals,
    @JsonProperty("trees") Integer trees,
    @JsonProperty("sample_size") Integer sampleSize,
    @JsonProperty("bounding_box_cache_fraction") Double boundingBoxCacheFraction,
    @JsonProperty("top_features") Integer topFeatures,
    @JsonProperty("max_images") Integer maxImages,
    @JsonProperty("max_containers") Integer maxContainers,
    @JsonProperty("max_executables") Integer maxExecutables,
    @JsonProperty("save_interval") @JsonAlias("save_interval_seconds")
    @JsonDeserialize(using = DurationText.Deserializer.class) Duration saveInterval,
    @JsonProperty("seed") Long seed) {

  private static final String P = "detectors.anomaly.";

  /** The values used for keys the configuration file leaves out. */
  public static AnomalyConfig defaults() {
    return new AnomalyConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public AnomalyConfig {
    enabled = enabled == null || enabled;
    interval = wholeSeconds("interval", interval == null ? Duration.ofSeconds(30) : interval);
    learningSamples = atLeast("learning_samples", learningSamples, 120, 16);
    threshold = threshold == null ? 2.5 : threshold;
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException(P + "threshold must be a positive number (got " + threshold + ")");
    }
    episodeQuietIntervals = atLeast("episode_quiet_intervals", episodeQuietIntervals, 2, 1);
    trees = trees == null ? 50 : trees;
    if (trees < 1 || trees > 1000) {
      throw new IllegalArgumentException(P + "trees must be between 1 and 1000 (got " + trees + ")");
    }
    sampleSize = sampleSize == null ? 256 : sampleSize;
    if (sampleSize < 16 || sampleSize > 4096) {
      throw new IllegalArgumentException(P + "sample_size must be between 16 and 4096 (got " + sampleSize + ")");
    }
    boundingBoxCacheFraction = boundingBoxCacheFraction == null ? 0.0 : boundingBoxCacheFraction;
    if (!(boundingBoxCacheFraction >= 0 && boundingBoxCacheFraction <= 1)) {
      throw new IllegalArgumentException(P + "bounding_box_cache_fraction must be between 0 and 1 (got "
          + boundingBoxCacheFraction + ")");
    }
    topFeatures = topFeatures == null ? 3 : topFeatures;
    if (topFeatures < 1 || topFeatures > Feature.COUNT) {
      throw new IllegalArgumentException(P + "top_features must be between 1 and " + Feature.COUNT + " (got "
          + topFeatures + ")");
    }
    maxImages = atLeast("max_images", maxImages, 64, 1);
    maxContainers = atLeast("max_containers", maxContainers, 1024, 1);
    maxExecutables = atLeast("max_executables", maxExecutables, 2048, 1);
    saveInterval = wholeSeconds("save_interval", saveInterval == null ? Duration.ofMinutes(10) : saveInterval);
    seed = seed == null ? 42L : seed;
  }

  /** {@link #interval()} in seconds, the unit features are aggregated in. */
  public int intervalSeconds() {
    return (int) interval.toSeconds();
  }

  /** {@link #saveInterval()} in seconds. */
  public int saveIntervalSeconds() {
    return (int) saveInterval.toSeconds();
  }

  /** A copy with another threshold (tests and tuning). */
  public AnomalyConfig withThreshold(double t) {
    return new AnomalyConfig(enabled, interval, learningSamples, t, episodeQuietIntervals, trees, sampleSize,
        boundingBoxCacheFraction, topFeatures, maxImages, maxContainers, maxExecutables, saveInterval, seed);
  }

  private static int atLeast(String key, Integer value, int fallback, int min) {
    int v = value == null ? fallback : value;
    if (v < min) {
      throw new IllegalArgumentException(P + key + " must be at least " + min + " (got " + v + ")");
    }
    return v;
  }

  private static Duration wholeSeconds(String key, Duration d) {
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.toNanos() % 1_000_000_000L != 0
        || d.toSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(P + key + " must be a whole number of seconds, at least 1s (got "
          + DurationText.format(d) + ")");
    }
    return d;
  }
}
