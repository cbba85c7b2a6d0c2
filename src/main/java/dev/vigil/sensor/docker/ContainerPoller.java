package dev.vigil.sensor.docker;

import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerInfo;
import dev.vigil.sensor.Inventory;
import dev.vigil.sensor.Sensor;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the sensors that ask the engine about every running container at a fixed interval (stats, top, diff).
 * A small fixed pool makes the calls over the shared request connection pool, so the cost is a few connections,
 * not one per container; a container whose previous call has not returned is skipped this round (counted), so a
 * slow engine never piles up work. Per-container state is dropped when the container stops. Thread-safe.
 *
 * @param <S> per-container state kept between polls
 */
abstract class ContainerPoller<S> implements Sensor, Inventory.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerPoller.class);

  private final DockerInventory inventory;
  private final Duration interval;
  private final int threads;
  protected final Metrics metrics;
  private final Map<String, S> state = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService ticker;
  private ExecutorService workers;

  ContainerPoller(DockerInventory inventory, Duration interval, int threads, Metrics metrics) {
    this.inventory = inventory;
    this.interval = interval;
    this.threads = threads;
    this.metrics = metrics;
  }

  /** Fresh state for a container seen for the first time. */
  abstract S newState(ContainerInfo c);

  /** One poll of one container; runs on a worker thread and may do I/O. */
  abstract void poll(ContainerInfo c, S state);

  @Override
  public void start() {
    inventory.addListener(this);
    ticker = new ScheduledThreadPoolExecutor(1, Threads.daemon("vigil-" + name() + "-tick"));
    workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(4096),
        Threads.numbered("vigil-" + name()));
    ticker.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    for (ContainerInfo c : inventory.running()) {
      String id = c.ref().id();
      if (!inFlight.add(id)) {
        metrics.counter("vigil.poll.skipped", "sensor", name()).increment();
        continue;
      }
      try {
        workers.execute(() -> {
          try {
            poll(c, state.computeIfAbsent(id, k -> newState(c)));
          } catch (DockerApi.NotFound | com.github.dockerjava.api.exception.NotFoundException e) {
            state.remove(id);
          } catch (RuntimeException e) {
            metrics.counter("vigil.poll.failures", "sensor", name()).increment();
            LOG.debug("{} poll of {} failed: {}", name(), c.ref().name(), e.toString());
          } finally {
            inFlight.remove(id);
          }
        });
      } catch (RejectedExecutionException e) {
        inFlight.remove(id);
        metrics.counter("vigil.poll.skipped", "sensor", name()).increment();
      }
    }
  }

  @Override
  public void started(ContainerInfo c) {
    // state is created lazily on the first poll
  }

  @Override
  public void stopped(ContainerInfo c) {
    state.remove(c.ref().id());
  }

  /** Number of containers with state now (for tests and status). */
  int tracked() {
    return state.size();
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      workers.shutdownNow();
    }
  }
}
