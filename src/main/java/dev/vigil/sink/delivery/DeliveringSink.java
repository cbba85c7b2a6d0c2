package dev.vigil.sink.delivery;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.common.Backoff;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to one {@link Destination} without losing them: the at-least-once delivery layer every network
 * sink shares.
 *
 * <pre>
 *  engine thread ──accept──► memory queue ──vigil-spool-NAME──► disk spool ──vigil-deliver-NAME──► destination
 *   (never blocks)          (bounded: full =     (appends,          (batches of maxBatch, timeout,
 *                            counted drop)        fsync policy)      retry with back-off, then ack)
 * </pre>
 *
 * <p>{@link #accept} filters by minimum priority, wraps the alert in an {@link Envelope} under the alert's own id
 * (the one every sink shows; a fresh one for an alert without, as when this sink is used on its own), which is its
 * idempotency id, kept with it through retries, restarts and replays, and offers it to a bounded in-memory queue: it
 * never waits for the disk or the network. The queue only holds what the spool writer has not yet written, normally a
 * handful; it fills only when the disk stalls, and then alerts are dropped and counted ({@code vigil.sink.dropped}).
 * The spool writer appends to the {@link Spool}; the delivery thread reads batches from it, calls the destination
 * (each call bounded by the timeout, enforced here whatever the destination does), and acknowledges the batch in the
 * spool only after the destination did. Retryable failures are retried with exponential back-off and jitter (or the
 * destination's {@code Retry-After}, a {@link RetryAfter} cause) until they succeed; a non-retryable failure is
 * logged without secrets, counted ({@code vigil.sink.failed}) and skipped. Whatever is in the spool at start (a
 * previous run's outage, crash or restart) is delivered before anything new.
 *
 * <p>When the spool passes 80 % of its bound, one "Alert spool filling" alert (priority Error, source
 * {@code vigil}) is sent through {@link #setAlertPath the normal alert path}, so other sinks report that this one
 * is stuck; it is sent again only after the spool went below 50 %.
 *
 * <p>Metrics, all tagged {@code sink=<name>}: {@code vigil.sink.delivered}, {@code vigil.sink.failed},
 * {@code vigil.sink.retries}, {@code vigil.sink.dropped}, {@code vigil.sink.spool.dropped},
 * {@code vigil.sink.spool.corrupt_bytes}, timer {@code vigil.sink.latency} (successful calls), gauges
 * {@code vigil.sink.queue}, {@code vigil.sink.spool.records}, {@code vigil.sink.spool.bytes}.
 *
 * <p>Thread-safe: {@link #accept} may be called from any thread.
 */
public final class DeliveringSink implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveringSink.class);

  /** The rule name of the alert sent when a spool is filling. */
  public static final String SPOOL_FILLING_RULE = "Alert spool filling";
  private static final int WRITE_GROUP = 512;
  private static final Duration TIMEOUT_GRACE = Duration.ofSeconds(1);
  private static final Duration WRITER_GRACE = Duration.ofSeconds(2);
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Destination destination;
  private final String name;
  private final DeliveryOptions options;
  private final Clock clock;
  private final Spool spool;
  private final ArrayBlockingQueue<Envelope> queue;
  private final Thread writer;
  private final Thread deliverer;
  private final ExecutorService caller;
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch writerDone = new CountDownLatch(1);
  private final CountDownLatch delivererDone = new CountDownLatch(1);
  /** Counted down when delivery must stop: ends back-off waits at once. */
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile boolean stopDelivery;
  private volatile AlertSink alertPath;
  private volatile String lastError;

  private final Counter delivered;
  private final Counter failed;
  private final Counter retries;
  private final Counter dropped;
  private final Timer latency;

  /** Status of one delivering sink, for {@code vigil status}. */
  public record State(String name, int queued, long spoolRecords, long spoolBytes, long delivered, long failed,
      long dropped, String lastError) {}

  /**
   * Opens the destination's spool under {@code spoolRoot/<name>} (recovering a previous run's) and prepares the
   * threads; {@link #start} starts them.
   *
   * @throws UncheckedIOException when the spool directory cannot be used, with the path in the message
   */
  public DeliveringSink(Destination destination, DeliveryOptions options, Path spoolRoot, Metrics metrics,
      Clock clock) {
    this.destination = destination;
    this.name = destination.name();
    this.options = options;
    this.clock = clock;
    Path dir = spoolRoot.resolve(directoryName(name));
    try {
      this.spool = Spool.open(dir, options.spoolMaxBytes(), options.fsync(), Duration.ofSeconds(1),
          this::spoolFilling);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the alert spool of sink " + name + " at " + dir + ": "
          + e.getMessage(), e);
    }
    this.queue = new ArrayBlockingQueue<>(options.queue());
    MeterRegistry reg = metrics.registry();
    this.delivered = metrics.counter("vigil.sink.delivered", "sink", name);
    this.failed = metrics.counter("vigil.sink.failed", "sink", name);
    this.retries = metrics.counter("vigil.sink.retries", "sink", name);
    this.dropped = metrics.counter("vigil.sink.dropped", "sink", name);
    this.latency = Timer.builder("vigil.sink.latency").tag("sink", name)
        .description("time of one successful delivery call").register(reg);
    FunctionCounter.builder("vigil.sink.spool.dropped", spool, Spool::droppedRecords).tag("sink", name)
        .description("undelivered alerts dropped to keep the spool within its bound").register(reg);
    FunctionCounter.builder("vigil.sink.spool.corrupt_bytes", spool, Spool::corruptBytes).tag("sink", name)
        .register(reg);
    Gauge.builder("vigil.sink.queue", queue, ArrayBlockingQueue::size).tag("sink", name).register(reg);
    Gauge.builder("vigil.sink.spool.records", spool, Spool::depthRecords).tag("sink", name).register(reg);
    Gauge.builder("vigil.sink.spool.bytes", spool, Spool::depthBytes).tag("sink", name).register(reg);
    this.writer = Threads.daemon("vigil-spool-" + name, this::writeLoop);
    this.deliverer = Threads.daemon("vigil-deliver-" + name, this::deliverLoop);
    this.caller = Executors.newSingleThreadExecutor(Threads.daemon("vigil-call-" + name));
  }

  /** A directory name for a sink name: {@code webhook:siem} becomes {@code webhook_siem}; never "." or "..". */
  static String directoryName(String sinkName) {
    return sinkName.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** Where the "Alert spool filling" alert goes: the head of the alert path (aggregation, then every sink). */
  public void setAlertPath(AlertSink path) {
    this.alertPath = path;
  }

  public void start() {
    if (started.compareAndSet(false, true)) {
      long replay = spool.depthRecords();
      if (replay > 0) {
        LOG.info("sink {}: delivering {} alerts left in its spool first", name, replay);
      }
      writer.start();
      deliverer.start();
    }
  }

  public String name() {
    return name;
  }

  @Override
  public void accept(Alert alert) {
    if (!alert.priority().atLeast(options.minPriority())) {
      return;
    }
    if (stopping) {
      dropped.increment();
      return;
    }
    if (!queue.offer(Envelope.of(alert))) {
      dropped.increment();
    }
  }

  // ---------------------------------------------------------------------------------------------- spool writer

  private void writeLoop() {
    List<Envelope> group = new ArrayList<>(WRITE_GROUP);
    List<byte[]> records = new ArrayList<>(WRITE_GROUP);
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    try {
      while (true) {
        if (group.isEmpty()) {
          Envelope first = queue.poll(200, TimeUnit.MILLISECONDS);
          if (first == null) {
            if (stopping && queue.isEmpty()) {
              return;
            }
            syncQuietly();
            continue;
          }
          group.add(first);
          queue.drainTo(group, WRITE_GROUP - 1);
          records.clear();
          for (Envelope e : group) {
            records.add(EnvelopeCodec.encode(e));
          }
        }
        try {
          spool.append(records);
          group.clear();
          backoff.reset();
        } catch (IOException e) {
          // Keep the group and try again: the queue fills meanwhile and drops are counted there.
          LOG.error("sink {}: cannot write its spool ({}); retrying", name, e.toString());
          if (stopping) {
            dropped.increment(group.size());
            LOG.error("sink {}: {} alerts not spooled at shutdown", name, group.size());
            return;
          }
          Thread.sleep(backoff.next().toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.error("sink {}: spool writer failed", name, e);
    } finally {
      writerDone.countDown();
    }
  }

  private void syncQuietly() {
    try {
      spool.syncIfDue();
    } catch (IOException e) {
      LOG.warn("sink {}: cannot force its spool to disk: {}", name, e.toString());
    }
  }

  private void spoolFilling(long bytes, long maxBytes, long records) {
    long pct = bytes * 100 / maxBytes;
    String text = "Alert spool filling (sink=" + name + " spool=" + pct + "% of " + maxBytes + " bytes, "
        + records + " alerts waiting; the destination is not acknowledging, the oldest alerts will be dropped at "
        + "100%)";
    LOG.warn("{}", text);
    AlertSink path = alertPath;
    if (path == null) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("vigil.sink", name);
    fields.put("vigil.spool.bytes", bytes);
    fields.put("vigil.spool.max_bytes", maxBytes);
    fields.put("vigil.spool.records", records);
    fields.put("vigil.sink.last_error", lastError);
    try {
      path.accept(new Alert(clock.instant(), SPOOL_FILLING_RULE, Priority.ERROR, text, "vigil",
          List.of("vigil", "delivery"), fields));
    } catch (RuntimeException e) {
      LOG.error("sink {}: cannot send the spool-filling alert: {}", name, e.toString());
    }
  }

  // ---------------------------------------------------------------------------------------------- delivery

  private void deliverLoop() {
    Backoff backoff = new Backoff(options.backoffInitial(), options.backoffMax());
    try {
      while (!stopDelivery) {
        Spool.Batch batch = spool.read(destination.maxBatch(), Duration.ofMillis(500));
        if (batch.isEmpty()) {
          if (stopping && writerDone.getCount() == 0 && spool.depthRecords() == 0) {
            return; // drained
          }
          continue;
        }
        List<Envelope> envelopes = decode(batch);
        if (!envelopes.isEmpty() && !deliver(envelopes, backoff)) {
          return; // stopping: the batch stays in the spool for the next start
        }
        spool.ack(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.error("sink {}: delivery stopped: {}", name, e.toString(), e);
    } finally {
      delivererDone.countDown();
    }
  }

  private List<Envelope> decode(Spool.Batch batch) {
    List<Envelope> out = new ArrayList<>(batch.records().size());
    for (byte[] r : batch.records()) {
      try {
        out.add(EnvelopeCodec.decode(r));
      } catch (IOException | RuntimeException e) {
        failed.increment();
        LOG.warn("sink {}: skipping an unreadable spool record: {}", name, e.getMessage());
      }
    }
    return out;
  }

  /** Delivers until acknowledged or refused for good (true), or until stopped (false). */
  private boolean deliver(List<Envelope> batch, Backoff backoff) throws InterruptedException {
    long firstFailure = 0;
    long lastWarn = 0;
    int attempts = 0;
    while (true) {
      if (stopDelivery) {
        return false;
      }
      long t0 = System.nanoTime();
      DeliveryException failure = call(batch);
      if (failure == null) {
        latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        delivered.increment(batch.size());
        if (attempts > 0) {
          LOG.info("sink {}: delivering again after {} failed attempts", name, attempts);
        }
        backoff.reset();
        lastError = null;
        return true;
      }
      lastError = failure.getMessage();
      if (!failure.retryable()) {
        failed.increment(batch.size());
        LOG.error("sink {}: {} alert(s) refused and skipped: {}", name, batch.size(), failure.getMessage());
        return true;
      }
      retries.increment();
      attempts++;
      long now = System.nanoTime();
      if (firstFailure == 0) {
        firstFailure = now;
        lastWarn = now;
        LOG.warn("sink {}: delivery failed, will retry: {}", name, failure.getMessage());
      } else if (now - lastWarn >= WARN_EVERY_NANOS) {
        lastWarn = now;
        LOG.warn("sink {}: still failing after {} attempts over {} s ({} alerts spooled): {}", name, attempts,
            TimeUnit.NANOSECONDS.toSeconds(now - firstFailure), spool.depthRecords(), failure.getMessage());
      } else {
        LOG.debug("sink {}: attempt {} failed: {}", name, attempts, failure.getMessage());
      }
      Duration asked = RetryAfter.of(failure);
      Duration wait = asked != null ? clamp(asked, Duration.ZERO, MAX_RETRY_AFTER) : backoff.next();
      if (stopLatchAwait(wait)) {
        return false;
      }
    }
  }

  private boolean stopLatchAwait(Duration wait) throws InterruptedException {
    return stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  /**
   * One destination call, bounded by the timeout (plus a second's grace for the destination's own timeout to
   * fire first). A call still running after that is interrupted and counted as a retryable failure; the next call
   * waits until it returned, since a destination is called from one thread at a time.
   */
  private DeliveryException call(List<Envelope> batch) throws InterruptedException {
    Future<?> f;
    try {
      f = caller.submit(() -> {
        destination.deliver(batch);
        return null;
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return new DeliveryException("stopping", true);
    }
    long limit = options.timeout().plus(TIMEOUT_GRACE).toNanos();
    try {
      f.get(limit, TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof DeliveryException de) {
        return de;
      }
      LOG.debug("sink {}: destination threw", name, c);
      return new DeliveryException(name + ": " + c.getClass().getSimpleName() + " in the destination", true);
    } catch (TimeoutException e) {
      f.cancel(true);
      awaitCallerIdle();
      return new DeliveryException(name + ": no answer within " + options.timeout().toMillis() + " ms", true);
    } catch (CancellationException e) {
      return new DeliveryException(name + ": call cancelled", true);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  /** Waits (logging once) until the interrupted call thread is free again, or until delivery stops. */
  private void awaitCallerIdle() throws InterruptedException {
    Future<?> probe;
    try {
      probe = caller.submit(() -> { });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return;
    }
    boolean warned = false;
    while (!stopDelivery) {
      try {
        probe.get(1, TimeUnit.SECONDS);
        return;
      } catch (TimeoutException e) {
        if (!warned) {
          LOG.warn("sink {}: the destination ignores its timeout and interruption; waiting for its call to return",
              name);
          warned = true;
        }
      } catch (ExecutionException e) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  /**
   * Stops taking alerts, writes what is queued to the spool (the writer gets at least 2 s for that, whatever
   * {@code wait} says, since it only needs the local disk), then keeps delivering until the spool is empty, the
   * destination fails, or {@code wait} passed; whatever is left is delivered after the next start. The writer is
   * never interrupted: an interrupted file channel closes itself.
   */
  public void close(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    stopping = true;
    try {
      if (started.get()) {
        writerDone.await(Math.max(deadline - System.nanoTime(), WRITER_GRACE.toNanos()), TimeUnit.NANOSECONDS);
        spool.wakeReader(); // re-check "drained" now that the writer is done
        long left = deadline - System.nanoTime();
        if (!delivererDone.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
          stopDelivery = true;
          stopSignal.countDown();
          spool.wakeReader();
          caller.shutdownNow();
          delivererDone.await(2, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopDelivery = true;
      stopSignal.countDown();
      caller.shutdownNow();
      if (started.get() && writerDone.getCount() > 0) {
        LOG.error("sink {}: the spool writer did not finish (disk stalled?); {} alerts not spooled", name,
            queue.size());
      }
      if (!queue.isEmpty()) {
        dropped.increment(queue.size());
        LOG.error("sink {}: {} alerts not spooled at shutdown", name, queue.size());
        queue.clear();
      }
      try {
        spool.close();
      } catch (IOException e) {
        LOG.warn("sink {}: closing its spool: {}", name, e.toString());
      }
      destination.close();
      LOG.info("sink {}: stopped; {} alerts left in its spool for the next start", name, spool.depthRecords());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  public State state() {
    return new State(name, queue.size(), spool.depthRecords(), spool.depthBytes(), (long) delivered.count(),
        (long) failed.count(), (long) dropped.count() + spool.droppedRecords(), lastError);
  }

  /** The spool, for tests and status. */
  Spool spool() {
    return spool;
  }

  @Override
  public String toString() {
    return "DeliveringSink[" + name + "]";
  }
}
