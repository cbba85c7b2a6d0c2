package dev.vigil.app;

import dev.vigil.alert.AlertSink;
import dev.vigil.common.Backoff;
import dev.vigil.common.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.vigil.detect.Detector;
import dev.vigil.detect.baseline.AnomalyConfig;
import dev.vigil.detect.baseline.AnomalyDetector;
import dev.vigil.detect.behaviour.BehaviourDetectors;
import dev.vigil.detect.logsig.LogSignatureConfig;
import dev.vigil.detect.logsig.LogSignatureDetector;
import dev.vigil.engine.CompositeEngine;
import dev.vigil.engine.DetectorEngine;
import dev.vigil.engine.Engine;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerActivity;
import dev.vigil.event.Event;
import dev.vigil.pipeline.ExecDeduplicator;
import dev.vigil.pipeline.ExecSessions;
import dev.vigil.pipeline.Pipeline;
import dev.vigil.pipeline.ProcessEnricher;
import dev.vigil.record.EventRecorder;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.field.Capability;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.cgroup.CgroupStatsSensor;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerDiffSensor;
import dev.vigil.sensor.docker.DockerEventsSensor;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerLogsSensor;
import dev.vigil.sensor.docker.DockerStatsSensor;
import dev.vigil.sensor.docker.DockerTopSensor;
import dev.vigil.sensor.docker.EngineUnavailableException;
import dev.vigil.sensor.fanotify.FanotifyFileSensor;
import dev.vigil.sensor.net.NetworkSensor;
import dev.vigil.sensor.proc.NetlinkProcessSensor;
import dev.vigil.sink.file.FileSink;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of {@code vigil monitor}: builds sinks, engine, connection, inventory, pipeline and sensors,
 * starts them in that order, waits for a signal and stops them in reverse order, draining the pipeline so alerts
 * already detected are written. Used once, from one thread.
 */
