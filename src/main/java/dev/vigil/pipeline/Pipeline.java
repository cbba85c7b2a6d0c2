package dev.vigil.pipeline;

import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.Event;
import dev.vigil.event.EventSink;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue between sensors and the engine, drained by one dispatch thread. {@link #offer} never blocks:
 * when the queue is full the event is dropped and counted per sensor ({@code vigil.events.dropped}); accepted
 * events are counted in {@code vigil.events.in}. The handler runs on the dispatch thread only; anything it throws
 * (an Error such as a stack overflow on hostile input included) is logged and counted, never fatal: a dead
 * dispatch thread would blind the agent silently. Events offered before {@link #start()} or after
 * {@link #close()} count as dropped. Thread-safe.
 */
public final class Pipeline implements EventSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final java.util.concurrent.ConcurrentMap<String, Counter[]> perSensor =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final BlockingQueue<Event> queue;
  private final Consumer<Event> handler;
  private final Metrics metrics;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final Thread dispatcher;
  private volatile boolean running;
  private final java.time.Clock clock;
  private long reportedDrops;
  private long lastDropNotice = Long.MIN_VALUE / 2;

  public Pipeline(int capacity, Consumer<Event> handler, Metrics metrics) {
    this(capacity, handler, metrics, java.time.Clock.systemUTC());
  }

  /**
   * @param clock stamps the drop notices the dispatch thread raises (at most one a second) when events were dropped
   */
  public Pipeline(int capacity, Consumer<Event> handler, Metrics metrics, java.time.Clock clock) {
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.handler = handler;
    this.metrics = metrics;
    this.dispatcher = Threads.daemon("vigil-dispatch", this::dispatchLoop);
  }

  public void start() {
    running = true;
    dispatcher.start();
  }

  @Override
  public boolean offer(Event event) {
    Counter[] c = perSensor.get(event.sensor());
    if (c == null) { // both counters exist from a sensor's first event, so a scrape shows drops at 0, not absent
      c = perSensor.computeIfAbsent(event.sensor(), s -> new Counter[] {
          metrics.counter("vigil.events.in", "sensor", s), metrics.counter("vigil.events.dropped", "sensor", s)});
    }
    if (running && queue.offer(event)) {
      c[0].increment();
      return true;
    }
    dropped.incrementAndGet();
    c[1].increment();
    return false;
  }

  private void dispatchLoop() {
    while (running || !queue.isEmpty()) {
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
   */
  private void reportDrops() {
    long d = dropped.get();
    long now = clock.millis();
    if (d > reportedDrops && now - lastDropNotice >= 1000) {
      long delta = d - reportedDrops;
      reportedDrops = d;
      lastDropNotice = now;
      try {
        handler.accept(new dev.vigil.event.SensorNotice(clock.instant(), dev.vigil.event.ContainerRef.HOST,
            "pipeline", "dropped", delta, "event queue full (capacity " + (queue.size() + queue.remainingCapacity())
                + "); " + delta + " events dropped"));
      } catch (RuntimeException ex) {
        LOG.warn("drop notice failed: {}", ex.toString());
      }
    }
  }

  /** Events waiting in the queue now. */
  public int depth() {
    return queue.size();
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
