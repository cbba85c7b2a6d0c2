package dev.vigil.sensor.docker;

import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import dev.vigil.common.Backoff;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EngineEvent;
import dev.vigil.event.EventSink;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.Sensor;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the engine's events stream and keeps the inventory current from it.
 *
 * <p>Three parts: the docker-java callback only enqueues into a bounded queue (no I/O, never throws); a worker
 * thread translates each event, refreshes the inventory (inspect) and emits Vigil events; a supervisor thread opens
 * the stream, pings the engine every {@code liveness} interval and reopens the stream after an error, an end of
 * stream, a failed ping or a long silence, with back-off and {@code since=<time of the last event seen>} so no
 * event is lost across a disconnect or a daemon restart. Events replayed by {@code since} are recognised and
 * skipped. After every reconnect the whole inventory is re-listed. While the engine does not answer, it is probed
 * every {@link #PROBE_WHILE_DOWN} (not with a growing back-off), and the stream is reopened as soon as a probe
 * answers, before the inventory is re-listed, so events are followed again well within a second of the engine's
 * return.
 *
 * <p>With an {@link EventsPosition} the position (the time of the last event handled, and the time the agent was
 * last running) is saved by the worker at most once a second when it moved, every ten seconds when it did not, and
 * at {@link #close}; a restarted agent resumes from it, up to a maximum gap; events
 * replayed from before the start are marked {@link dev.vigil.event.Event#foundAtStart() found at start}. A gap it
 * cannot cover is a {@link SensorNotice}. At start every running container is reported as a {@code start} event
 * found at start, so configuration rules assess it as if it had just started; a replayed {@code start} event of
 * the same run of a container (same id and start time) is then skipped. Thread-safe.
 */
public final class DockerEventsSensor implements Sensor {

  public static final String NAME = "docker.events";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.engine(NAME, "engine events: container life cycle, docker exec, images, networks, volumes",
      Set.of(Capability.ENGINE_EVENTS)).required();
  private static final Logger LOG = LoggerFactory.getLogger(DockerEventsSensor.class);
  private static final int RAW_QUEUE = 8192;
  private static final int DEDUP_KEYS = 4096;
  /** How often the engine is probed while it does not answer. */
  static final Duration PROBE_WHILE_DOWN = Duration.ofMillis(200);
  /** How often, at most, the worker saves the events position when it moved. */
  static final long SAVE_EVERY_NANOS = 1_000_000_000L;
  /** How often it is saved when no event came, so the time the agent was running is known on an idle host. */
  static final long ALIVE_EVERY_NANOS = 10_000_000_000L;
  private static final Set<String> REFRESH_ON = Set.of("create", "start", "restart", "die", "stop", "kill", "pause",
      "unpause", "rename", "update", "oom");

  private final DockerConnection conn;
  private final DockerApi api;
  private final DockerInventory inventory;
  private final EventSink sink;
  private final Metrics metrics;
  private final Duration liveness;
  private final Duration maxSilence;
  private final BlockingQueue<Event> raw = new ArrayBlockingQueue<>(RAW_QUEUE);
  private final Set<String> recentKeys = new LinkedHashSet<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final Object streamLock = new Object();
  private volatile long lastTimeNano;
  private volatile long lastActivityNanos;
  private volatile boolean streamOpen;
  private volatile boolean resyncNeeded;
  private final Object wakeUp = new Object();
  private volatile long connects;
  private Closeable stream;
  private volatile Callback current;
  private Thread worker;
  private Thread supervisor;
  private final EventsPosition position;
  private final Duration maxGap;
  /** Events before this engine time were replayed from the saved position: found at start. 0: none. */
  private volatile long replayUntilNano;
  /** The container runs assessed at start, so a replayed start of the same run is not assessed again. */
  private final StartAssessments assessedAtStart = new StartAssessments();
  /** Whether the running containers were assessed at start (not yet when the engine did not answer then). */
  private volatile boolean startAssessed;
  /** The position last saved; worker thread (and close, after the worker stopped). */
  private long savedTimeNano;
  private long savedAtNanos;
  /** The engine's clock minus this host's, measured at start. */
  private volatile long engineClockOffsetNanos;

  public DockerEventsSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Metrics metrics,
      Duration liveness, Duration maxSilence) {
    this(conn, inventory, sink, metrics, liveness, maxSilence, null, Duration.ZERO);
  }

  /**
   * @param position where the events position is saved and resumed from; null: always from now, nothing saved
   * @param maxGap the longest time without the agent that is replayed from the saved position
   */
  public DockerEventsSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Metrics metrics,
      Duration liveness, Duration maxSilence, EventsPosition position, Duration maxGap) {
    this.position = position;
    this.maxGap = maxGap;
    this.conn = conn;
    this.api = new DockerApi(conn);
    this.inventory = inventory;
    this.sink = sink;
    this.metrics = metrics;
    this.liveness = liveness;
    this.maxSilence = maxSilence;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Takes the engine's clock as the starting point, lists the inventory, then starts following events from that
   * point, so nothing that happens during start-up is missed.
   */
  @Override
  public void start() {
    long now = engineTimeNanos();
    engineClockOffsetNanos = now - wallNanos();
    lastTimeNano = position == null ? now : resumePoint(now);
    try {
      inventory.syncAll();
      assessRunning();
    } catch (RuntimeException e) {
      LOG.warn("cannot list containers yet ({}); will retry when the engine answers", e.getMessage());
      resyncNeeded = true;
    }
    savePosition(true);
    running.set(true);
    worker = Threads.start("vigil-docker-events-worker", this::workLoop);
    supervisor = Threads.start("vigil-docker-events", this::superviseLoop);
  }

  /** Where to follow events from: the saved position, or now with a notice for the gap that cannot be covered. */
  private long resumePoint(long nowNano) {
    EventsPosition.Resume r = position.resume(nowNano, maxGap);
    if (r.blind()) {
      LOG.warn("{}", r.message());
      sink.offer(new SensorNotice(Instant.ofEpochSecond(0, nowNano), ContainerRef.HOST, NAME, r.notice(),
          r.gap().toSeconds(), r.message()));
      metrics.counter("vigil.events.blind_starts", "sensor", NAME).increment();
    } else {
      LOG.info("{}", r.message());
    }
    replayUntilNano = r.replaying() ? nowNano : 0;
    return r.sinceNano();
  }

  /**
   * Every container running now, reported as a {@code start} event found at start, so configuration rules assess
   * it as if it had just started.
   */
  private void assessRunning() {
    startAssessed = true;
    Instant now = Instant.now();
    int n = 0;
    for (ContainerInfo c : inventory.running()) {
      if (assessedAtStart.assessAtStart(c)) {
        sink.offer(new ContainerLifecycle(now, c.ref(), NAME, "start", "", Map.of("name", c.ref().name(), "image",
            c.ref().image()), true));
        n++;
      }
    }
    LOG.info("assessed {} running containers as found at start", n);
  }

  /**
   * Saves the position: at once when {@code now}, else at most once a second when it moved and every ten seconds
   * when it did not. Never throws.
   */
  private void savePosition(boolean now) {
    long t = lastTimeNano;
    long at = System.nanoTime();
    if (position == null
        || (!now && at - savedAtNanos < (t != savedTimeNano ? SAVE_EVERY_NANOS : ALIVE_EVERY_NANOS))) {
      return;
    }
    try {
      position.write(t, wallNanos() + engineClockOffsetNanos, false);
      savedTimeNano = t;
      savedAtNanos = at;
    } catch (IOException | RuntimeException e) {
      metrics.counter("vigil.events.position_errors", "sensor", NAME).increment();
      LOG.debug("cannot save the events position to {}: {}", position.file(), e.toString());
    }
  }

  private static long wallNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private long engineTimeNanos() {
    try {
      String t = api.get("/info").path("SystemTime").asText("");
      Instant i = Instant.parse(t);
      return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    } catch (RuntimeException e) {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
  }

  /** How many times the stream was (re)opened; 1 after a clean start. */
  public long connects() {
    return connects;
  }

  /** True while the events stream is open. */
  public boolean connected() {
    return streamOpen;
  }

  private void superviseLoop() {
    // Only for errors while the engine answers; while it does not, it is probed at a fixed short interval, because
    // a back-off grown during a long outage delayed following events again by up to its cap (once 8.1 s).
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    while (running.get()) {
      try {
        if (!streamOpen) {
          if (!conn.ping()) {
            resyncNeeded = true;
            sleep(PROBE_WHILE_DOWN);
            continue;
          }
          boolean resync = resyncNeeded;
          // the stream first (since= loses nothing), then the re-listing, which can take long on a busy engine
          openStream();
          if (resync) {
            LOG.info("Docker engine answers; re-listing containers and resuming events");
            inventory.syncAll();
            if (!startAssessed) {
              assessRunning(); // the engine did not answer at start
            }
          }
          resyncNeeded = true;
          backoff.reset();
        }
        waitWhileOpen(liveness);
        if (!streamOpen) {
          continue;
        }
        boolean silent = System.nanoTime() - lastActivityNanos > maxSilence.toNanos();
        if (!conn.ping()) {
          LOG.warn("Docker engine does not answer ping; events stream presumed dead, reconnecting");
          closeStream();
        } else if (silent) {
          // A half-open connection delivers nothing and reports nothing; reopening with since= loses nothing, and
          // the engine answered the ping, so the inventory needs no re-listing (on an idle host that re-listing,
          // one inspect per container every few minutes, was most of the agent's idle cost).
          LOG.debug("events stream silent for {}; reopening", maxSilence);
          closeStream();
          resyncNeeded = false;
        }
      } catch (RuntimeException e) {
        LOG.warn("events supervisor: {}", e.toString());
        closeStream();
        sleep(backoff.next());
      }
    }
    closeStream();
  }

  private void openStream() {
    String since = formatSince(lastTimeNano);
    Callback cb = new Callback();
    synchronized (streamLock) {
      if (stream != null) {
        closeStream();
      }
      current = cb;
      streamOpen = true;
      lastActivityNanos = System.nanoTime();
      stream = conn.streams().eventsCmd().withSince(since).exec(cb);
      connects++;
    }
    LOG.info("following Docker events since {}", since);
  }

  private void closeStream() {
    synchronized (streamLock) {
      streamOpen = false;
      current = null;
      if (stream != null) {
        try {
          stream.close();
        } catch (Exception e) {
          LOG.debug("closing events stream: {}", e.toString());
        }
        stream = null;
      }
    }
  }

  static String formatSince(long timeNano) {
    return (timeNano / 1_000_000_000L) + "." + String.format("%09d", timeNano % 1_000_000_000L);
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (java.io.IOException e) {
      LOG.debug("closing stream: {}", e.toString());
    }
  }

  /** docker-java callback: translate nothing, do no I/O, only enqueue. */
  private final class Callback extends ResultCallback.Adapter<Event> {
    @Override
    public void onNext(Event e) {
      lastActivityNanos = System.nanoTime();
      if (!raw.offer(e)) {
        metrics.counter("vigil.events.dropped", "sensor", NAME).increment();
      }
    }

    @Override
    public void onError(Throwable t) {
      if (current == this) {
        if (running.get()) {
          LOG.warn("Docker events stream failed: {}", DockerConnection.rootMessage(t));
        }
        streamOpen = false;
        wake();
      }
      // Not super.onError: docker-java's default logs a stack trace; the supervisor reconnects.
      closeQuietly(this);
    }

    @Override
    public void onComplete() {
      if (current == this) {
        if (running.get()) {
          LOG.warn("Docker events stream ended (engine stopping or restarting?)");
        }
        streamOpen = false;
        wake();
      }
      super.onComplete();
    }
  }

  private void workLoop() {
    while (running.get() || !raw.isEmpty()) {
      Event e;
      try {
        e = raw.poll(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      savePosition(false);
      if (e == null) {
        continue;
      }
      try {
        handle(e);
      } catch (RuntimeException ex) {
        LOG.warn("cannot handle Docker event {} {}: {}", e.getType(), e.getAction(), ex.toString());
      }
    }
  }

  void handle(Event e) {
    long tn = e.getTimeNano() != null ? e.getTimeNano() : (e.getTime() == null ? 0 : e.getTime() * 1_000_000_000L);
    String action = e.getAction() != null ? e.getAction() : e.getStatus();
    String actorId = e.getActor() != null && e.getActor().getId() != null ? e.getActor().getId() : e.getId();
    if (tn < lastTimeNano - 1_000_000_000L || !remember(tn + "|" + actorId + "|" + action)) {
      return; // replayed by since=
    }
    if (tn > lastTimeNano) {
      lastTimeNano = tn;
    }
    boolean replayed = tn < replayUntilNano;
    Instant time = Instant.ofEpochSecond(0, tn);
    Map<String, String> attrs = e.getActor() != null && e.getActor().getAttributes() != null
        ? e.getActor().getAttributes() : Map.of();
    String type = e.getType() != null ? e.getType().getValue() : "container";
    String verb = action == null ? "" : action;
    String detail = "";
    int colon = verb.indexOf(':');
    if (colon >= 0) {
      detail = verb.substring(colon + 1).trim();
      verb = verb.substring(0, colon).trim();
    }
    if (!"container".equals(type)) {
      String cid = attrs.get("container");
      ContainerRef ref = cid != null ? refFor(cid, Map.of()) : ContainerRef.HOST;
      sink.offer(new EngineEvent(time, ref, NAME, type, verb, actorId == null ? "" : actorId, attrs));
      return;
    }
    if (REFRESH_ON.contains(verb) && !replayed) {
      // (not for a replayed event: the inventory was listed at start, after it; its container is current or gone,
      // and one inspect per replayed event delayed live events by tens of seconds on a host with much churn)
      refreshQuietly(actorId);
    }
    if ("start".equals(verb) && alreadyAssessed(actorId)) {
      return; // this run of the container was assessed at start; the replay of its start adds nothing
    }
    ContainerRef ref = refFor(actorId, attrs);
    sink.offer(new ContainerLifecycle(time, ref, NAME, verb, detail, attrs, replayed));
    if ("exec_start".equals(verb)) {
      execEvent(time, ref, attrs.getOrDefault("execID", ""), detail)
          .map(p -> replayed ? p.asFoundAtStart() : p).ifPresent(sink::offer);
    } else if ("destroy".equals(verb)) {
      inventory.removed(actorId);
      assessedAtStart.removed(actorId);
    }
  }

  private boolean alreadyAssessed(String id) {
    Optional<ContainerInfo> c = inventory.find(id);
    if (c.isPresent() && assessedAtStart.alreadyAssessed(c.get())) {
      metrics.counter("vigil.events.start_deduplicated", "sensor", NAME).increment();
      return true;
    }
    return false;
  }

  private void refreshQuietly(String id) {
    try {
      inventory.refresh(id);
    } catch (RuntimeException ex) {
      LOG.debug("inspect {} failed: {}", id, ex.toString());
    }
  }

  private ContainerRef refFor(String id, Map<String, String> attrs) {
    Optional<ContainerInfo> known = inventory.find(id);
    if (known.isPresent()) {
      return known.get().ref();
    }
    if (attrs.containsKey("name") && attrs.containsKey("image")) {
      ImageName img = ImageName.parse(attrs.get("image"));
      return new ContainerRef(id, attrs.get("name"), img.repository(), img.tag(), img.digest());
    }
    return ContainerRef.unresolved(id);
  }

  /**
   * The process a {@code docker exec} started, from the exec's own record (exact argv, user, tty); a HEALTHCHECK
   * probe is recognised by its command matching the container's configured health test.
   */
  private Optional<ProcessExec> execEvent(Instant time, ContainerRef ref, String execId, String detail) {
    List<String> argv = new ArrayList<>();
    String user = "";
    boolean tty = false;
    long pid = 0;
    try {
      JsonNode x = api.get("/exec/" + execId + "/json");
      JsonNode pc = x.path("ProcessConfig");
      argv.add(pc.path("entrypoint").asText(""));
      argv.addAll(InspectMapper.strings(pc.path("arguments")));
      user = pc.path("user").asText("");
      tty = pc.path("tty").asBoolean(false);
      pid = x.path("Pid").asLong(0);
    } catch (RuntimeException ex) {
      argv.clear();
      for (String part : detail.split("\\s+")) {
        if (!part.isEmpty()) {
          argv.add(part);
        }
      }
    }
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      return Optional.empty();
    }
    ExecOrigin origin = isHealthcheck(ref.id(), String.join(" ", argv)) ? ExecOrigin.HEALTHCHECK
        : ExecOrigin.DOCKER_EXEC;
    String name = baseName(argv.get(0));
    String exe = argv.get(0).startsWith("/") ? argv.get(0) : "";
    return Optional.of(new ProcessExec(time, ref, NAME, pid, 0, name, exe, argv, -1, user, tty ? "pts" : "",
        origin, execId));
  }

  private boolean isHealthcheck(String containerId, String command) {
    Optional<ContainerInfo> c = inventory.find(containerId);
    if (c.isEmpty() || c.get().healthcheck().isEmpty()) {
      return false;
    }
    return command.equals(healthcheckCommand(c.get().healthcheck()));
  }

  /** The engine's command line for a HEALTHCHECK test; see {@link ContainerInfo#healthcheckCommand(List)}. */
  static String healthcheckCommand(List<String> test) {
    return ContainerInfo.healthcheckCommand(test);
  }


  private boolean remember(String key) {
    if (!recentKeys.add(key)) {
      return false;
    }
    if (recentKeys.size() > DEDUP_KEYS) {
      var it = recentKeys.iterator();
      it.next();
      it.remove();
    }
    return true;
  }

  private static String baseName(String p) {
    int slash = p.lastIndexOf('/');
    return slash >= 0 ? p.substring(slash + 1) : p;
  }

  /** Sleeps up to {@code d}, waking early when the stream closes so reconnection starts at once. */
  /**
   * Waits up to {@code d} while the stream is open; returns at once when a callback reports the stream closed or
   * {@link #close} runs (they {@link #wake} it), so an idle agent wakes once per liveness interval, not ten times a
   * second.
   */
  private void waitWhileOpen(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    synchronized (wakeUp) {
      while (streamOpen && running.get()) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          wakeUp.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running.set(false);
          return;
        }
      }
    }
  }

  private void wake() {
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  @Override
  public void close() {
    if (!running.getAndSet(false)) {
      return;
    }
    wake();
    closeStream();
    for (Thread t : new Thread[] {supervisor, worker}) {
      if (t != null) {
        t.interrupt();
        try {
          t.join(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (position != null) {
      try {
        position.write(lastTimeNano, wallNanos() + engineClockOffsetNanos, true);
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot save the events position to {}: {}", position.file(), e.toString());
      }
    }
  }
}
