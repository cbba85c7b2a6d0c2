package dev.vigil.detect.baseline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Settings of the per-image anomaly baselines, the {@code detectors.anomaly:} section of the agent's configuration
 * file. Every key is optional: a missing key takes its {@link #defaults()} value, so a file can say only
 * {@code threshold: 3.0}. Values are checked when the record is built and a bad one fails with the key's full name,
 * so a typo in the file stops the agent at start rather than silently changing detection. Immutable.
 *
 * @param enabled false leaves the detector out entirely (no model, no files written)
 * @param intervalSeconds length of one feature interval; each container yields one feature vector per interval
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
 * @param saveIntervalSeconds how often (in event time) a changed model is written to disk; also on eviction and stop
 * @param seed seed of every forest's random numbers (mixed with the image name), so runs are reproducible
 */
public record AnomalyConfig(
    @JsonProperty("enabled") boolean enabled,
    @JsonProperty("interval_seconds") int intervalSeconds,
    @JsonProperty("learning_samples") int learningSamples,
    @JsonProperty("threshold") double threshold,
    @JsonProperty("episode_quiet_intervals") int episodeQuietIntervals,
    @JsonProperty("trees") int trees,
    @JsonProperty("sample_size") int sampleSize,
    @JsonProperty("bounding_box_cache_fraction") double boundingBoxCacheFraction,
    @JsonProperty("top_features") int topFeatures,
    @JsonProperty("max_images") int maxImages,
    @JsonProperty("max_containers") int maxContainers,
    @JsonProperty("max_executables") int maxExecutables,
    @JsonProperty("save_interval_seconds") int saveIntervalSeconds,
    @JsonProperty("seed") long seed) {

  private static final String P = "detectors.anomaly.";

  /** The values used for keys the configuration file leaves out. */
  public static AnomalyConfig defaults() {
    return new AnomalyConfig(true, 30, 120, 2.5, 2, 50, 256, 0.0, 3, 64, 1024, 2048, 600, 42L);
  }

  public AnomalyConfig {
    atLeast("interval_seconds", intervalSeconds, 1);
    atLeast("learning_samples", learningSamples, 16);
    if (!(threshold > 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException(P + "threshold must be a positive number (got " + threshold + ")");
    }
    atLeast("episode_quiet_intervals", episodeQuietIntervals, 1);
    if (trees < 1 || trees > 1000) {
      throw new IllegalArgumentException(P + "trees must be between 1 and 1000 (got " + trees + ")");
    }
    if (sampleSize < 16 || sampleSize > 4096) {
      throw new IllegalArgumentException(P + "sample_size must be between 16 and 4096 (got " + sampleSize + ")");
    }
    if (!(boundingBoxCacheFraction >= 0 && boundingBoxCacheFraction <= 1)) {
      throw new IllegalArgumentException(P + "bounding_box_cache_fraction must be between 0 and 1 (got "
          + boundingBoxCacheFraction + ")");
    }
    if (topFeatures < 1 || topFeatures > Feature.COUNT) {
      throw new IllegalArgumentException(P + "top_features must be between 1 and " + Feature.COUNT + " (got "
          + topFeatures + ")");
    }
    atLeast("max_images", maxImages, 1);
    atLeast("max_containers", maxContainers, 1);
    atLeast("max_executables", maxExecutables, 1);
    atLeast("save_interval_seconds", saveIntervalSeconds, 1);
  }

  /**
   * Binds the YAML/JSON section: every key is optional and a missing one takes the default. Jackson calls this; code
   * builds the record with the canonical constructor or {@link #defaults()}.
   */
  @JsonCreator
  static AnomalyConfig fromJson(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("interval_seconds") Integer intervalSeconds,
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
      @JsonProperty("save_interval_seconds") Integer saveIntervalSeconds,
      @JsonProperty("seed") Long seed) {
    AnomalyConfig d = defaults();
    return new AnomalyConfig(
        enabled != null ? enabled : d.enabled,
        intervalSeconds != null ? intervalSeconds : d.intervalSeconds,
        learningSamples != null ? learningSamples : d.learningSamples,
        threshold != null ? threshold : d.threshold,
        episodeQuietIntervals != null ? episodeQuietIntervals : d.episodeQuietIntervals,
        trees != null ? trees : d.trees,
        sampleSize != null ? sampleSize : d.sampleSize,
        boundingBoxCacheFraction != null ? boundingBoxCacheFraction : d.boundingBoxCacheFraction,
        topFeatures != null ? topFeatures : d.topFeatures,
        maxImages != null ? maxImages : d.maxImages,
        maxContainers != null ? maxContainers : d.maxContainers,
        maxExecutables != null ? maxExecutables : d.maxExecutables,
        saveIntervalSeconds != null ? saveIntervalSeconds : d.saveIntervalSeconds,
        seed != null ? seed : d.seed);
  }

  /** {@link #intervalSeconds()} as a duration. */
  public Duration interval() {
    return Duration.ofSeconds(intervalSeconds);
  }

  /** {@link #saveIntervalSeconds()} as a duration. */
  public Duration saveInterval() {
    return Duration.ofSeconds(saveIntervalSeconds);
  }

  /** A copy with another threshold (tests and tuning). */
  public AnomalyConfig withThreshold(double t) {
    return new AnomalyConfig(enabled, intervalSeconds, learningSamples, t, episodeQuietIntervals, trees, sampleSize,
        boundingBoxCacheFraction, topFeatures, maxImages, maxContainers, maxExecutables, saveIntervalSeconds, seed);
  }

  private static void atLeast(String key, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(P + key + " must be at least " + min + " (got " + value + ")");
    }
  }
}