final class MonitorRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorRuntime.class);

  /** The diff poll's interval when it only reports deletions. */
  static final Duration DELETIONS_POLL = Duration.ofSeconds(30);

  private final MonitorConfig cfg;
  private final PrintWriter err;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  MonitorRuntime(MonitorConfig cfg, PrintWriter err) {
    this.cfg = cfg;
    this.err = err;
  }

  int run() throws InterruptedException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsEndpoint.bindAgentMeters(registry);
    Metrics metrics = new Metrics(registry);
    Clock clock = Clock.systemUTC();
    MetricsEndpoint endpoint = null;
    if (cfg.metricsListen() != null) {
      try {
        endpoint = MetricsEndpoint.start(cfg.metricsListen(), registry);
        LOG.info("metrics at http://{}:{}/metrics", cfg.metricsListen().getHostString(), endpoint.port());
      } catch (java.io.IOException e) {
        err.println("vigil: " + e.getMessage());
        err.flush();
        return ExitCodes.ERROR;
      }
    }
    // engine -> aggregation -> stdout, alerts file, alert store, and one spooled delivering sink per network
    // destination (Slack, webhooks, OpenSearch); all from the configuration file and the command line
    AlertOutputs outputs;
    FileSink fileSink = null;
    try {
      ConfigFile.FileOut file = cfg.config().enabledFile();
      if (file != null) {
        fileSink = new FileSink(file.path(), file.maxSizeOrZero(), file.maxFilesOrDefault(), metrics);
      }
      outputs = AlertOutputs.open(cfg.config(), cfg.dataDir(), cfg.hostname(), metrics, clock, fileSink, List.of());
    } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      err.println("vigil: " + e.getMessage());
      err.flush();
      if (fileSink != null) {
        fileSink.close();
      }
      if (endpoint != null) {
        endpoint.close();
      }
      return ExitCodes.ERROR;
    }
    AlertSink out = outputs.head();
    DetectorSettings ds;
    try {
      ds = DetectorSettings.from(cfg.config().detectors());
    } catch (IllegalArgumentException e) {
      err.println("vigil: " + e.getMessage());
      err.flush();
      outputs.close(Duration.ofSeconds(5));
      return ExitCodes.ERROR;
    }
    SensorPlan plan = SensorPlan.probe(cfg.disabledSensors());
    Set<Capability> capabilities = plan.capabilities();
    LoadResult rules = cfg.rules().load(capabilities);
    if (rules.hasErrors()) {
      rules.errors().forEach(err::println);
      err.println("vigil: the rules have " + rules.errors().size() + " errors; fix them (see `vigil rules validate`)");
      err.flush();
      outputs.close(Duration.ZERO);
      return ExitCodes.ERROR;
    }
    // Spooled alerts of a previous run are delivered while the engine is still being reached.
    outputs.start();
    // Rules switched off for a sensor this host lacks are expected: summarised once after connecting, detailed by
    // `vigil rules list`. Other warnings (a user's file) are shown as they are.
    rules.warnings().stream().filter(w -> !w.code().equals("VW010")).forEach(w -> LOG.warn("{}", w));

    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vigil-shutdown"));

    DockerConnection conn;
    try {
      conn = connect();
    } catch (EngineUnavailableException e) {
      err.println("vigil: " + e.getMessage());
      err.flush();
      outputs.close(Duration.ofSeconds(2));
      stopped.countDown();
      return e.reason() == EngineUnavailableException.Reason.PERMISSION_DENIED ? ExitCodes.ENGINE_PERMISSION
          : ExitCodes.ENGINE_UNAVAILABLE;
    }
    if (conn == null) {
      outputs.close(Duration.ofSeconds(5));
      stopped.countDown();
      return ExitCodes.OK; // stopped by a signal while waiting for the engine
    }

    long off = rules.rules().size() - rules.enabled().size();
    LOG.info("rules: {} loaded, {} enabled, {} disabled (`vigil rules list` says why)", rules.rules().size(),
        rules.enabled().size(), off);
    rules.warnings().stream().filter(w -> w.code().equals("VW010")).forEach(w -> LOG.debug("{}", w));
    DockerInventory inventory = new DockerInventory(conn);
    List<Detector> detectors = new ArrayList<>();
    Optional<AnomalyDetector> anomaly;
    try {
      LogSignatureDetector.fromConfig(ds.logSignatures(), cfg.hostname(), metrics).ifPresent(detectors::add);
      anomaly = AnomalyDetector.fromConfig(ds.anomaly(), cfg.dataDir(), cfg.hostname(), metrics);
      anomaly.ifPresent(detectors::add);
      detectors.addAll(BehaviourDetectors.create(ds.behaviour(), inventory, cfg.hostname(), metrics));
    } catch (java.io.IOException | RuntimeException e) {
      err.println("vigil: " + e.getMessage());
      err.flush();
      outputs.close(Duration.ofSeconds(5));
      conn.close();
      return ExitCodes.ERROR;
    }
    Engine engine = new CompositeEngine(List.of(new RuleEngine(rules, inventory, cfg.hostname()),
        new DetectorEngine(detectors)));
    EventRecorder recorder = cfg.recordEvents() == null ? null : new EventRecorder(cfg.recordEvents(), inventory);
    ExecDeduplicator dedup = new ExecDeduplicator();
    ProcessEnricher processes = new ProcessEnricher();
    ExecSessions sessions = new ExecSessions();
    ContainerActivity activity = new ContainerActivity();
    Pipeline pipeline = new Pipeline(cfg.queueCapacity(), e -> {
      Event resolved = sessions.annotate(processes.enrich(
          e.container().isResolved() ? e : e.withContainer(inventory.resolve(e.container().id()))));
      if (dedup.isDuplicate(resolved)) {
        return;
      }
      activity.record(resolved);
      if (recorder != null) {
        recorder.record(resolved);
      }
      engine.process(resolved, out);
    }, metrics);
    pipeline.start();
    io.micrometer.core.instrument.Gauge.builder("vigil.pipeline.queue", pipeline, Pipeline::depth)
        .description("Events waiting in the pipeline's queue").register(registry);

    DockerEventsSensor events = new DockerEventsSensor(conn, inventory, pipeline, metrics, cfg.eventsLiveness(),
        Duration.ofMinutes(5));
    DockerLogsSensor logs = new DockerLogsSensor(conn, inventory, pipeline, clock, cfg.maxLogLineBytes(), metrics);
    List<Sensor> sensors = new ArrayList<>();
    List<AgentStatus.SensorState> states = new ArrayList<>();
    sensors.add(events);
    sensors.add(logs);
    if (plan.runs(SensorPlan.CGROUP)) {
      sensors.add(new CgroupStatsSensor(inventory, pipeline, clock, cfg.statsInterval(), metrics));
    }
    if (plan.statsPollNeeded()) {
      sensors.add(new DockerStatsSensor(conn, inventory, pipeline, clock, cfg.statsInterval(), metrics, true));
    } else if (!cfg.disabledSensors().contains("docker.stats")) {
      states.add(new AgentStatus.SensorState("docker.stats", "standby", "kernel.cgroup reads the cgroup counters"));
    }
    if (plan.runs(SensorPlan.PROC)) {
      sensors.add(new NetlinkProcessSensor(inventory, pipeline, clock, metrics));
    }
    if (plan.topNeeded()) {
      sensors.add(new DockerTopSensor(conn, inventory, pipeline, clock, cfg.topInterval(), metrics));
    } else {
      states.add(new AgentStatus.SensorState("docker.top", "standby", "kernel.proc sees every process"));
    }
    if (plan.runs(SensorPlan.FANOTIFY)) {
      sensors.add(new FanotifyFileSensor(inventory, pipeline, clock, metrics, FanotifyFileSensor.Options.defaults()));
    }
    // With fanotify reporting writes as they happen, the diff poll only looks for deletions, which are not urgent:
    // polling every container every few seconds for them would be most of the agent's idle CPU.
    Duration diffEvery = plan.diffDeletionsOnly() && cfg.diffInterval().compareTo(DELETIONS_POLL) < 0
        ? DELETIONS_POLL : cfg.diffInterval();
    sensors.add(new DockerDiffSensor(conn, inventory, pipeline, clock, diffEvery, metrics,
        plan.diffDeletionsOnly(), activity));
    if (plan.runs(SensorPlan.NET)) {
      sensors.add(new NetworkSensor(inventory, pipeline, clock, cfg.netInterval(), metrics));
    }
    sensors.removeIf(s -> cfg.disabledSensors().contains(s.name()));
    plan.unavailable().forEach((name, why) -> states.add(new AgentStatus.SensorState(name, "unavailable", why)));
    plan.degradedLines().forEach(LOG::warn);

    List<Sensor> started = new ArrayList<>();
    for (String disabledName : cfg.disabledSensors()) {
      states.add(new AgentStatus.SensorState(disabledName, "disabled", "--disable-sensor"));
    }
    for (Sensor s : sensors) {
      try {
        s.start();
      } catch (RuntimeException e) {
        // Probed fine, failed now (a race with the host's limits): report it, keep the others running.
        LOG.warn("sensor {} cannot start: {}", s.name(), e.getMessage());
        states.add(new AgentStatus.SensorState(s.name(), "unavailable", String.valueOf(e.getMessage())));
        continue;
      }
      started.add(s);
      String detail = s.name().equals("docker.diff") && plan.diffDeletionsOnly()
          ? "deletions only; kernel.fanotify sees writes" : s.fallback() ? "polling the Engine API" : "";
      states.add(new AgentStatus.SensorState(s.name(), s.fallback() ? "fallback" : "active", detail));
      LOG.info("sensor {} started{}", s.name(), detail.isEmpty() ? "" : " (" + detail + ")");
    }
    LOG.info("vigil {} monitoring {} containers ({} running) on {}; {}", VersionCommand.version(),
        inventory.all().size(), inventory.running().size(), conn.host(), String.join(", ", engine.describe()));

    long startedAt = System.currentTimeMillis();
    Runnable report = () -> {
      AgentStatus st = new AgentStatus(VersionCommand.version(), ProcessHandle.current().pid(), startedAt,
          System.currentTimeMillis(), cfg.statusInterval().toMillis(), conn.host(), conn.engineVersion(),
          events.connected(), List.copyOf(states), inventory.all().size(), inventory.running().size(),
          pipeline.handled(), pipeline.dropped(), pipeline.depth(), alertCount(metrics), rules.rules().size(),
          rules.enabled().size(), outputs.states());
      try {
        st.write(cfg.dataDir());
      } catch (java.io.IOException | RuntimeException e) {
        LOG.debug("cannot write status to {}: {}", cfg.dataDir(), e.toString());
      }
    };
    report.run();
    ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-status");
      t.setDaemon(true);
      return t;
    });
    status.scheduleAtFixedRate(() -> {
      LOG.info("status: events handled={} dropped={} queue={} alerts={} containers={} running={} logs-followed={} "
              + "log-lines-cut={} events-stream={}",
          pipeline.handled(), pipeline.dropped(), pipeline.depth(), alertCount(metrics), inventory.all().size(),
          inventory.running().size(), logs.following(), metrics.count("vigil.log.truncated", "sensor", "docker.logs"),
          events.connected() ? "connected" : "reconnecting");
      report.run();
    }, cfg.statusInterval().toMillis(), cfg.statusInterval().toMillis(), TimeUnit.MILLISECONDS);

    stop.await();
    LOG.info("stopping");
    status.shutdownNow();
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    pipeline.close(Duration.ofSeconds(5));
    anomaly.ifPresent(AnomalyDetector::close);
    if (recorder != null) {
      recorder.close();
    }
    // pending aggregation summaries, then each network sink spools its queue and delivers for up to 4 s (the
    // shutdown hook waits 15 s in all); the alert store and the alerts file close last
    outputs.close(Duration.ofSeconds(4));
    conn.close();
    if (endpoint != null) {
      endpoint.close();
    }
    LOG.info("stopped: events handled={} dropped={} alerts={}", pipeline.handled(), pipeline.dropped(),
        alertCount(metrics));
    stopped.countDown();
    return ExitCodes.OK;
  }

  private static long alertCount(Metrics m) {
    return (long) m.registry().find("vigil.alerts").counters().stream().mapToDouble(c -> c.count()).sum();
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
