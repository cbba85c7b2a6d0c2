package dev.vigil.detect.baseline;

import static dev.vigil.detect.baseline.Synthetic.API;
import static dev.vigil.detect.baseline.Synthetic.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.StatsSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnomalyDetectorTest {

  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final int IV = 30;
  private static final ContainerRef WEB = new ContainerRef("f".repeat(64), "shop-web-1", "nginx", "1.27-alpine", "");
  private static final ContainerRef DB = new ContainerRef("d".repeat(64), "shop-db-1", "postgres", "16.4", "");

  @TempDir
  Path dataDir;

  private final Metrics metrics = Metrics.inMemory();
  private final List<Alert> alerts = new ArrayList<>();

  /** Learning 100 samples, small forest, quiet after 2 intervals, saves every 10 minutes of event time. */
  private static AnomalyConfig config(int maxImages) {
    return new AnomalyConfig(true, Duration.ofSeconds(IV), 100, 2.5, 2, 40, 128, 0.0, 3, maxImages, 64, 256,
        Duration.ofSeconds(600), 7L);
  }

  private AnomalyDetector detector(AnomalyConfig cfg) {
    return new AnomalyDetector(cfg, new BaselineStore(dataDir), metrics, new DirectExecutor());
  }

  private static Instant at(int interval) {
    return T0.plusSeconds((long) IV * interval);
  }

  private void feed(AnomalyDetector d, List<Event> events) {
    for (Event e : events) {
      d.onEvent(e, alerts::add);
    }
  }

  /** Steady intervals [from, to) of one container. */
  private void steady(AnomalyDetector d, Synthetic gen, ContainerRef c, int from, int to) {
    for (int i = from; i < to; i++) {
      feed(d, gen.steadyEvents(c, at(i)));
    }
  }

  private void exfiltration(AnomalyDetector d, Synthetic gen, ContainerRef c, int interval) {
    feed(d, gen.events(c, at(interval), 6_000_000, List.of()));
  }

  @Test
  void kindsAndName() {
    try (AnomalyDetector d = detector(config(8))) {
      assertThat(d.name()).isEqualTo("anomaly");
      assertThat(d.kinds()).contains(EventKind.STATS, EventKind.PROCESS_EXEC, EventKind.NETWORK,
          EventKind.FILE_OPEN, EventKind.FILE_CHANGE, EventKind.CONTAINER_LIFECYCLE)
          .doesNotContain(EventKind.LOG_LINE);
    }
  }

  @Test
  void noAlertWhileLearning_evenForAnOutlier() {
    try (AnomalyDetector d = detector(config(8))) {
      Synthetic gen = new Synthetic(11);
      steady(d, gen, API, 0, 50);
      exfiltration(d, gen, API, 50);
      steady(d, gen, API, 51, 60);
      assertThat(alerts).isEmpty();
      assertThat(d.model(API_KEY)).get().matches(ImageBaseline::learning);
      assertThat(metrics.count("vigil.anomaly.samples", "phase", "learning")).isGreaterThan(50);
      assertThat(metrics.count("vigil.anomaly.samples", "phase", "scoring")).isZero();
    }
  }

  @Test
  void outlierAfterLearning_alertsOncePerEpisode_namingTxAndItsNormal() {
    try (AnomalyDetector d = detector(config(8))) {
      Synthetic gen = new Synthetic(12);
      steady(d, gen, API, 0, 200);
      assertThat(alerts).isEmpty();

      // Three intervals of exfiltration: one episode, one alert (it appears when the first one closes).
      exfiltration(d, gen, API, 200);
      exfiltration(d, gen, API, 201);
      exfiltration(d, gen, API, 202);
      steady(d, gen, API, 203, 204);

      assertThat(alerts).hasSize(1);
      Alert a = alerts.get(0);
      assertThat(a.rule()).isEqualTo("Anomalous behaviour in container");
      assertThat(a.priority()).isEqualTo(Priority.WARNING);
      assertThat(a.source()).isEqualTo("vigil");
      assertThat(a.hostname()).as("stamped at the output stage, not by detectors").isNull();
      assertThat(a.tags()).contains("anomaly", "mitre_exfiltration", "T1041");
      assertThat(a.time()).isEqualTo(at(201));
      Map<String, Object> f = a.outputFields();
      assertThat(f.get("container.name")).isEqualTo("shop-api-1");
      assertThat(f.get("container.image.repository")).isEqualTo("registry.example.com/shop/api");
      assertThat(f.get("vigil.anomaly.image")).isEqualTo(API_KEY);
      assertThat((double) f.get("vigil.anomaly.score")).isGreaterThanOrEqualTo(2.5);
      assertThat((String) f.get("vigil.anomaly.top_features")).startsWith("tx_rate");
      assertThat((double) f.get("vigil.anomaly.tx_rate")).isEqualTo(6_000_000.0);
      assertThat((double) f.get("vigil.anomaly.tx_rate.normal")).isBetween(1500.0, 2600.0);
      assertThat((double) f.get("vigil.anomaly.tx_rate.deviation")).isGreaterThan(10);
      assertThat(f).containsKeys("vigil.anomaly.cpu_percent", "vigil.anomaly.new_executables.normal",
          "vigil.anomaly.remote_endpoints.attribution", "vigil.anomaly.interval_start");
      assertThat(a.output()).startsWith("Anomalous behaviour in container (score=")
          .contains("drivers: tx_rate=6.0 MB/s (normal ").contains("container=shop-api-1")
          .contains("image=" + API_KEY);

      // Quiet for two intervals ends the episode; the next anomaly alerts again. (Not another exfiltration: the
      // model has learned three of those, so a fourth is less unusual. A lasting change becomes normal.)
      steady(d, gen, API, 204, 206);
      feed(d, gen.events(API, at(206), 2000, List.of("/tmp/.x/xmrig", "/tmp/.x/ld", "/tmp/.x/run.sh", "/bin/nc")));
      steady(d, gen, API, 207, 208);
      assertThat(alerts).hasSize(2);
      assertThat((String) alerts.get(1).outputFields().get("vigil.anomaly.top_features")).contains("new_executables");
      assertThat(alerts.get(1).tags()).contains("mitre_execution", "T1059");
    }
  }

  @Test
  void oneQuietIntervalDoesNotEndTheEpisode() {
    try (AnomalyDetector d = detector(config(8))) {
      Synthetic gen = new Synthetic(13);
      steady(d, gen, API, 0, 200);
      exfiltration(d, gen, API, 200);
      steady(d, gen, API, 201, 202);
      exfiltration(d, gen, API, 202);
      steady(d, gen, API, 203, 204);
      assertThat(alerts).hasSize(1);
    }
  }

  @Test
  void persistedAtClose_reloadedByTheNextAgent_scoresIdentically() throws IOException {
    AnomalyConfig cfg = config(8);
    AnomalyDetector first = detector(cfg);
    Synthetic gen = new Synthetic(14);
    steady(first, gen, API, 0, 150);
    // The container stops with the agent; both detectors below see it start afresh.
    first.onEvent(new ContainerLifecycle(at(150), API, "docker.events", "die", "", Map.of()), alerts::add);
    first.close();
    Path file = new BaselineStore(dataDir).fileFor(API_KEY);
    assertThat(file).exists();
    assertThat(BaselineFile.decode(Files.readAllBytes(file)).samples()).isEqualTo(148); // first interval dropped

    // The restarted agent sees the container's events again (its first interval is dropped as always).
    AnomalyDetector second = detector(cfg);
    List<Alert> firstAlerts = new ArrayList<>();
    List<Alert> secondAlerts = new ArrayList<>();
    Synthetic cont = new Synthetic(15);
    for (Event e : cont.steadyEvents(API, at(150))) {
      first.onEvent(e, firstAlerts::add);
      second.onEvent(e, secondAlerts::add);
    }
    assertThat(second.model(API_KEY)).get().extracting(ImageBaseline::samples).isEqualTo(148L);
    // The original model and the reloaded one get the same samples from here on.
    for (int i = 151; i < 180; i++) {
      List<Event> evs = i % 10 == 0 ? cont.events(API, at(i), 9_000_000, List.of("/tmp/x")) : cont.steadyEvents(API,
          at(i));
      for (Event e : evs) {
        first.onEvent(e, firstAlerts::add);
        second.onEvent(e, secondAlerts::add);
      }
    }
    assertThat(secondAlerts).isNotEmpty();
    assertThat(secondAlerts).isEqualTo(firstAlerts);
    assertThat(second.model(API_KEY).get().samples()).isEqualTo(first.model(API_KEY).get().samples());
    second.close();
  }

  @Test
  void corruptedFile_isSetAsideWithAWarning_andTheImageLearnsAgain() throws IOException {
    BaselineStore store = new BaselineStore(dataDir);
    Files.createDirectories(store.dir());
    Files.writeString(store.fileFor(API_KEY), "{\"format\":1,\"image\":\"registry.example.com/shop/api:2.14.3\",\"fea",
        StandardCharsets.UTF_8);
    try (AnomalyDetector d = detector(config(8))) {
      Synthetic gen = new Synthetic(16);
      steady(d, gen, API, 0, 30);
      assertThat(d.model(API_KEY)).get().extracting(ImageBaseline::samples).isEqualTo(28L);
      assertThat(metrics.count("vigil.anomaly.persistence", "result", "corrupt")).isEqualTo(1);
      assertThat(store.dir().resolve(store.fileFor(API_KEY).getFileName() + ".corrupt")).exists();
      assertThat(alerts).isEmpty();
    }
    // Close wrote a good model in its place.
    assertThat(BaselineFile.decode(Files.readAllBytes(store.fileFor(API_KEY))).samples()).isEqualTo(28);
  }

  @Test
  void modelOfAnotherConfiguration_isReplacedNotUsed() throws IOException {
    try (AnomalyDetector d = detector(config(8))) {
      steady(d, new Synthetic(17), API, 0, 20);
    }
    AnomalyConfig otherInterval = new AnomalyConfig(true, Duration.ofSeconds(60), 100, 2.5, 2, 40, 128, 0.0, 3, 8,
        64, 256, Duration.ofSeconds(600), 7L);
    try (AnomalyDetector d = new AnomalyDetector(otherInterval, new BaselineStore(dataDir), metrics,
        new DirectExecutor())) {
      feed(d, new Synthetic(18).steadyEvents(API, at(40)));
      assertThat(d.model(API_KEY)).get().extracting(ImageBaseline::samples).isEqualTo(0L);
      assertThat(metrics.count("vigil.anomaly.persistence", "result", "incompatible")).isEqualTo(1);
    }
  }

  @Test
  void leastRecentlyUsedImageIsEvicted_savedAndReloadedWhenItComesBack() throws IOException {
    try (AnomalyDetector d = detector(config(2))) {
      Synthetic gen = new Synthetic(19);
      steady(d, gen, API, 0, 12); // intervals 1..10 closed, 11 open
      assertThat(d.model(API_KEY).get().samples()).isEqualTo(10);
      // Two other images take the two places (API's interval 11 is closed by the sweep meanwhile).
      steady(d, gen, WEB, 12, 15);
      steady(d, gen, DB, 15, 18);
      assertThat(d.imagesInMemory()).containsExactlyInAnyOrder("nginx:1.27-alpine", "postgres:16.4");
      assertThat(metrics.count("vigil.anomaly.evicted", "what", "image")).isEqualTo(1);
      assertThat(new BaselineStore(dataDir).find(API_KEY)).get()
          .extracting(e -> e.summary().samples()).isEqualTo(11L);
      // The API container is back: its model is loaded from disk, with its samples.
      steady(d, gen, API, 18, 21);
      assertThat(d.model(API_KEY)).get().extracting(ImageBaseline::samples).isEqualTo(13L);
      assertThat(d.imagesInMemory()).hasSize(2);
    }
  }

  @Test
  void containersThatDieOrGoSilentAreForgotten_andTheContainerCapHolds() {
    AnomalyConfig cfg = new AnomalyConfig(true, Duration.ofSeconds(IV), 100, 2.5, 2, 40, 128, 0.0, 3, 8, 2, 256,
        Duration.ofSeconds(600), 7L);
    try (AnomalyDetector d = detector(cfg)) {
      Synthetic gen = new Synthetic(20);
      feed(d, gen.steadyEvents(API, at(0)));
      feed(d, gen.steadyEvents(WEB, at(0)));
      assertThat(d.containers()).isEqualTo(2);

      d.onEvent(new ContainerLifecycle(at(1), WEB, "docker.events", "die", "", Map.of()), alerts::add);
      assertThat(d.containers()).isEqualTo(1);

      // WEB comes back, then DB: three containers for two places, the least recently seen one goes.
      feed(d, gen.steadyEvents(WEB, at(1)));
      feed(d, gen.steadyEvents(DB, at(1)));
      assertThat(d.containers()).isEqualTo(2);
      assertThat(metrics.count("vigil.anomaly.dropped", "reason", "container_evicted")).isEqualTo(1);

      // Only DB keeps sending: after ten silent intervals WEB is forgotten too.
      steady(d, gen, DB, 2, 14);
      assertThat(d.containers()).isEqualTo(1);
    }
  }

  @Test
  void quietContainer_hasItsLastIntervalClosedByTheSweep() {
    try (AnomalyDetector d = detector(config(8))) {
      Synthetic gen = new Synthetic(21);
      steady(d, gen, API, 0, 3); // interval 0 dropped, 1 closed, 2 open
      assertThat(d.model(API_KEY).get().samples()).isEqualTo(1);
      feed(d, gen.steadyEvents(WEB, at(3)));
      assertThat(d.model(API_KEY).get().samples()).as("API's interval 2 has just ended").isEqualTo(1);
      // API silent: its interval 2 closes once event time is a whole interval past its end.
      feed(d, gen.steadyEvents(WEB, at(4)));
      assertThat(d.model(API_KEY).get().samples()).isEqualTo(2);
    }
  }

  @Test
  void resetWhileRunning_deletedFileMakesTheImageLearnAgain() throws IOException {
    try (AnomalyDetector d = detector(config(8))) {
      Synthetic gen = new Synthetic(22);
      steady(d, gen, API, 0, 25); // 12.5 minutes: saved once after 10 minutes of event time
      BaselineStore store = new BaselineStore(dataDir);
      assertThat(store.exists(API_KEY)).isTrue();
      assertThat(store.delete(API_KEY)).isTrue(); // what `vigil baseline reset` does

      steady(d, gen, API, 25, 50); // the next save notices
      assertThat(metrics.count("vigil.anomaly.persistence", "result", "reset")).isEqualTo(1);
      assertThat(d.model(API_KEY).get().samples()).isLessThan(24);
      assertThat(store.exists(API_KEY)).isFalse();
    }
    assertThat(new BaselineStore(dataDir).exists(API_KEY)).as("close saves the new model").isTrue();
  }

  @Test
  void eventsOfUnknownImagesAndTheHost_areIgnored() {
    try (AnomalyDetector d = detector(config(8))) {
      ContainerRef unresolved = ContainerRef.unresolved("e".repeat(64));
      d.onEvent(new StatsSample(T0, unresolved, "docker.stats", 1, 1, 1, 0, 0, 1, 1, 0, 0, 1), alerts::add);
      d.onEvent(Synthetic.exec(ContainerRef.HOST, T0, "/usr/bin/dockerd"), alerts::add);
      assertThat(d.containers()).isZero();
      assertThat(metrics.count("vigil.anomaly.dropped", "reason", "unknown_image")).isEqualTo(1);
    }
  }

  @Test
  void withItsOwnIoThread_loadsAndSavesOffTheCallingThread_andCloseWaitsForThem() throws IOException {
    AnomalyDetector d = new AnomalyDetector(config(8), dataDir, metrics);
    Synthetic gen = new Synthetic(23);
    // Far faster than real time: the model's load may still be in flight when samples close. They are held (a few)
    // until it arrives; the rest are dropped and counted. None is lost without a count, whatever the timing.
    steady(d, gen, API, 0, 150);
    d.close(); // lets the load finish, learns the held samples, saves, waits for the write
    BaselineFile f = BaselineFile.decode(Files.readAllBytes(new BaselineStore(dataDir).fileFor(API_KEY)));
    long dropped = metrics.count("vigil.anomaly.dropped", "reason", "model_loading");
    assertThat(f.samples() + dropped).isEqualTo(148);
    assertThat(f.samples()).isGreaterThanOrEqualTo(AnomalyDetector.MAX_PENDING_SAMPLES);
    assertThat(metrics.count("vigil.anomaly.samples", "phase", "learning")
        + metrics.count("vigil.anomaly.samples", "phase", "scoring")).isEqualTo(f.samples());
    assertThat(metrics.count("vigil.anomaly.persistence", "result", "saved")).isPositive();
  }

  @Test
  void disabledInTheConfiguration_noDetector() {
    AnomalyConfig off = new AnomalyConfig(false, Duration.ofSeconds(IV), 100, 2.5, 2, 40, 128, 0.0, 3, 8, 64, 256,
        Duration.ofSeconds(600), 7L);
    assertThat(AnomalyDetector.fromConfig(off, dataDir, metrics)).isEmpty();
    try (AnomalyDetector on = AnomalyDetector.fromConfig(config(8), dataDir, metrics).orElseThrow()) {
      assertThat(on.name()).isEqualTo("anomaly");
    }
    assertThat(dataDir.resolve("baselines")).doesNotExist();
  }

  @Test
  void imageKey_tagElseDigestElseRepository() {
    assertThat(AnomalyDetector.imageKey(API)).isEqualTo("registry.example.com/shop/api:2.14.3");
    assertThat(AnomalyDetector.imageKey(new ContainerRef("x", "n", "alpine", "", "sha256:abc")))
        .isEqualTo("alpine@sha256:abc");
    assertThat(AnomalyDetector.imageKey(new ContainerRef("x", "n", "alpine", "", ""))).isEqualTo("alpine");
    assertThat(AnomalyDetector.imageKey(ContainerRef.HOST)).isEmpty();
  }

  /** Runs I/O tasks at once on the calling thread, so tests see loads and saves without waiting. */
  static final class DirectExecutor extends AbstractExecutorService {
    private boolean shutdown;

    @Override
    public void execute(Runnable command) {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("shut down");
      }
      command.run();
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return shutdown;
    }

    @Override
    public boolean isTerminated() {
      return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
