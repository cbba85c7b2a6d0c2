package dev.vigil.detect.baseline;

import com.amazon.randomcutforest.RandomCutForest;
import com.amazon.randomcutforest.returntypes.DiVector;
import com.amazon.randomcutforest.state.RandomCutForestMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model of "normal" for one image: a Random Cut Forest over the {@link Feature} vector of every interval of
 * every container of the image, plus what explains its scores: a running mean and variance per feature and the set
 * of executables the image has started.
 *
 * <p>A forest is a streaming model: each sample is inserted into the trees' reservoir samples (older points decay
 * out), so the model is never refitted. The first {@link AnomalyConfig#learningSamples()} samples are learned
 * without scoring; after that each sample is scored and then learned, so the model follows slow drift and a lasting
 * change alerts once and then becomes the new normal. The forest's random numbers come from a seed derived from the
 * configuration's seed and the image name, so the same samples give the same scores in every run, and a model
 * saved with its tree state and reloaded scores the next samples exactly as the original would.
 *
 * <p>State is bounded: the forest's size is fixed by trees x sample size, the executables by
 * {@link AnomalyConfig#maxExecutables()} (least recently started forgotten first). Not thread-safe: one owner
 * thread, snapshots ({@link #toFile}) are independent copies that another thread may serialise.
 */
public final class ImageBaseline {

  /**
   * Floor of the model-space standard deviation used for {@link Assessment#deviation()}: a feature that never moved
   * (new executables, usually 0) would otherwise be infinitely far from normal at its first change. 0.05 on the
   * log1p scale is a change of about 5 %.
   */
  static final double MIN_STDDEV = 0.05;

  /** A feature is named as a driver when its attribution is at least this share of the score. */
  static final double MIN_SHARE = 0.1;

  private final String imageKey;
  private final AnomalyConfig cfg;
  private final RandomCutForest forest;
  private long samples;
  private final double[] mean;
  private final double[] variance;
  private final LinkedHashMap<String, Boolean> executables;
  private Instant lastUpdate;

  private ImageBaseline(String imageKey, AnomalyConfig cfg, RandomCutForest forest, long samples, double[] mean,
      double[] variance, List<String> knownExecutables, Instant lastUpdate) {
    this.imageKey = imageKey;
    this.cfg = cfg;
    this.forest = forest;
    this.samples = samples;
    this.mean = mean;
    this.variance = variance;
    int max = cfg.maxExecutables();
    this.executables = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > max;
      }
    };
    for (String e : knownExecutables) {
      executables.put(e, Boolean.TRUE);
    }
    this.lastUpdate = lastUpdate;
  }

  /** A new, empty model that starts learning. */
  public static ImageBaseline create(String imageKey, AnomalyConfig cfg) {
    RandomCutForest forest = RandomCutForest.builder()
        .dimensions(Feature.COUNT)
        .numberOfTrees(cfg.trees())
        .sampleSize(cfg.sampleSize())
        .randomSeed(seed(cfg.seed(), imageKey))
        .boundingBoxCacheFraction(cfg.boundingBoxCacheFraction())
        // Vigil decides when to score (after the learning samples); the forest answers from the first point.
        .outputAfter(1)
        .build();
    return new ImageBaseline(imageKey, cfg, forest, 0, new double[Feature.COUNT], new double[Feature.COUNT],
        List.of(), null);
  }

  /**
   * Rebuilds a saved model.
   *
   * @throws IncompatibleBaselineException when the file was made for other features, interval, trees or sample
   *     size than {@code cfg} says; the caller starts a new model
   */
  public static ImageBaseline fromFile(BaselineFile f, AnomalyConfig cfg) throws IncompatibleBaselineException {
    if (!f.features().equals(Feature.keys())) {
      throw new IncompatibleBaselineException("it has the features " + f.features() + ", this version uses "
          + Feature.keys());
    }
    if (f.intervalSeconds() != cfg.intervalSeconds()) {
      throw new IncompatibleBaselineException("it was learned with interval_seconds " + f.intervalSeconds()
          + ", the configuration says " + cfg.intervalSeconds());
    }
    if (f.trees() != cfg.trees() || f.sampleSize() != cfg.sampleSize()
        || f.forest().getNumberOfTrees() != cfg.trees() || f.forest().getSampleSize() != cfg.sampleSize()
        || f.forest().getDimensions() != Feature.COUNT) {
      throw new IncompatibleBaselineException("it has trees " + f.trees() + " and sample_size " + f.sampleSize()
          + ", the configuration says " + cfg.trees() + " and " + cfg.sampleSize());
    }
    RandomCutForest forest;
    try {
      forest = mapper().toModel(f.forest());
    } catch (RuntimeException e) {
      throw new IncompatibleBaselineException("its forest cannot be rebuilt: " + e);
    }
    Instant last = f.lastUpdate() == null || f.lastUpdate().isEmpty() ? null : Instant.parse(f.lastUpdate());
    return new ImageBaseline(f.image(), cfg, forest, f.samples(), f.mean().clone(), f.variance().clone(),
        f.executables(), last);
  }

  /** The saved form of this model, a snapshot that later samples do not change. */
  public BaselineFile toFile(Instant savedAt) {
    return new BaselineFile(BaselineFile.FORMAT, imageKey, Feature.keys(), cfg.intervalSeconds(), cfg.trees(),
        cfg.sampleSize(), cfg.learningSamples(), samples, lastUpdate == null ? "" : lastUpdate.toString(),
        savedAt.toString(), mean.clone(), variance.clone(), new ArrayList<>(executables.keySet()),
        mapper().toState(forest));
  }

  private static RandomCutForestMapper mapper() {
    RandomCutForestMapper m = new RandomCutForestMapper();
    // Trees as they are, not rebuilt from the samples on load: rebuilding draws new cuts, and the reloaded model
    // would score differently from the saved one.
    m.setSaveTreeStateEnabled(true);
    m.setSaveExecutorContextEnabled(true);
    m.setCompressionEnabled(true);
    return m;
  }

  public String imageKey() {
    return imageKey;
  }

  /** Samples learned so far. */
  public long samples() {
    return samples;
  }

  /** True until the model has learned {@link AnomalyConfig#learningSamples()} samples. */
  public boolean learning() {
    return samples < cfg.learningSamples();
  }

  /** Event time of the last sample learned, null before the first. */
  public Instant lastUpdate() {
    return lastUpdate;
  }

  /** Number of executables the image is known to start. */
  public int knownExecutables() {
    return executables.size();
  }

  /**
   * Takes one interval: counts its executables the image had not started before (and remembers them), then, after
   * the learning samples, scores the vector, explains the score when it reaches the threshold, and learns the
   * vector.
   */
  public Assessment observe(IntervalSample s) {
    int fresh = s.executablesOverflow();
    for (String e : s.executables()) {
      if (executables.put(e, Boolean.TRUE) == null) {
        fresh++;
      }
    }
    double[] raw = s.rawFeatures(fresh);
    float[] point = new float[Feature.COUNT];
    for (int i = 0; i < point.length; i++) {
      point[i] = (float) Feature.transform(raw[i]);
    }
    boolean learning = learning();
    long seen = samples;
    double score = Double.NaN;
    double[] normal = new double[Feature.COUNT];
    double[] deviation = new double[Feature.COUNT];
    double[] attribution = new double[Feature.COUNT];
    List<Feature> top = List.of();
    if (!learning) {
      score = forest.getAnomalyScore(point);
      for (int i = 0; i < Feature.COUNT; i++) {
        normal[i] = Feature.untransform(mean[i]);
        deviation[i] = (point[i] - mean[i]) / Math.max(Math.sqrt(variance[i]), MIN_STDDEV);
      }
      if (score >= cfg.threshold()) {
        DiVector dv = forest.getAnomalyAttribution(point);
        for (int i = 0; i < Feature.COUNT; i++) {
          attribution[i] = dv.getHighLowSum(i);
        }
        top = topFeatures(attribution, cfg.topFeatures());
      }
    }
    forest.update(point);
    learnStatistics(point);
    samples++;
    if (lastUpdate == null || s.end().isAfter(lastUpdate)) {
      lastUpdate = s.end();
    }
    return new Assessment(learning, seen, score, cfg.threshold(), raw, normal, deviation, attribution, top);
  }

  /**
   * The score the model gives a raw feature vector now, without learning it (for tests and diagnostics).
   */
  public double score(double[] raw) {
    float[] point = new float[Feature.COUNT];
    for (int i = 0; i < point.length; i++) {
      point[i] = (float) Feature.transform(raw[i]);
    }
    return forest.getAnomalyScore(point);
  }

  /** The features whose attribution is at least {@link #MIN_SHARE} of the total, largest first, at most {@code n}. */
  static List<Feature> topFeatures(double[] attribution, int n) {
    double total = Arrays.stream(attribution).sum();
    List<Feature> order = new ArrayList<>(Feature.all());
    order.sort(Comparator.comparingDouble((Feature f) -> -attribution[f.ordinal()]).thenComparing(Enum::ordinal));
    List<Feature> top = new ArrayList<>();
    for (Feature f : order) {
      if (top.size() == n || (!top.isEmpty() && attribution[f.ordinal()] < MIN_SHARE * total)) {
        break;
      }
      top.add(f);
    }
    return top;
  }

  /**
   * Exponentially weighted mean and variance: an exact running mean for the first {@code sample_size} samples, then
   * a window of about that many, so "normal" in alerts follows the same recent past as the forest.
   */
  private void learnStatistics(float[] point) {
    double alpha = 1.0 / Math.min(samples + 1, cfg.sampleSize());
    for (int i = 0; i < Feature.COUNT; i++) {
      double d = point[i] - mean[i];
      mean[i] += alpha * d;
      variance[i] = (1 - alpha) * (variance[i] + alpha * d * d);
    }
  }

  /** The forest's seed for an image: stable across runs (String.hashCode is specified) and distinct per image. */
  static long seed(long configSeed, String imageKey) {
    return configSeed * 0x9E3779B97F4A7C15L + imageKey.hashCode();
  }
}
