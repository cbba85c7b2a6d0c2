package dev.vigil.detect.baseline;

import static dev.vigil.detect.baseline.Synthetic.API;
import static dev.vigil.detect.baseline.Synthetic.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ImageBaselineTest {

  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final int IV = 30;

  /** Small forest for speed; learning 100 samples. */
  static AnomalyConfig config() {
    return new AnomalyConfig(true, Duration.ofSeconds(IV), 100, 2.5, 2, 40, 128, 0.0, 3, 8, 64, 64,
        Duration.ofSeconds(600), 7L);
  }

  private static Instant at(int i) {
    return T0.plusSeconds((long) IV * i);
  }

  /** Trains a model on n steady samples; returns the scores of those after learning. */
  private static List<Double> train(ImageBaseline m, Synthetic gen, int n) {
    List<Double> scores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Assessment a = m.observe(gen.steadySample(API, API_KEY, at(i), IV));
      if (!a.learning()) {
        scores.add(a.score());
      }
    }
    return scores;
  }

  @Test
  void learnsWithoutScoring_thenScores() {
    ImageBaseline m = ImageBaseline.create(API_KEY, config());
    Synthetic gen = new Synthetic(1);
    for (int i = 0; i < 100; i++) {
      Assessment a = m.observe(gen.steadySample(API, API_KEY, at(i), IV));
      assertThat(a.learning()).isTrue();
      assertThat(a.score()).isNaN();
      assertThat(a.anomalous()).isFalse();
      assertThat(a.samplesSeen()).isEqualTo(i);
    }
    assertThat(m.learning()).isFalse();
    Assessment a = m.observe(gen.steadySample(API, API_KEY, at(100), IV));
    assertThat(a.learning()).isFalse();
    assertThat(a.score()).isFinite().isPositive();
    assertThat(m.samples()).isEqualTo(101);
    assertThat(m.lastUpdate()).isEqualTo(at(101));
  }

  @Test
  void steadyStreamStaysBelowThreshold_txOutlierScoresAboveAndNamesTx() {
    ImageBaseline m = ImageBaseline.create(API_KEY, config());
    Synthetic gen = new Synthetic(2);
    List<Double> steady = train(m, gen, 400);

    assertThat(steady).hasSize(300);
    assertThat(steady.stream().mapToDouble(Double::doubleValue).max().getAsDouble())
        .as("steady samples after learning").isLessThan(2.5);

    Assessment a = m.observe(gen.sample(API, API_KEY, at(400), IV, 5_000_000, List.of()));

    assertThat(a.anomalous()).isTrue();
    assertThat(a.score()).isGreaterThanOrEqualTo(2.5);
    assertThat(a.top()).first().isEqualTo(Feature.TX_RATE);
    int tx = Feature.TX_RATE.ordinal();
    assertThat(a.raw()[tx]).isEqualTo(5_000_000);
    assertThat(a.normal()[tx]).as("normal tx rate").isBetween(1500.0, 2600.0);
    assertThat(a.deviation()[tx]).as("tx deviation in sd").isGreaterThan(10);
    assertThat(a.attribution()[tx]).isGreaterThan(0.5 * a.score());
    double others = Arrays.stream(a.attribution()).sum() - a.attribution()[tx];
    assertThat(a.attribution()[tx]).isGreaterThan(others);
  }

  @Test
  void newExecutableScoresAboveThreshold_andIsNamed() {
    ImageBaseline m = ImageBaseline.create(API_KEY, config());
    Synthetic gen = new Synthetic(3);
    train(m, gen, 300);
    assertThat(m.knownExecutables()).isEqualTo(3);

    // A dropper: four executables the image never ran, nothing else out of the ordinary.
    Assessment a = m.observe(gen.sample(API, API_KEY, at(300), IV, 2000,
        List.of("/tmp/.x/xmrig", "/tmp/.x/ld", "/tmp/.x/run.sh", "/usr/bin/nc")));

    assertThat(a.raw()[Feature.NEW_EXECUTABLES.ordinal()]).isEqualTo(4);
    assertThat(a.anomalous()).isTrue();
    assertThat(a.top()).first().isEqualTo(Feature.NEW_EXECUTABLES);
    assertThat(a.normal()[Feature.NEW_EXECUTABLES.ordinal()]).isLessThan(0.5);
    // The second time, the executables are known: not new any more.
    Assessment again = m.observe(gen.sample(API, API_KEY, at(301), IV, 2000, List.of("/tmp/.x/xmrig")));
    assertThat(again.raw()[Feature.NEW_EXECUTABLES.ordinal()]).isZero();
  }

  @Test
  void persistedAndReloaded_scoresIdentically() throws IOException, IncompatibleBaselineException {
    AnomalyConfig cfg = config();
    ImageBaseline original = ImageBaseline.create(API_KEY, cfg);
    Synthetic gen = new Synthetic(4);
    train(original, gen, 250);

    byte[] bytes = original.toFile(at(250)).encode();
    ImageBaseline reloaded = ImageBaseline.fromFile(BaselineFile.decode(bytes), cfg);

    assertThat(reloaded.samples()).isEqualTo(250);
    assertThat(reloaded.knownExecutables()).isEqualTo(original.knownExecutables());
    assertThat(reloaded.lastUpdate()).isEqualTo(original.lastUpdate());
    // The same further samples, including outliers, through both: every score, explanation and update identical.
    Synthetic more = new Synthetic(40);
    int anomalies = 0;
    for (int i = 0; i < 150; i++) {
      IntervalSample s = i % 50 == 49
          ? more.sample(API, API_KEY, at(250 + i), IV, 8_000_000, List.of("/tmp/nc"))
          : more.steadySample(API, API_KEY, at(250 + i), IV);
      Assessment a = original.observe(s);
      Assessment b = reloaded.observe(s);
      assertThat(b.score()).as("score of sample %d", i).isEqualTo(a.score());
      assertThat(b.attribution()).isEqualTo(a.attribution());
      assertThat(b.normal()).isEqualTo(a.normal());
      assertThat(b.deviation()).isEqualTo(a.deviation());
      assertThat(b.top()).isEqualTo(a.top());
      anomalies += a.anomalous() ? 1 : 0;
    }
    assertThat(anomalies).as("the outliers were scored as anomalies").isGreaterThanOrEqualTo(3);
    assertThat(reloaded.toFile(at(400)).encode()).isEqualTo(original.toFile(at(400)).encode());
  }

  @Test
  void sameSeedSameStream_sameScores() {
    ImageBaseline a = ImageBaseline.create(API_KEY, config());
    ImageBaseline b = ImageBaseline.create(API_KEY, config());
    assertThat(train(a, new Synthetic(5), 200)).isEqualTo(train(b, new Synthetic(5), 200));
  }

  @Test
  void fileOfAnotherConfiguration_isIncompatible() throws IOException {
    ImageBaseline m = ImageBaseline.create(API_KEY, config());
    train(m, new Synthetic(6), 20);
    BaselineFile f = BaselineFile.decode(m.toFile(at(20)).encode());
    AnomalyConfig c = config();
    AnomalyConfig moreTrees = new AnomalyConfig(true, Duration.ofSeconds(IV), 100, 3.0, 2, 50, 128, 0.0, 3, 8, 64,
        64, Duration.ofSeconds(600), 7L);
    AnomalyConfig otherInterval = new AnomalyConfig(true, Duration.ofSeconds(60), 100, 3.0, 2, 40, 128, 0.0, 3, 8,
        64, 64, Duration.ofSeconds(600), 7L);

    assertThatThrownBy(() -> ImageBaseline.fromFile(f, moreTrees))
        .isInstanceOf(IncompatibleBaselineException.class).hasMessageContaining("trees 40");
    assertThatThrownBy(() -> ImageBaseline.fromFile(f, otherInterval))
        .isInstanceOf(IncompatibleBaselineException.class).hasMessageContaining("interval_seconds 30");
    BaselineFile otherFeatures = new BaselineFile(1, API_KEY, List.of("cpu_percent"), IV, 40, 128, 100, 20, "", "",
        new double[1], new double[1], List.of(), f.forest());
    assertThatThrownBy(() -> ImageBaseline.fromFile(otherFeatures, c))
        .isInstanceOf(IncompatibleBaselineException.class).hasMessageContaining("features");
  }

  @Test
  void brokenBytes_failToDecodeWithAReason() throws IOException {
    ImageBaseline m = ImageBaseline.create(API_KEY, config());
    train(m, new Synthetic(7), 20);
    byte[] good = m.toFile(at(20)).encode();

    assertThatThrownBy(() -> BaselineFile.decode(Arrays.copyOf(good, good.length / 2)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> BaselineFile.decode("{\"format\":9}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class).hasMessageContaining("format 9");
    assertThatThrownBy(() -> BaselineFile.decode("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void knownExecutablesAreBounded_leastRecentlyStartedForgottenFirst() {
    AnomalyConfig c = new AnomalyConfig(true, Duration.ofSeconds(IV), 100, 3.0, 2, 10, 32, 0.0, 3, 8, 64, 3,
        Duration.ofSeconds(600), 7L);
    ImageBaseline m = ImageBaseline.create(API_KEY, c);
    for (String e : List.of("/a", "/b", "/c", "/a", "/d")) {
      m.observe(new IntervalSample(API, API_KEY, T0, T0.plusSeconds(IV), 1, 1, 1, 1, 1, 1, List.of(e), 0, 0, 0, 1));
    }
    assertThat(m.knownExecutables()).isEqualTo(3);
    // /b was the least recently started: it counts as new again; /a was refreshed and is still known.
    Assessment b = m.observe(new IntervalSample(API, API_KEY, T0, T0.plusSeconds(IV), 1, 1, 1, 1, 1, 1,
        List.of("/b", "/a"), 0, 0, 0, 1));
    assertThat(b.raw()[Feature.NEW_EXECUTABLES.ordinal()]).isEqualTo(1);
  }

  @Test
  void topFeatures_largestFirst_cutAtTenPercentAndAtN() {
    double[] attr = new double[Feature.COUNT];
    attr[Feature.TX_RATE.ordinal()] = 4.0;
    attr[Feature.REMOTE_ENDPOINTS.ordinal()] = 1.0;
    attr[Feature.CPU_PERCENT.ordinal()] = 0.3;
    attr[Feature.PIDS.ordinal()] = 0.7;
    assertThat(ImageBaseline.topFeatures(attr, 3))
        .containsExactly(Feature.TX_RATE, Feature.REMOTE_ENDPOINTS, Feature.PIDS);
    assertThat(ImageBaseline.topFeatures(attr, 1)).containsExactly(Feature.TX_RATE);
    attr[Feature.PIDS.ordinal()] = 0.2;
    assertThat(ImageBaseline.topFeatures(attr, 3)).containsExactly(Feature.TX_RATE, Feature.REMOTE_ENDPOINTS);
  }

  @Test
  void featureFormatting() {
    assertThat(Feature.TX_RATE.format(5_234_000)).isEqualTo("5.2 MB/s");
    assertThat(Feature.MEMORY_BYTES.format(512)).isEqualTo("512 B");
    assertThat(Feature.EXEC_RATE.format(12)).isEqualTo("12/min");
    assertThat(Feature.CPU_PERCENT.format(37.54)).isEqualTo("37.5%");
    assertThat(Feature.NEW_EXECUTABLES.format(2)).isEqualTo("2");
    assertThat(Feature.transform(-5)).isZero();
    assertThat(Feature.untransform(Feature.transform(1234.5))).isCloseTo(1234.5, within(1e-6));
  }
}
