package dev.vigil.pipeline;

import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.Event;
import dev.vigil.event.EventSink;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between sensors and the engine, drained by one dispatch thread. Events wait in lanes, one per
 * container and one for the host ({@link LaneQueue}), which the dispatch thread serves round-robin, one event per
 * lane per turn: a container flooding the agent makes its own lane long, not the others' wait, and each
 * container's events are handled in the order they were offered. A lane holds at most {@code laneCapacity} events
 * and all lanes together at most {@code capacity}.
 *
 * <p>{@link #offer} never blocks: when the event's lane or the whole queue is full the event is dropped and counted
 * per sensor ({@code vigil.events.dropped}; those refused by a full lane also in {@code vigil.events.lane_dropped});
 * accepted events are counted in {@code vigil.events.in}. The handler runs on the dispatch thread only; anything it
 * throws (an Error such as a stack overflow on hostile input included) is logged and counted, never fatal: a dead
 * dispatch thread would blind the agent silently. Events offered before {@link #start()} or after
 * {@link #close()} count as dropped. Thread-safe.
 */
public final class Pipeline implements EventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final int LANE_SHARE = 4;

  private final java.util.concurrent.ConcurrentMap<String, Counter[]> perSensor =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final LaneQueue<Event> queue;
  private final DropTally droppers = new DropTally();
  private final Consumer<Event> handler;
  private final Metrics metrics;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong laneDropped = new AtomicLong();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Thread dispatcher;
  private volatile boolean running;
  private final java.time.Clock clock;
  private long reportedDrops;
  private long reportedLaneDrops;
  private long lastDropNotice = Long.MIN_VALUE / 2;

  public Pipeline(int capacity, Consumer<Event> handler, Metrics metrics) {
    this(capacity, handler, metrics, java.time.Clock.systemUTC());
  }

  /**
   * @param clock stamps the drop notices the dispatch thread raises (at most one a second) when events were dropped
   */
  public Pipeline(int capacity, Consumer<Event> handler, Metrics metrics, java.time.Clock clock) {
    this(capacity, laneCapacityFor(capacity), handler, metrics, clock);
  }

  /**
   * @param capacity the most events waiting, all containers together
   * @param laneCapacity the most events of one container (or of the host) waiting; at most {@code capacity}
   * @param clock stamps the drop notices the dispatch thread raises (at most one a second) when events were dropped
   */
  public Pipeline(int capacity, int laneCapacity, Consumer<Event> handler, Metrics metrics, java.time.Clock clock) {
    this.clock = clock;
    this.queue = new LaneQueue<>(capacity, laneCapacity);
    this.handler = handler;
    this.metrics = metrics;
    this.dispatcher = Threads.daemon("vigil-dispatch", this::dispatchLoop);
  }

  /**
   * A lane's share of the queue when none is given: a quarter (16,384 of the default 65,536), so at least four
   * containers must fill their lanes at once before a quiet container loses an event, and one container's burst of
   * 10,000 log lines on an idle agent is not cut (an eighth was: AlertDeliveryIT lost part of its burst).
   */
  public static int laneCapacityFor(int capacity) {
    return Math.max(1, capacity / LANE_SHARE);
  }

  public void start() {
    running = true;
    dispatcher.start();
  }

  @Override
  public boolean offer(Event event) {
    Counter[] c = perSensor.get(event.sensor());
    if (c == null) { // the counters exist from a sensor's first event, so a scrape shows drops at 0, not absent
      c = perSensor.computeIfAbsent(event.sensor(), s -> new Counter[] {
          metrics.counter("vigil.events.in", "sensor", s), metrics.counter("vigil.events.dropped", "sensor", s),
          metrics.counter("vigil.events.lane_dropped", "sensor", s)});
    }
    String lane = event.container().id(); // the host's is "host", which no container id is
    LaneQueue.Outcome outcome = running ? queue.offer(lane, event) : LaneQueue.Outcome.QUEUE_FULL;
    if (outcome == LaneQueue.Outcome.ACCEPTED) {
      c[0].increment();
      return true;
    }
    if (outcome == LaneQueue.Outcome.LANE_FULL) {
      laneDropped.incrementAndGet();
      c[2].increment();
    }
    droppers.record(lane);
    dropped.incrementAndGet();
    c[1].increment();
    return false;
  }

  private void dispatchLoop() {
    while (running || queue.size() > 0) {
      Event e;
      try {
        e = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        break;
      }
      reportDrops();
      if (e == null) {
        continue;
      }
      try {
        handler.accept(e);
        handled.incrementAndGet();
      } catch (Throwable ex) { // NOPMD: the one dispatch thread must outlive any handler failure, even an Error
        failures.incrementAndGet();
        LOG.warn("event handler failed on {} from {}: {}", e.kind(), e.sensor(), ex.toString(), ex);
      }
    }
  }

  /**
   * Drops must not go unseen: the dispatch thread (which owns the handler) raises a SensorNotice "dropped" with the
   * count since the last one, at most once a second, straight to the handler since the queue is what overflowed.
   * Its message names the container (or the host) that lost the most events since the last notice.
   */
  private void reportDrops() {
    long d = dropped.get();
    long now = clock.millis();
    if (d > reportedDrops && now - lastDropNotice >= 1000) {
      long delta = d - reportedDrops;
      long laneDelta = laneDropped.get() - reportedLaneDrops;
      reportedDrops = d;
      reportedLaneDrops += laneDelta;
      lastDropNotice = now;
      try {
        handler.accept(new dev.vigil.event.SensorNotice(clock.instant(), dev.vigil.event.ContainerRef.HOST,
            "pipeline", "dropped", delta, dropMessage(delta, laneDelta, droppers.takeTop())));
      } catch (RuntimeException ex) {
        LOG.warn("drop notice failed: {}", ex.toString());
      }
    }
  }

  private String dropMessage(long delta, long laneDelta, DropTally.Top top) {
    String most = top == null ? ""
        : "; most from " + (dev.vigil.event.ContainerRef.HOST.id().equals(top.lane()) ? "the host"
            : "container " + dev.vigil.event.ContainerRef.unresolved(top.lane()).shortId()) + " (" + top.count() + ")";
    return delta + " events dropped from the event queue (capacity " + queue.capacity() + ", "
        + queue.laneCapacity() + " per container; " + laneDelta + " of them at their container's limit)" + most;
  }

  /** Events waiting in the queue now, all lanes together. */
  public int depth() {
    return queue.size();
  }

  /** Containers (and the host) with events waiting now: the lanes the dispatch thread takes turns over. */
  public int lanes() {
    return queue.lanes();
  }

  /** Events dropped because their container's lane was full (a part of {@link #dropped()}). */
  public long laneDropped() {
    return laneDropped.get();
  }

  public long dropped() {
    return dropped.get();
  }

  public long handled() {
    return handled.get();
  }

  public long failures() {
    return failures.get();
  }

  /** Stops accepting events, drains what is queued (waiting at most {@code drainTimeout}) and stops. */
  public void close(Duration drainTimeout) {
    running = false;
    try {
      dispatcher.join(drainTimeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (dispatcher.isAlive()) {
      LOG.warn("pipeline did not drain within {}; {} events left", drainTimeout, queue.size());
      dispatcher.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
