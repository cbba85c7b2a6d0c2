package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue's bound, drop counting, dispatch and close, for one container; lanes: {@link PipelineLanesTest}. */
@Timeout(30)
class PipelineTest {

  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
  private static final ContainerRef APP = new ContainerRef("ffffffffffff", "app", "img", "1", "");

  private final Metrics metrics = Metrics.inMemory();
  private Pipeline pipeline;

  @AfterEach
  void tearDown() {
    if (pipeline != null) {
      pipeline.close(Duration.ofSeconds(2));
    }
  }

  /** A pipeline whose one lane may fill the whole queue: these tests offer one container's events only. */
  private static Pipeline whole(int capacity, Consumer<Event> handler, Metrics metrics) {
    return new Pipeline(capacity, capacity, handler, metrics, java.time.Clock.systemUTC());
  }

  private static Event event(String sensor, int n) {
    return new FileChange(T, APP, sensor, "/f" + n, FileChange.Kind.ADDED);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }

  /** A handler that blocks every call until released, and signals when the first call has started. */
  private static final class Gate implements Consumer<Event> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Event> handled = new CopyOnWriteArrayList<>();

    @Override
    public void accept(Event e) {
      entered.countDown();
      try {
        if (!release.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("gate never released");
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      handled.add(e);
    }
  }

  @Test
  void offer_whenFull_dropsExactlyTheOverflowAndCountsItPerSensor() throws Exception {
    int capacity = 4;
    int overflow = 3;
    Gate gate = new Gate();
    pipeline = whole(capacity, gate, metrics);
    pipeline.start();

    // One event occupies the handler, so the queue is then empty with room for exactly `capacity`.
    assertThat(pipeline.offer(event("docker.top", 0))).isTrue();
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    await(() -> pipeline.depth() == 0);

    int accepted = 0;
    int rejected = 0;
    for (int i = 1; i <= capacity + overflow; i++) {
      if (pipeline.offer(event("docker.top", i))) {
        accepted++;
      } else {
        rejected++;
      }
    }

    assertThat(accepted).isEqualTo(capacity);
    assertThat(rejected).isEqualTo(overflow);
    assertThat(pipeline.dropped()).isEqualTo(overflow);
    assertThat(pipeline.depth()).isEqualTo(capacity);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "docker.top")).isEqualTo(overflow);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "docker.diff")).isZero();
    assertThat(metrics.count("vigil.events.in", "sensor", "docker.top")).isEqualTo(capacity + 1);

    gate.release.countDown();
    await(() -> pipeline.handled() == capacity + 1);
    assertThat(gate.handled).filteredOn(FileChange.class::isInstance).extracting(e -> ((FileChange) e).path())
        .containsExactly("/f0", "/f1", "/f2", "/f3", "/f4");
    assertThat(pipeline.dropped()).isEqualTo(overflow);
    assertThat(pipeline.failures()).isZero();
    assertThat(pipeline.depth()).isZero();
  }

  @Test
  void offer_dropsAreCountedAgainstTheOfferingSensor() throws Exception {
    Gate gate = new Gate();
    pipeline = whole(1, gate, metrics);
    pipeline.start();
    pipeline.offer(event("a", 0));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    await(() -> pipeline.depth() == 0);

    assertThat(pipeline.offer(event("a", 1))).isTrue();
    assertThat(pipeline.offer(event("b", 2))).isFalse();
    assertThat(pipeline.offer(event("b", 3))).isFalse();
    assertThat(pipeline.offer(event("c", 4))).isFalse();

    assertThat(pipeline.dropped()).isEqualTo(3);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "a")).isZero();
    assertThat(metrics.count("vigil.events.dropped", "sensor", "b")).isEqualTo(2);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "c")).isEqualTo(1);
    gate.release.countDown();
  }

  @Test
  void offer_neverBlocksWhenFull() throws Exception {
    Gate gate = new Gate();
    pipeline = whole(2, gate, metrics);
    pipeline.start();
    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      pipeline.offer(event("s", i));
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(elapsedMs).isLessThan(5_000);
    assertThat(pipeline.dropped()).isBetween(10_000L - 3, 10_000L - 2);
    gate.release.countDown();
  }

  @Test
  void handler_seesEventsInOfferOrderOnOneThread() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    List<Event> seen = new CopyOnWriteArrayList<>();
    pipeline = whole(100, e -> {
      threads.add(Thread.currentThread().getName());
      seen.add(e);
    }, metrics);
    pipeline.start();
    for (int i = 0; i < 50; i++) {
      assertThat(pipeline.offer(event("s", i))).isTrue();
    }
    await(() -> pipeline.handled() == 50);
    assertThat(seen).filteredOn(FileChange.class::isInstance).extracting(e -> ((FileChange) e).path()).startsWith("/f0", "/f1", "/f2").endsWith("/f49");
    assertThat(threads).containsOnly("vigil-dispatch");
    assertThat(metrics.count("vigil.events.in", "sensor", "s")).isEqualTo(50);
  }

  @Test
  void handlerThatThrows_isCountedAndLoopContinues() throws Exception {
    List<Event> ok = new CopyOnWriteArrayList<>();
    pipeline = whole(16, e -> {
      if (e instanceof FileChange f && (f.path().equals("/f1") || f.path().equals("/f3"))) {
        throw new IllegalStateException("handler bug");
      }
      ok.add(e);
    }, metrics);
    pipeline.start();
    for (int i = 0; i < 5; i++) {
      pipeline.offer(event("s", i));
    }
    await(() -> pipeline.handled() + pipeline.failures() == 5);
    assertThat(pipeline.failures()).isEqualTo(2);
    assertThat(pipeline.handled()).isEqualTo(3);
    assertThat(ok).filteredOn(FileChange.class::isInstance).extracting(e -> ((FileChange) e).path()).containsExactly("/f0", "/f2", "/f4");

    // still alive afterwards
    pipeline.offer(event("s", 5));
    await(() -> pipeline.handled() == 4);
  }

  @Test
  void handlerThatThrowsAnError_doesNotKillTheDispatchThread() throws Exception {
    // e.g. a StackOverflowError from a detector on hostile input: the agent must not silently stop dispatching.
    List<Event> ok = new CopyOnWriteArrayList<>();
    pipeline = whole(16, e -> {
      if (e instanceof FileChange f && f.path().equals("/f0")) {
        throw new StackOverflowError("detector recursion");
      }
      ok.add(e);
    }, metrics);
    pipeline.start();
    pipeline.offer(event("s", 0));
    pipeline.offer(event("s", 1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (ok.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(ok).as("event after the failing one must still be handled")
        .filteredOn(FileChange.class::isInstance).extracting(e -> ((FileChange) e).path()).containsExactly("/f1");
    assertThat(pipeline.failures()).isEqualTo(1);
  }

  @Test
  void close_drainsQueuedEvents() throws Exception {
    Gate gate = new Gate();
    pipeline = whole(16, gate, metrics);
    pipeline.start();
    pipeline.offer(event("s", 0));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= 5; i++) {
      assertThat(pipeline.offer(event("s", i))).isTrue();
    }
    assertThat(pipeline.depth()).isEqualTo(5);

    gate.release.countDown();
    pipeline.close(Duration.ofSeconds(10));

    assertThat(pipeline.handled()).isEqualTo(6);
    assertThat(pipeline.depth()).isZero();
    assertThat(gate.handled).hasSize(6);
  }

  @Test
  void close_whileHandlerStillBusy_waitsAndDrains() throws Exception {
    Gate gate = new Gate();
    pipeline = whole(16, gate, metrics);
    pipeline.start();
    pipeline.offer(event("s", 0));
    assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
    pipeline.offer(event("s", 1));
    pipeline.offer(event("s", 2));

    Thread closer = new Thread(() -> pipeline.close(Duration.ofSeconds(10)));
    closer.start();
    // close() must not return while the handler is still blocked with events queued
    closer.join(100);
    assertThat(closer.isAlive()).isTrue();
    gate.release.countDown();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(pipeline.handled()).isEqualTo(3);
  }

  @Test
  void offer_afterClose_isRejectedAndCounted() throws Exception {
    pipeline = whole(16, e -> { }, metrics);
    pipeline.start();
    pipeline.close(Duration.ofSeconds(5));
    assertThat(pipeline.offer(event("late", 0))).isFalse();
    assertThat(pipeline.dropped()).isEqualTo(1);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "late")).isEqualTo(1);
  }

  @Test
  void close_isIdempotent() {
    pipeline = whole(4, e -> { }, metrics);
    pipeline.start();
    pipeline.close();
    pipeline.close();
    assertThat(pipeline.handled()).isZero();
  }
}
