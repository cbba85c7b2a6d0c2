package dev.vigil.sensor.docker;

import dev.vigil.common.DurationText;
import dev.vigil.event.SensorNotice;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.LogLine;
import dev.vigil.sensor.Inventory;
import dev.vigil.sensor.Sensor;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the output of every running container: one log stream per container on the streams connection pool,
 * attached when the inventory reports it started and closed when it stops. stdout and stderr (demultiplexed by
 * docker-java; a TTY container's single stream counts as stdout) are split into lines, each cut at
 * {@code maxLineBytes} (cut lines counted in {@code vigil.log.truncated}) and decoded leniently as UTF-8.
 * Containers already running when the agent starts are followed from now on; containers that start later are
 * followed from their start, so their first lines are not missed. Thread-safe.
 *
 * <p>Streams are read with the engine's timestamps ({@link StampedLines}), so each container's lag (read time minus
 * stamp) is known ({@link #lags()}, the gauge {@code vigil.log.lag{container}}). A container whose lag passes
 * {@code maxLag} is not allowed to queue up behind: its stream is closed and reopened from now, the time skipped is
 * counted ({@code vigil.log.skipped.ms}, a row of the loss ledger) and a {@link SensorNotice} {@code skipped} names
 * the container, so the "Sensor lost events" rule alerts on it.
 */
public final class DockerLogsSensor implements Sensor, Inventory.Listener {

  public static final String NAME = "docker.logs";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.engine(NAME, "every running container's output lines, followed through the Engine API",
      Set.of(Capability.LOG));
  private static final Logger LOG = LoggerFactory.getLogger(DockerLogsSensor.class);

  /** The default of {@code --max-log-lag}. */
  public static final Duration DEFAULT_MAX_LAG = Duration.ofSeconds(10);

  /**
   * One followed container's lag, for status.json.
   *
   * @param lagMillis how far behind its newest message was read
   * @param skippedMillis output skipped since the agent started, because the lag passed the bound
   * @param sheds how many times that happened
   */
  public record Lag(String container, long lagMillis, long skippedMillis, long sheds) {}

  private final DockerConnection conn;
  private final DockerInventory inventory;
  private final EventSink sink;
  private final Clock clock;
  private final Metrics metrics;
  private final int maxLineBytes;
  private final Map<String, Follow> follows = new ConcurrentHashMap<>();
  private volatile boolean running;
  private volatile String own;
  private volatile Instant startedAt;
  private final Duration maxLag;
  private final Map<String, LogLag> lags = new ConcurrentHashMap<>();
  private final Map<String, Gauge> lagGauges = new ConcurrentHashMap<>();
  private final java.util.concurrent.ScheduledExecutorService retries =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-docker.logs-retry"));

  public DockerLogsSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock,
      int maxLineBytes, Metrics metrics) {
    this(conn, inventory, sink, clock, maxLineBytes, metrics, DEFAULT_MAX_LAG);
  }

  /** @param maxLag how far behind a container's log stream may fall before its backlog is skipped */
  public DockerLogsSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock,
      int maxLineBytes, Metrics metrics, Duration maxLag) {
    this.maxLag = maxLag;
    this.conn = conn;
    this.inventory = inventory;
    this.sink = sink;
    this.clock = clock;
    this.maxLineBytes = maxLineBytes;
    this.metrics = metrics;
  }

  /**
   * Leaves the agent's own container alone: its stdout carries the alerts, which would come back as log lines and
   * raise alerts about themselves. Call before {@link #start()}.
   *
   * @param id the full id of the container the agent runs in, or null on the host
   */
  public DockerLogsSensor withoutOwnContainer(String id) {
    this.own = id;
    return this;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void start() {
    running = true;
    startedAt = clock.instant();
    inventory.addListener(this);
    for (ContainerInfo c : inventory.running()) {
      started(c);
    }
  }

  @Override
  public void started(ContainerInfo c) {
    if (!running) {
      return;
    }
    if (c.ref().id().equals(own)) {
      LOG.info("not following the logs of {}: the agent runs in it (its alerts would be read back)", c.ref().name());
      return;
    }
    follow(c, c.startedAt().isAfter(startedAt) ? (int) c.startedAt().getEpochSecond() : -1);
  }

  /** Opens a follow from {@code sinceSecond} (epoch seconds), or from now when it is negative. */
  private void follow(ContainerInfo c, int sinceSecond) {
    String id = c.ref().id();
    Follow f = new Follow(c.ref());
    Follow before = follows.put(id, f);
    if (before != null) {
      before.close();
    }
    lags.computeIfAbsent(id, k -> new LogLag(maxLag.toNanos()));
    lagGauges.computeIfAbsent(id, k -> Gauge.builder("vigil.log.lag", this, s -> s.lagSeconds(k))
        .description("How far behind the container's log stream is read (docs/LOSSES.md)").baseUnit("seconds")
        .tag("container", c.ref().name()).register(metrics.registry()));
    var cmd = conn.streams().logContainerCmd(id).withFollowStream(true).withStdOut(true).withStdErr(true)
        .withTimestamps(true);
    if (sinceSecond >= 0) {
      // Started after us (or failed): read from then so no line is lost (since= has 1 s resolution).
      cmd = cmd.withSince(sinceSecond);
    } else {
      cmd = cmd.withTail(0);
    }
    try {
      cmd.exec(f);
    } catch (RuntimeException e) {
      follows.remove(id, f);
      LOG.warn("cannot follow logs of {}: {}", c.ref().name(), DockerConnection.rootMessage(e));
    }
  }

  @Override
  public void stopped(ContainerInfo c) {
    // Nothing to do: the engine ends a follow when its container stops, after the last lines it wrote, and
    // onComplete forgets the stream then. A restart is a new start(), which replaces any stream still open.
  }

  /**
   * Follows a container again after its stream failed, from the second the failure happened (lines of that
   * second may arrive twice; none are lost), if it is still running and nothing else reattached it meanwhile.
   */
  private void retry(String id, Instant since) {
    retries.schedule(() -> {
      if (!running || follows.containsKey(id)) {
        return;
      }
      inventory.find(id).filter(ContainerInfo::running).ifPresent(c -> follow(c, (int) since.getEpochSecond()));
    }, 2, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Each followed container's lag, by container name. */
  public List<Lag> lags() {
    List<Lag> out = new ArrayList<>();
    for (Follow f : follows.values()) {
      LogLag l = lags.get(f.ref.id());
      if (l != null) {
        out.add(new Lag(f.ref.name(), l.lagMillis(), l.skippedMillis(), l.sheds()));
      }
    }
    out.sort(Comparator.comparing(Lag::container));
    return out;
  }

  private double lagSeconds(String id) {
    LogLag l = lags.get(id);
    return l == null || !follows.containsKey(id) ? 0 : l.lagMillis() / 1000.0;
  }

  /**
   * The follow fell more than {@code maxLag} behind: it is closed and the container followed again from now, the
   * skipped time counted and noticed. Runs on the stream's callback thread; the reopen on the retry thread.
   */
  private void shed(Follow f, LogLag lag, long skippedMillis) {
    f.shed = true;
    f.close();
    metrics.counter("vigil.log.skipped.ms", "sensor", NAME).increment(skippedMillis);
    metrics.counter("vigil.log.sheds", "sensor", NAME).increment();
    String msg = "logs of " + f.ref.name() + " were read " + DurationText.format(Duration.ofMillis(skippedMillis))
        + " behind (bound " + DurationText.format(maxLag) + "); " + skippedMillis + " ms of output skipped, "
        + "following from now (" + lag.sheds() + " times so far)";
    if (lag.sheds() == 1) {
      LOG.warn("{}", msg);
    }
    sink.offer(new SensorNotice(clock.instant(), f.ref, NAME, "skipped", skippedMillis, msg));
    retries.execute(() -> {
      String id = f.ref.id();
      if (follows.get(id) != f) {
        return; // reattached meanwhile (a restart)
      }
      java.util.Optional<ContainerInfo> c = running ? inventory.find(id).filter(ContainerInfo::running)
          : java.util.Optional.empty();
      if (c.isPresent()) {
        follow(c.get(), -1);
      } else {
        forget(id, f);
      }
    });
  }

  /** The container's stream ended for good: its entry, lag and gauge go. */
  private void forget(String id, Follow f) {
    if (follows.remove(id, f)) {
      dropLag(id);
    }
  }

  /** The lag and its gauge go with the container's last follow. */
  private void dropLag(String id) {
    if (!follows.containsKey(id)) {
      lags.remove(id);
      Gauge g = lagGauges.remove(id);
      if (g != null) {
        metrics.registry().remove(g);
      }
    }
  }

  /** Number of containers whose logs are followed now. */
  public int following() {
    return follows.size();
  }

  /** One container's log stream; callbacks come from one docker-java thread, so the splitters need no lock. */
  private final class Follow extends ResultCallback.Adapter<Frame> {
    final ContainerRef ref;
    final StampedLines out = new StampedLines(maxLineBytes);
    final StampedLines err = new StampedLines(maxLineBytes);
    /** Set when the backlog was skipped: frames still in flight are not read. */
    volatile boolean shed;

    Follow(ContainerRef ref) {
      this.ref = ref;
    }

    @Override
    public void onNext(Frame frame) {
      if (shed) {
        return;
      }
      try {
        boolean isErr = frame.getStreamType() == StreamType.STDERR;
        StampedLines s = isErr ? err : out;
        LogLine.Stream which = isErr ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
        long cutBefore = s.truncatedLines();
        s.feed(frame.getPayload(), frame.getStreamType() != StreamType.RAW, line -> emit(which, line));
        if (s.truncatedLines() > cutBefore) {
          metrics.counter("vigil.log.truncated", "sensor", NAME).increment(s.truncatedLines() - cutBefore);
        }
        LogLag lag = lags.get(ref.id());
        Instant now = clock.instant();
        long skipped = lag == null ? 0
            : lag.observe(s.lastStampNanos(), now.getEpochSecond() * 1_000_000_000L + now.getNano());
        if (skipped > 0) {
          shed(this, lag, skipped / 1_000_000);
        }
      } catch (RuntimeException e) {
        LOG.debug("log frame of {} dropped: {}", ref.name(), e.toString());
        metrics.counter("vigil.events.dropped", "sensor", NAME).increment();
      }
    }

    private void emit(LogLine.Stream which, LineSplitter.Line line) {
      sink.offer(new LogLine(clock.instant(), ref, NAME, which, line.text(), line.truncated(), line.originalBytes()));
    }

    @Override
    public void onComplete() {
      if (shed) {
        return; // closed on purpose; shed() follows the container again
      }
      out.flush(line -> emit(LogLine.Stream.STDOUT, line));
      err.flush(line -> emit(LogLine.Stream.STDERR, line));
      forget(ref.id(), this);
      super.onComplete();
    }

    @Override
    public void onError(Throwable t) {
      if (shed) {
        return;
      }
      out.flush(line -> emit(LogLine.Stream.STDOUT, line));
      err.flush(line -> emit(LogLine.Stream.STDERR, line));
      boolean mine = follows.remove(ref.id(), this);
      DockerEventsSensor.closeQuietly(this); // not super.onError: that logs a stack trace
      if (t instanceof com.github.dockerjava.api.exception.NotFoundException) {
        // removed meanwhile (e.g. while the agent started): nothing to follow again
        LOG.debug("log stream of {} ended: the container is gone", ref.name());
        dropLag(ref.id());
        return;
      }
      if (running && mine) {
        metrics.counter("vigil.log.stream_errors", "sensor", NAME).increment();
        LOG.warn("log stream of {} failed ({}); following it again", ref.name(), DockerConnection.rootMessage(t));
        retry(ref.id(), clock.instant());
      }
    }

    @Override
    public void close() {
      try {
        super.close(); // closes the HTTP stream docker-java handed to onStart
      } catch (java.io.IOException e) {
        LOG.debug("closing log stream of {}: {}", ref.name(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    retries.shutdownNow();
    for (Follow f : follows.values()) {
      f.close();
    }
    follows.clear();
    lagGauges.values().forEach(metrics.registry()::remove);
    lagGauges.clear();
  }
}
