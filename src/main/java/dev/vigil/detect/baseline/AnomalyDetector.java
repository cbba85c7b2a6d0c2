package dev.vigil.detect.baseline;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.detect.Detector;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-image anomaly baselines: every container's events are summed up per interval ({@link FeatureAggregator}),
 * each interval's feature vector goes to its image's Random Cut Forest ({@link ImageBaseline}), and a container whose
 * interval scores at or above the threshold after the image's learning period raises "Anomalous behaviour in
 * container", naming the features that drove the score and how far each was from normal. One alert per episode per
 * container: the episode lasts until {@link AnomalyConfig#episodeQuietIntervals()} intervals in a row score below
 * the threshold.
 *
 * <p><b>Threads and I/O.</b> {@link #onEvent} runs on the dispatch thread, which must not block on I/O, so every
 * file operation runs on one thread of this detector ({@code vigil-baseline-io}): loading a model when the first
 * event of an image arrives (its samples are held, up to a few, until the load is done; the first interval of a
 * container is dropped anyway, so the load is normally long finished), and saving a model snapshot every
 * {@link AnomalyConfig#saveInterval()} of event time, when the model is evicted, and at {@link #close()}. The
 * snapshot is taken on the dispatch thread (a few milliseconds) and serialised and written on the I/O thread. A
 * file that cannot be read is put aside with a warning and the image learns again; an incompatible one (another
 * configuration) is replaced. When {@code vigil baseline reset} deletes the file of a model this agent had saved or
 * loaded, the next save notices it and the image starts learning again instead of writing the old model back.
 *
 * <p><b>Bounds.</b> At most {@link AnomalyConfig#maxContainers()} containers are aggregated and at most
 * {@link AnomalyConfig#maxImages()} models are held, least recently used evicted first: an evicted model is saved
 * and loaded again when its image returns ({@code vigil.anomaly.evicted{what=image}}); an evicted container loses its
 * open interval ({@code vigil.anomaly.dropped{reason=container_evicted}}, like the other drops: unknown_image,
 * model_loading). A container that dies or is destroyed, or sends nothing for ten
 * intervals, is forgotten. Time is event time only.
 */
public final class AnomalyDetector implements Detector, AutoCloseable {

  /** The alert's rule name. */
  public static final String RULE = "Anomalous behaviour in container";

  private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetector.class);
  private static final Set<EventKind> KINDS = Set.copyOf(EnumSet.of(EventKind.STATS, EventKind.PROCESS_EXEC,
      EventKind.NETWORK, EventKind.FILE_OPEN, EventKind.FILE_CHANGE, EventKind.CONTAINER_LIFECYCLE));
  /** Samples held per image while its model loads. */
  static final int MAX_PENDING_SAMPLES = 16;
  /** A container silent for this many intervals is forgotten. */
  static final int FORGET_AFTER_INTERVALS = 10;

  private final AnomalyConfig cfg;
  private final BaselineStore store;
  private final Metrics metrics;
  private final ExecutorService io;

  private final LinkedHashMap<String, ContainerState> containers = new LinkedHashMap<>(64, 0.75f, true);
  private final LinkedHashMap<String, ImageEntry> images = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, ArrayDeque<IntervalSample>> loading = new HashMap<>();
  private final ConcurrentLinkedQueue<IoResult> results = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<String, BaselineFile> pendingSaves = new ConcurrentHashMap<>();
  /** Images whose file this agent read or wrote; touched only by the I/O thread. */
  private final Set<String> onDisk = new HashSet<>();

  private AlertSink lastSink = alert -> { };
  private Instant watermark;
  private long nextSweep = Long.MIN_VALUE;
  private boolean closed;

  /**
   * A detector whose models live in {@code <dataDir>/baselines}, with its own I/O thread.
   *
   */
  public AnomalyDetector(AnomalyConfig cfg, Path dataDir, Metrics metrics) {
    this(cfg, new BaselineStore(dataDir), metrics, Executors.newSingleThreadExecutor(Threads.daemon("vigil-baseline-io")));
  }

  /**
   * The detector the configuration asks for: empty when {@code detectors.anomaly.enabled} is false, in which case
   * nothing is aggregated, no thread is started and no file is written.
   */
  public static Optional<AnomalyDetector> fromConfig(AnomalyConfig cfg, Path dataDir,
      Metrics metrics) {
    return cfg.enabled() ? Optional.of(new AnomalyDetector(cfg, dataDir, metrics)) : Optional.empty();
  }

  /** A detector with a given I/O executor (tests pass one that runs tasks at once). Owns and shuts it down. */
  AnomalyDetector(AnomalyConfig cfg, BaselineStore store, Metrics metrics, ExecutorService io) {
    this.cfg = cfg;
    this.store = store;
    this.metrics = metrics;
    this.io = io;
  }

  @Override
  public String name() {
    return "anomaly";
  }

  @Override
  public Set<EventKind> kinds() {
    return KINDS;
  }

  /**
   * The model an image's containers share: {@code repository:tag}, else {@code repository@digest}, else the
   * repository; empty for the host and for containers whose image is unknown.
   */
  public static String imageKey(ContainerRef ref) {
    if (ref.isHost() || ref.imageRepository().isEmpty()) {
      return "";
    }
    if (!ref.imageTag().isEmpty()) {
      return ref.imageRepository() + ':' + ref.imageTag();
    }
    if (!ref.imageDigest().isEmpty()) {
      return ref.imageRepository() + '@' + ref.imageDigest();
    }
    return ref.imageRepository();
  }

  @Override
  public void onEvent(Event event, AlertSink out) {
    lastSink = out;
    drainResults(out);
    Instant t = event.time();
    if (watermark == null || t.isAfter(watermark)) {
      watermark = t;
    }
    String id = event.container().id();
    if (event instanceof ContainerLifecycle l) {
      if (l.action().equals("die") || l.action().equals("destroy")) {
        // The interval in progress is cut short: its counts would read as a quiet interval, so it is dropped.
        containers.remove(id);
      }
    } else {
      String key = imageKey(event.container());
      if (key.isEmpty()) {
        if (!event.container().isHost()) {
          metrics.counter("vigil.anomaly.dropped", "reason", "unknown_image").increment();
        }
      } else {
        ContainerState cs = containers.get(id);
        if (cs == null || !cs.agg.imageKey().equals(key)) {
          cs = new ContainerState(new FeatureAggregator(event.container(), key, cfg.intervalSeconds()));
          containers.put(id, cs);
          evictContainers();
          ensureImage(key);
        }
        IntervalSample s = cs.agg.add(event);
        if (s != null) {
          take(s, out);
        }
      }
    }
    if (t.getEpochSecond() >= nextSweep) {
      sweep(out);
      nextSweep = t.getEpochSecond() + cfg.intervalSeconds();
    }
  }

  /** Closes the intervals of containers that went quiet, and forgets containers silent for long. */
  private void sweep(AlertSink out) {
    List<IntervalSample> closedSamples = new ArrayList<>();
    Instant forgetBefore = watermark.minusSeconds((long) FORGET_AFTER_INTERVALS * cfg.intervalSeconds());
    for (Iterator<ContainerState> it = containers.values().iterator(); it.hasNext(); ) {
      ContainerState cs = it.next();
      IntervalSample s = cs.agg.closeIfQuiet(watermark);
      if (s != null) {
        closedSamples.add(s);
      }
      if (cs.agg.lastEventTime() != null && cs.agg.lastEventTime().isBefore(forgetBefore)) {
        it.remove();
      }
    }
    for (IntervalSample s : closedSamples) {
      take(s, out);
    }
    for (Map.Entry<String, ImageEntry> e : images.entrySet()) {
      maybeSave(e.getKey(), e.getValue());
    }
  }

  private void evictContainers() {
    while (containers.size() > cfg.maxContainers()) {
      Iterator<ContainerState> it = containers.values().iterator();
      it.next();
      it.remove();
      metrics.counter("vigil.anomaly.dropped", "reason", "container_evicted").increment();
    }
  }

  /** Makes sure the image's model is in memory or on its way from disk. */
  private void ensureImage(String key) {
    if (images.containsKey(key) || loading.containsKey(key)) {
      return;
    }
    loading.put(key, new ArrayDeque<>());
    submit(() -> load(key));
  }

  private void take(IntervalSample s, AlertSink out) {
    ImageEntry entry = images.get(s.imageKey());
    if (entry == null) {
      ArrayDeque<IntervalSample> held = loading.get(s.imageKey());
      if (held == null) {
        // The image was evicted since this container started: load it again and hold the sample.
        ensureImage(s.imageKey());
        held = loading.get(s.imageKey());
      }
      if (held.size() < MAX_PENDING_SAMPLES) {
        held.add(s);
      } else {
        metrics.counter("vigil.anomaly.dropped", "reason", "model_loading").increment();
      }
      return;
    }
    Assessment a = entry.model.observe(s);
    entry.dirty = true;
    metrics.counter("vigil.anomaly.samples", "phase", a.learning() ? "learning" : "scoring").increment();
    ContainerState cs = containers.get(s.container().id());
    if (!a.learning()) {
      if (a.anomalous()) {
        if (cs == null || !cs.inEpisode) {
          out.accept(alert(s, a));
        }
        if (cs != null) {
          cs.inEpisode = true;
          cs.quiet = 0;
        }
      } else if (cs != null && cs.inEpisode && ++cs.quiet >= cfg.episodeQuietIntervals()) {
        cs.inEpisode = false;
        cs.quiet = 0;
      }
    }
    maybeSave(s.imageKey(), entry);
  }

  private void maybeSave(String key, ImageEntry entry) {
    if (entry.dirty && watermark != null
        && !watermark.isBefore(entry.lastSaved.plusSeconds(cfg.saveIntervalSeconds()))) {
      save(key, entry);
    }
  }

  private void save(String key, ImageEntry entry) {
    Instant at = watermark != null ? watermark : Instant.EPOCH;
    BaselineFile snapshot = entry.model.toFile(at);
    entry.dirty = false;
    entry.lastSaved = at;
    if (pendingSaves.put(key, snapshot) == null) {
      submit(() -> write(key));
    }
  }

  private void drainResults(AlertSink out) {
    IoResult r;
    while ((r = results.poll()) != null) {
      if (r instanceof Loaded l) {
        ArrayDeque<IntervalSample> held = loading.remove(l.key);
        if (images.containsKey(l.key)) {
          continue;
        }
        ImageBaseline model = l.model != null ? l.model : ImageBaseline.create(l.key, cfg);
        putImage(l.key, new ImageEntry(model, watermark != null ? watermark : Instant.EPOCH));
        if (held != null) {
          for (IntervalSample s : held) {
            take(s, out);
          }
        }
      } else if (r instanceof Reset x) {
        ImageEntry e = images.get(x.key);
        if (e != null) {
          LOG.info("baseline of image {} was reset (its file was deleted): learning again", x.key);
          e.model = ImageBaseline.create(x.key, cfg);
          e.dirty = false;
        }
      }
    }
  }

  private void putImage(String key, ImageEntry entry) {
    images.put(key, entry);
    while (images.size() > cfg.maxImages()) {
      Iterator<Map.Entry<String, ImageEntry>> it = images.entrySet().iterator();
      Map.Entry<String, ImageEntry> eldest = it.next();
      it.remove();
      if (eldest.getValue().dirty) {
        save(eldest.getKey(), eldest.getValue());
      }
      metrics.counter("vigil.anomaly.evicted", "what", "image").increment();
    }
  }

  private Alert alert(IntervalSample s, Assessment a) {
    StringBuilder drivers = new StringBuilder();
    List<String> topNames = new ArrayList<>();
    Set<String> tags = new LinkedHashSet<>(List.of("container", "anomaly", "ml"));
    for (Feature f : a.top()) {
      int i = f.ordinal();
      topNames.add(f.key());
      if (drivers.length() > 0) {
        drivers.append(", ");
      }
      drivers.append(f.key()).append('=').append(f.format(a.raw()[i])).append(" (normal ")
          .append(f.format(a.normal()[i])).append(", ")
          .append(String.format(Locale.ROOT, "%+.1f", a.deviation()[i])).append(" sd)");
      tags.addAll(mitre(f));
    }
    ContainerRef c = s.container();
    DetectorAlert b = DetectorAlert.of(RULE, Priority.WARNING, "vigil", s.end(), c)
        .tags(tags.toArray(String[]::new))
        .field("vigil.anomaly.score", round(a.score()))
        .field("vigil.anomaly.threshold", a.threshold())
        .field("vigil.anomaly.top_features", String.join(",", topNames))
        .field("vigil.anomaly.image", s.imageKey())
        .field("vigil.anomaly.samples", a.samplesSeen())
        .field("vigil.anomaly.interval_start", s.start().toString())
        .field("vigil.anomaly.interval_seconds", cfg.intervalSeconds());
    for (Feature f : Feature.all()) {
      int i = f.ordinal();
      b.field("vigil.anomaly." + f.key(), round(a.raw()[i]));
      b.field("vigil.anomaly." + f.key() + ".normal", round(a.normal()[i]));
      b.field("vigil.anomaly." + f.key() + ".deviation", round(a.deviation()[i]));
      b.field("vigil.anomaly." + f.key() + ".attribution", round(a.attribution()[i]));
    }
    b.output(String.format(Locale.ROOT,
        "Anomalous behaviour in container (score=%.2f threshold=%.2f drivers: %s; container=%s image=%s"
            + " interval=%s+%ds samples_learned=%d)",
        a.score(), a.threshold(), drivers, c.name(), s.imageKey(), s.start(), cfg.intervalSeconds(),
        a.samplesSeen()));
    return b.build();
  }

  /** MITRE ATT&CK tags for a feature that drove a score, where one technique is the usual reason. */
  static List<String> mitre(Feature f) {
    switch (f) {
      case CPU_PERCENT:
        return List.of("mitre_impact", "T1496");
      case TX_RATE:
        return List.of("mitre_exfiltration", "T1041");
      case RX_RATE:
        return List.of("mitre_command_and_control", "T1105");
      case PIDS:
        return List.of("mitre_impact", "T1499");
      case EXEC_RATE:
      case NEW_EXECUTABLES:
        return List.of("mitre_execution", "T1059");
      case REMOTE_ENDPOINTS:
        return List.of("mitre_discovery", "T1046");
      case FILE_WRITE_RATE:
        return List.of("mitre_impact", "T1486");
      default:
        return List.of();
    }
  }

  private static double round(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return v;
    }
    return Math.round(v * 1000.0) / 1000.0;
  }

  // ---- I/O thread ----

  private void load(String key) {
    ImageBaseline model = null;
    try {
      Optional<byte[]> bytes = store.read(key);
      if (bytes.isPresent()) {
        onDisk.add(key);
        try {
          model = ImageBaseline.fromFile(BaselineFile.decode(bytes.get()), cfg);
          metrics.counter("vigil.anomaly.persistence", "result", "loaded").increment();
          LOG.info("baseline of image {} loaded from {} ({} samples, {})", key, store.fileFor(key),
              model.samples(), model.learning() ? "learning" : "scoring");
        } catch (IncompatibleBaselineException e) {
          metrics.counter("vigil.anomaly.persistence", "result", "incompatible").increment();
          LOG.warn("baseline of image {} in {} is not used: {}; learning again (the file is replaced at the next "
              + "save)", key, store.fileFor(key), e.getMessage());
        } catch (IOException | RuntimeException e) {
          metrics.counter("vigil.anomaly.persistence", "result", "corrupt").increment();
          Path aside = null;
          try {
            aside = store.setAside(key);
            onDisk.remove(key);
          } catch (IOException moveFailed) {
            LOG.debug("cannot set aside {}: {}", store.fileFor(key), moveFailed.toString());
          }
          LOG.warn("baseline of image {} in {} is unreadable ({}); learning again{}", key, store.fileFor(key),
              e.getMessage(), aside != null ? ", the file was moved to " + aside : "");
        }
      }
    } catch (IOException | RuntimeException e) {
      metrics.counter("vigil.anomaly.persistence", "result", "load_failed").increment();
      LOG.warn("cannot read the baseline of image {} from {}: {}; learning again", key, store.fileFor(key),
          e.toString());
    }
    results.add(new Loaded(key, model));
  }

  private void write(String key) {
    BaselineFile f = pendingSaves.remove(key);
    if (f == null) {
      return;
    }
    try {
      if (onDisk.contains(key) && !store.exists(key)) {
        onDisk.remove(key);
        metrics.counter("vigil.anomaly.persistence", "result", "reset").increment();
        results.add(new Reset(key));
        return;
      }
      store.write(key, f.encode());
      onDisk.add(key);
      metrics.counter("vigil.anomaly.persistence", "result", "saved").increment();
    } catch (IOException | RuntimeException e) {
      metrics.counter("vigil.anomaly.persistence", "result", "save_failed").increment();
      LOG.warn("cannot save the baseline of image {} to {}: {}", key, store.fileFor(key), e.toString());
    }
  }

  private void submit(Runnable task) {
    try {
      io.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("baseline I/O after close: {}", e.toString());
    }
  }

  /**
   * Lets loads in flight finish (their held samples are learned; an alert they raise goes to the sink of the last
   * event), saves every changed model and waits (up to 30 s) for the writes. Called once at shutdown, from the
   * thread that called {@link #onEvent} or after it stopped.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      io.submit(() -> { }).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.warn("baseline models still loading at stop: {}", e.toString());
    }
    drainResults(lastSink);
    for (Map.Entry<String, ImageEntry> e : images.entrySet()) {
      if (e.getValue().dirty) {
        save(e.getKey(), e.getValue());
      }
    }
    io.shutdown();
    try {
      if (!io.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("baseline models were not all saved within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- introspection for tests and status ----

  /** Containers being aggregated. */
  public int containers() {
    return containers.size();
  }

  /** Images whose model is in memory. */
  public Set<String> imagesInMemory() {
    return Set.copyOf(images.keySet());
  }

  /** The in-memory model of an image, empty when not loaded. */
  public Optional<ImageBaseline> model(String imageKey) {
    ImageEntry e = images.get(imageKey);
    return e == null ? Optional.empty() : Optional.of(e.model);
  }

  private static final class ContainerState {
    final FeatureAggregator agg;
    boolean inEpisode;
    int quiet;

    ContainerState(FeatureAggregator agg) {
      this.agg = agg;
    }
  }

  private static final class ImageEntry {
    ImageBaseline model;
    Instant lastSaved;
    boolean dirty;

    ImageEntry(ImageBaseline model, Instant lastSaved) {
      this.model = model;
      this.lastSaved = lastSaved;
    }
  }

  private sealed interface IoResult permits Loaded, Reset {}

  private record Loaded(String key, ImageBaseline model) implements IoResult {}

  private record Reset(String key) implements IoResult {}
}
