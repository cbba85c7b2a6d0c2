package dev.vigil.app;

import dev.vigil.common.Backoff;
import dev.vigil.common.Losses;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.detect.Detector;
import dev.vigil.detect.baseline.AnomalyDetector;
import dev.vigil.detect.behaviour.BehaviourDetectors;
import dev.vigil.detect.logsig.LogSignatureDetector;
import dev.vigil.engine.CompositeEngine;
import dev.vigil.engine.DetectorEngine;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerActivity;
import dev.vigil.pipeline.Pipeline;
import dev.vigil.record.EventRecorder;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.cgroup.CgroupStatsSensor;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerEventsSensor;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerLogsSensor;
import dev.vigil.sensor.docker.EngineUnavailableException;
import dev.vigil.sink.file.FileSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil monitor}'s life: the start-up {@link #steps() steps} in order, each registering the closers of what it
 * opened, then waiting for a stop; one {@code finally} unwinds the closers in reverse order on every exit path (a
 * failed step, a signal during start-up, the normal stop). What happens to each event is {@link EventChain}; which
 * sensors run is {@link SensorCatalog} and {@link SensorPlan}. Used once, from one thread; {@link #requestStop} may
 * be called from any thread.
 */
final class MonitorRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorRuntime.class);

  /** How long network sinks may keep delivering at a normal stop (the rest stays spooled for the next start). */
  static final Duration DRAIN = Duration.ofSeconds(4);

  private final MonitorConfig cfg;
  private final PrintWriter err;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Clock clock = Clock.systemUTC();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Metrics metrics = new Metrics(registry);
  private final Startup startup = new Startup();
  private final ContainerActivity activity = new ContainerActivity();
  private final List<AgentStatus.SensorState> sensorStates = new ArrayList<>();

  // What the steps build, in step order.
  private AlertOutputs outputs;
  private Duration drain = Duration.ZERO;
  private SensorPlan plan;
  private LoadResult rules;
  private DockerConnection conn;
  private DockerInventory inventory;
  private EventRecorder recorder;
  private CompositeEngine engine;
  private Pipeline pipeline;
  private DockerEventsSensor events;
  private DockerLogsSensor logs;
  private Losses losses;

  MonitorRuntime(MonitorConfig cfg, PrintWriter err) {
    this.cfg = cfg;
    this.err = err;
  }

  /** The start-up, in order. Each step's closers run in reverse order when the agent stops or a later step fails. */
  List<Startup.Step> steps() {
    return List.of(
        new Startup.Step("private files", this::privateFiles),
        new Startup.Step("metrics", this::metricsEndpoint),
        new Startup.Step("alert outputs", this::alertOutputs),
        new Startup.Step("sensor plan", this::sensorPlan),
        new Startup.Step("rules", this::rules),
        new Startup.Step("event recorder", this::recorder),
        new Startup.Step("alert delivery", this::startDelivery),
        new Startup.Step("signals", this::signals),
        new Startup.Step("engine connection", this::connection),
        new Startup.Step("detectors", this::engine),
        new Startup.Step("pipeline", this::pipeline),
        new Startup.Step("sensors", this::sensors),
        new Startup.Step("status", this::status));
  }

  /** Runs the agent until {@link #requestStop}; returns its exit code ({@link ExitCodes}). */
  int run() throws InterruptedException {
    try {
      Integer failed = startup.run(steps(), () -> stop.getCount() == 0, ExitCodes.OK, err);
      if (failed != null) {
        return failed;
      }
      drain = DRAIN;
      stop.await();
      LOG.info("stopping");
      return ExitCodes.OK;
    } finally {
      startup.close();
      if (pipeline != null) {
        LOG.info("stopped: events handled={} dropped={} alerts={}", pipeline.handled(), pipeline.dropped(),
            alertCount());
      }
      stopped.countDown();
    }
  }

  /** Asks the agent to stop: during start-up before the next step (or while waiting for the engine), else now. */
  void requestStop() {
    stop.countDown();
  }

  /** umask 077 from now on; what an earlier run left readable by others is tightened (PrivateFiles). */
  private void privateFiles() {
    PrivateFiles.restrictUmask().ifPresent(why -> LOG.warn("{}; the agent's files take their mode from the umask "
        + "it was started with", why));
    ConfigFile.FileOut alerts = cfg.config().enabledFile();
    Path store = cfg.config().storeSettings().file(cfg.dataDir());
    List<Path> files = new ArrayList<>(List.of(store));
    if (alerts != null) {
      files.add(alerts.path());
    }
    if (cfg.recordEvents() != null) {
      files.add(cfg.recordEvents());
    }
    try {
      List<Path> changed = PrivateFiles.tighten(cfg.dataDir(), files);
      if (!changed.isEmpty()) {
        LOG.warn("{} of the agent's files and directories were readable by other users and are now private "
            + "(group and other permissions removed), e.g. {}", changed.size(), changed.get(0));
      }
    } catch (IOException e) {
      LOG.warn("cannot make the agent's files private under {}: {}", cfg.dataDir(), e.toString());
    }
  }

  private void metricsEndpoint() throws Startup.Failure {
    MetricsEndpoint.bindAgentMeters(registry);
    if (cfg.metricsListen() == null) {
      return;
    }
    try {
      MetricsEndpoint endpoint = MetricsEndpoint.start(cfg.metricsListen(), registry);
      startup.onClose("metrics endpoint", endpoint::close);
      LOG.info("metrics at http://{}:{}/metrics", cfg.metricsListen().getHostString(), endpoint.port());
    } catch (IOException e) {
      throw new Startup.Failure(ExitCodes.ERROR, e.getMessage(), e);
    }
  }

  /** engine -> aggregation -> stamp -> stdout, alerts file, alert store, one spooled sink per network destination. */
  private void alertOutputs() throws Startup.Failure {
    FileSink fileSink = null;
    try {
      ConfigFile.FileOut file = cfg.config().enabledFile();
      if (file != null) {
        fileSink = new FileSink(file.path(), file.maxSizeOrZero(), file.maxFilesOrDefault(), metrics);
      }
      outputs = AlertOutputs.open(cfg.config(), cfg.dataDir(), cfg.hostname(), metrics, clock, fileSink, List.of());
    } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      if (fileSink != null) {
        fileSink.close();
      }
      throw new Startup.Failure(ExitCodes.ERROR, e.getMessage(), e);
    }
    // pending aggregation summaries, then each network sink spools its queue and delivers for up to `drain`; the
    // alert store and the alerts file close last
    startup.onClose("alert outputs", () -> outputs.close(drain));
  }

  private void sensorPlan() {
    plan = SensorPlan.probe(SensorCatalog.declarations(), cfg.disabledSensors());
  }

  private void rules() throws Startup.Failure {
    rules = cfg.rules().load(plan.capabilities());
    if (rules.hasErrors()) {
      rules.errors().forEach(err::println);
      throw new Startup.Failure(ExitCodes.ERROR, "the rules have " + rules.errors().size()
          + " errors; fix them (see `vigil rules validate`)");
    }
    // Rules switched off for a sensor this host lacks are expected: summarised once after connecting, detailed by
    // `vigil rules list`. Other warnings (a user's file) are shown as they are.
    rules.warnings().stream().filter(w -> w.code() != DiagnosticCode.VW010).forEach(w -> LOG.warn("{}", w));
  }

  private void recorder() throws Startup.Failure {
    if (cfg.recordEvents() == null) {
      return;
    }
    try {
      recorder = EventRecorder.open(cfg.recordEvents(), metrics);
    } catch (UncheckedIOException e) {
      throw new Startup.Failure(ExitCodes.ERROR, e.getMessage(), e);
    }
    startup.onClose("event recorder", recorder::close);
  }

  /** Spooled alerts of a previous run are delivered while the engine is still being reached. */
  private void startDelivery() {
    outputs.start();
  }

  /** SIGINT/SIGTERM: stop, and let the JVM exit once everything was closed (15 s at most). */
  private void signals() {
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vigil-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    startup.onClose("shutdown hook", () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for `stopped`, counted down after the closers
      }
    });
  }

  private void connection() throws Startup.Failure, InterruptedException {
    try {
      conn = connect();
    } catch (EngineUnavailableException e) {
      throw new Startup.Failure(e.reason() == EngineUnavailableException.Reason.PERMISSION_DENIED
          ? ExitCodes.ENGINE_PERMISSION : ExitCodes.ENGINE_UNAVAILABLE, e.getMessage(), e);
    }
    if (conn == null) {
      throw new Startup.Failure(ExitCodes.OK, ""); // stopped by a signal while waiting for the engine
    }
    startup.onClose("engine connection", conn::close);
    long off = rules.rules().size() - rules.enabled().size();
    LOG.info("rules: {} loaded, {} enabled, {} disabled (`vigil rules list` says why)", rules.rules().size(),
        rules.enabled().size(), off);
    rules.warnings().stream().filter(w -> w.code() == DiagnosticCode.VW010).forEach(w -> LOG.debug("{}", w));
    inventory = new DockerInventory(conn);
  }

  /** Rules, then the stateful detectors, one alert path. */
  private void engine() throws Startup.Failure {
    List<Detector> detectors = new ArrayList<>();
    DetectorSettings detectorSettings = cfg.config().detectorSettings(); // bound and checked with the file
    try {
      LogSignatureDetector.fromConfig(detectorSettings.logSignatures(), metrics).ifPresent(detectors::add);
      AnomalyDetector.fromConfig(detectorSettings.anomaly(), cfg.dataDir(), metrics)
          .ifPresent(a -> {
            detectors.add(a);
            startup.onClose("anomaly baselines", a::close);
          });
      detectors.addAll(BehaviourDetectors.create(detectorSettings.behaviour(), inventory, metrics));
    } catch (IOException | RuntimeException e) {
      throw new Startup.Failure(ExitCodes.ERROR, e.getMessage(), e);
    }
    engine = new CompositeEngine(List.of(new RuleEngine(rules, inventory, cfg.config().rulesSettings(), metrics, clock,
        System::nanoTime), new DetectorEngine(detectors)));
  }

  private void pipeline() {
    EventChain chain = new EventChain(inventory, activity, recorder, engine, outputs.head());
    pipeline = new Pipeline(cfg.queueCapacity(), chain, metrics);
    pipeline.start();
    startup.onClose("pipeline (drained)", () -> pipeline.close(Duration.ofSeconds(5)));
    Gauge.builder("vigil.pipeline.queue", pipeline, Pipeline::depth)
        .description("Events waiting in the pipeline's queue").register(registry);
    Gauge.builder("vigil.pipeline.lanes", pipeline, Pipeline::lanes)
        .description("Containers (and the host) with events waiting: the lanes the dispatch thread takes turns over")
        .register(registry);
  }

  /** Starts the sensors the plan runs, in catalog order; one that fails to start is reported, the others run. */
  private void sensors() {
    SensorCatalog.Context ctx = new SensorCatalog.Context(conn, inventory, pipeline, clock, metrics, cfg, activity,
        plan);
    plan.degradedLines().forEach(LOG::warn);
    for (SensorCatalog.Entry entry : SensorCatalog.ENTRIES) {
      SensorPlan.Decided d = plan.find(entry.name()).orElseThrow();
      if (!d.state().runs) {
        sensorStates.add(new AgentStatus.SensorState(d.name(), d.state().label, d.detail()));
        continue;
      }
      Sensor s = entry.factory().apply(ctx);
      try {
        s.start();
      } catch (RuntimeException e) {
        // Probed fine, failed now (a race with the host's limits): report it, keep the others running.
        LOG.warn("sensor {} cannot start: {}", s.name(), e.getMessage());
        sensorStates.add(new AgentStatus.SensorState(s.name(), "unavailable", String.valueOf(e.getMessage())));
        s.close();
        continue;
      }
      startup.onClose("sensor " + s.name(), s::close);
      if (s instanceof DockerEventsSensor e) {
        events = e;
      } else if (s instanceof DockerLogsSensor l) {
        logs = l;
      }
      sensorStates.add(new AgentStatus.SensorState(d.name(), d.state().label, d.detail()));
      LOG.info("sensor {} started{}", s.name(), d.detail().isEmpty() ? "" : " (" + d.detail() + ")");
    }
    LOG.info("vigil {} monitoring {} containers ({} running) on {}; {}", VersionCommand.version(),
        inventory.all().size(), inventory.running().size(), conn.host(), String.join(", ", engine.describe()));
  }

  /** status.json now and every status interval, with a status line in the log. */
  private void status() {
    losses = new Losses(registry, cfg.statusInterval().toMillis());
    long startedAt = System.currentTimeMillis();
    Runnable report = () -> writeStatus(startedAt);
    report.run();
    ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-status"));
    startup.onClose("status", status::shutdownNow);
    status.scheduleAtFixedRate(() -> {
      LOG.info("status: events handled={} dropped={} queue={} alerts={} containers={} running={} "
              + "logs-followed={} log-lines-cut={} events-stream={}",
          pipeline.handled(), pipeline.dropped(), pipeline.depth(), alertCount(), inventory.all().size(),
          inventory.running().size(), logs == null ? 0 : logs.following(),
          metrics.count("vigil.log.truncated", "sensor", DockerLogsSensor.NAME),
          eventsConnected() ? "connected" : "reconnecting");
      report.run();
    }, cfg.statusInterval().toMillis(), cfg.statusInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void writeStatus(long startedAt) {
    AgentStatus st = new AgentStatus(VersionCommand.version(), ProcessHandle.current().pid(), startedAt,
        System.currentTimeMillis(), cfg.statusInterval().toMillis(), conn.host(), conn.engineVersion(),
        eventsConnected(), List.copyOf(sensorStates), inventory.all().size(), inventory.running().size(),
        pipeline.handled(), pipeline.dropped(), pipeline.depth(), alertCount(), rules.rules().size(),
        rules.enabled().size(), outputs.states(), lossesNow(), logs == null ? List.of() : logs.lags());
    try {
      st.write(cfg.dataDir());
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot write status to {}: {}", cfg.dataDir(), e.toString());
    }
  }

  /** The loss ledger's snapshot of this status tick (what a future API serialises as it is), logged if DEGRADED. */
  private Losses.Snapshot lossesNow() {
    Losses.Snapshot s = losses.tick(System.currentTimeMillis());
    if (s.degraded()) {
      LOG.warn("degraded: {}", String.join("; ", s.reasons()));
    }
    return s;
  }

  /** Whether the engine's events stream is open. */
  private boolean eventsConnected() {
    return events != null && events.connected();
  }

  private long alertCount() {
    return (long) metrics.registry().find("vigil.alerts").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** Connects, retrying with back-off while --wait-for-engine allows; null when stopped while waiting. */
  private DockerConnection connect() throws EngineUnavailableException, InterruptedException {
    Duration wait = cfg.waitForEngine();
    long deadline = wait == null ? 0 : wait.isZero() ? Long.MAX_VALUE : System.nanoTime() + wait.toNanos();
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10));
    while (true) {
      try {
        return DockerConnection.open(cfg.docker());
      } catch (EngineUnavailableException e) {
        if (wait == null || e.reason() == EngineUnavailableException.Reason.UNSUPPORTED_VERSION) {
          throw e;
        }
        if (backoff.attempts() == 0) {
          LOG.warn("{}; waiting for the engine", e.getMessage());
        }
        if (System.nanoTime() > deadline) {
          throw e;
        }
        if (stop.await(backoff.next().toMillis(), TimeUnit.MILLISECONDS)) {
          return null;
        }
      }
    }
  }
}
