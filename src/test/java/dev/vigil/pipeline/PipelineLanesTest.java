package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import dev.vigil.event.SensorNotice;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fair dispatch: one container flooding the pipeline with slow events delays another container's event by at most
 * one of its own, keeps each container's order, and loses only its own events when its lane is full.
 */
@Timeout(60)
class PipelineLanesTest {

  private static final Instant T = Instant.parse("2026-12-07T23:00:00Z");
  private static final ContainerRef A = ContainerRef.unresolved("a".repeat(64));
  private static final ContainerRef B = ContainerRef.unresolved("b".repeat(64));

  private final Metrics metrics = Metrics.inMemory();
  private Pipeline pipeline;

  @AfterEach
  void tearDown() {
    if (pipeline != null) {
      pipeline.close(Duration.ofSeconds(5));
    }
  }

  private static Event event(ContainerRef c, String sensor, int n) {
    return new FileChange(T, c, sensor, "/" + c.shortId() + "/" + n, FileChange.Kind.ADDED);
  }

  private static String path(Event e) {
    return ((FileChange) e).path();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    PipelineTest.await(condition);
  }

  /** A handler that holds every event until {@code release}, then keeps it in {@code seen}. */
  private static Consumer<Event> held(CountDownLatch release, List<Event> seen) {
    return e -> {
      try {
        release.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      seen.add(e);
    };
  }

  /** A handler that takes {@code slowMillis} for every event of container A, as a costly evaluation would. */
  private static final class SlowForA implements Consumer<Event> {
    final long slowMillis;
    final List<Event> handled = new CopyOnWriteArrayList<>();
    final Map<String, Long> handledAt = new ConcurrentHashMap<>();

    SlowForA(long slowMillis) {
      this.slowMillis = slowMillis;
    }

    @Override
    public void accept(Event e) {
      if (e.container().equals(A)) {
        try {
          Thread.sleep(slowMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      if (e instanceof FileChange) {
        handledAt.put(path(e), System.nanoTime());
      }
      handled.add(e);
    }
  }

  @Test
  void aFloodingContainer_delaysAnotherContainersEventByAtMostOneOfItsOwn() throws Exception {
    SlowForA slow = new SlowForA(20);
    pipeline = new Pipeline(1024, 512, slow, metrics, Clock.systemUTC());
    pipeline.start();
    for (int i = 0; i < 500; i++) {
      assertThat(pipeline.offer(event(A, "kernel.proc", i))).isTrue();
    }
    await(() -> slow.handled.size() >= 3); // A's backlog is now about 500 x 20 ms = 10 s
    long offered = System.nanoTime();
    assertThat(pipeline.offer(event(B, "kernel.fanotify", 0))).isTrue();
    long handledBefore = slow.handled.size(); // read after the offer: at least as many as when B was offered
    await(() -> slow.handledAt.containsKey("/bbbbbbbbbbbb/0"));

    long waitedMs = TimeUnit.NANOSECONDS.toMillis(slow.handledAt.get("/bbbbbbbbbbbb/0") - offered);
    int position = slow.handled.indexOf(slow.handled.stream().filter(e -> e.container().equals(B)).findFirst()
        .orElseThrow());
    // B's event waits for the A event being handled and at most one more (A's lane was ahead in the turns).
    assertThat(position - handledBefore).as("A events handled between B's offer and B").isLessThanOrEqualTo(2);
    assertThat(waitedMs).as("B waited (two A events are 40 ms)").isLessThan(1_000);
    assertThat(pipeline.depth()).as("A's backlog still waits").isGreaterThan(400);
    assertThat(pipeline.lanes()).isEqualTo(1);
  }

  @Test
  void manyContainersAtOnce_eachKeepsItsOrder_andTheyInterleave() throws Exception {
    List<Event> seen = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    pipeline = new Pipeline(40_000, 10_000, held(go, seen), metrics, Clock.systemUTC());
    pipeline.start();
    List<ContainerRef> containers = new ArrayList<>();
    List<Thread> producers = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      ContainerRef ref = ContainerRef.unresolved(Integer.toString(c).repeat(64));
      containers.add(ref);
      producers.add(new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          if (!pipeline.offer(event(ref, "s", i))) {
            throw new AssertionError("dropped");
          }
        }
      }));
    }
    producers.forEach(Thread::start);
    for (Thread t : producers) {
      t.join();
    }
    go.countDown();
    await(() -> pipeline.handled() == 20_000);

    for (ContainerRef ref : containers) {
      List<Integer> order = seen.stream().filter(e -> e.container().equals(ref))
          .map(e -> Integer.parseInt(path(e).substring(path(e).lastIndexOf('/') + 1))).toList();
      assertThat(order).hasSize(5_000).isSorted();
    }
    // Round-robin: once the four lanes filled, no container runs twice in a row while the others wait, so the last
    // 4,000 handled (all four lanes still full then) take strict turns.
    List<Event> middle = seen.subList(0, 16_000).subList(12_000, 16_000);
    for (int i = 4; i < middle.size(); i++) {
      assertThat(middle.get(i).container()).isEqualTo(middle.get(i - 4).container());
    }
    assertThat(pipeline.dropped()).isZero();
    assertThat(pipeline.lanes()).isZero();
  }

  @Test
  void aFullLane_dropsOnlyItsContainersEvents_andCountsThemAsLaneDrops() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Event> seen = new CopyOnWriteArrayList<>();
    pipeline = new Pipeline(64, 8, held(release, seen), metrics, Clock.systemUTC());
    pipeline.start();
    assertThat(pipeline.offer(event(A, "docker.logs", 0))).isTrue();
    await(() -> pipeline.depth() == 0); // the handler holds event 0
    int refusedA = 0;
    for (int i = 1; i <= 100; i++) {
      refusedA += pipeline.offer(event(A, "docker.logs", i)) ? 0 : 1;
    }
    for (int i = 0; i < 8; i++) {
      assertThat(pipeline.offer(event(B, "kernel.proc", i))).as("B's lane has room").isTrue();
      assertThat(pipeline.offer(event(ContainerRef.HOST, "kernel.proc", i))).as("the host's lane too").isTrue();
    }

    assertThat(refusedA).isEqualTo(100 - 8);
    assertThat(pipeline.dropped()).isEqualTo(92);
    assertThat(pipeline.laneDropped()).isEqualTo(92);
    assertThat(metrics.count("vigil.events.lane_dropped", "sensor", "docker.logs")).isEqualTo(92);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "docker.logs")).isEqualTo(92);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "kernel.proc")).isZero();
    assertThat(pipeline.depth()).isEqualTo(24);
    assertThat(pipeline.lanes()).isEqualTo(3);

    release.countDown();
    await(() -> seen.stream().filter(SensorNotice.class::isInstance).count() == 1
        && seen.stream().filter(FileChange.class::isInstance).count() == 25);
    SensorNotice notice = (SensorNotice) seen.stream().filter(SensorNotice.class::isInstance).findFirst()
        .orElseThrow();
    assertThat(notice.count()).isEqualTo(92);
    assertThat(notice.message()).contains("92 events dropped", "capacity 64, 8 per container",
        "92 of them at their container's limit", "most from container aaaaaaaaaaaa (92)");
    // A's survivors are its first eight, in order, taking turns with B and the host.
    assertThat(seen.stream().filter(e -> e.container().equals(A)).map(PipelineLanesTest::path))
        .containsExactly("/aaaaaaaaaaaa/0", "/aaaaaaaaaaaa/1", "/aaaaaaaaaaaa/2", "/aaaaaaaaaaaa/3",
            "/aaaaaaaaaaaa/4", "/aaaaaaaaaaaa/5", "/aaaaaaaaaaaa/6", "/aaaaaaaaaaaa/7", "/aaaaaaaaaaaa/8");
    List<Event> files = seen.stream().filter(FileChange.class::isInstance).toList();
    assertThat(files.subList(1, 4)).extracting(Event::container).containsExactly(A, B, ContainerRef.HOST);
  }

  @Test
  void theQueueBound_holdsAcrossLanes_andNamesTheHostWhenItLostMost() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Event> seen = new CopyOnWriteArrayList<>();
    pipeline = new Pipeline(16, 8, held(release, seen), metrics, Clock.systemUTC());
    pipeline.start();
    pipeline.offer(event(B, "s", 0));
    await(() -> pipeline.depth() == 0);
    for (int i = 0; i < 8; i++) {
      assertThat(pipeline.offer(event(A, "s", i))).isTrue();
      assertThat(pipeline.offer(event(B, "s", i + 1))).isTrue();
    }
    for (int i = 0; i < 5; i++) {
      assertThat(pipeline.offer(event(ContainerRef.HOST, "s", i))).as("the queue is full").isFalse();
    }
    assertThat(pipeline.offer(event(A, "s", 9))).isFalse();
    assertThat(pipeline.depth()).isEqualTo(16);
    assertThat(pipeline.dropped()).isEqualTo(6);
    assertThat(pipeline.laneDropped()).as("A's lane was full too").isEqualTo(1);

    release.countDown();
    await(() -> seen.stream().anyMatch(SensorNotice.class::isInstance));
    SensorNotice notice = (SensorNotice) seen.stream().filter(SensorNotice.class::isInstance).findFirst()
        .orElseThrow();
    assertThat(notice.message()).contains("6 events dropped", "1 of them at their container's limit",
        "most from the host (5)");
  }

  @Test
  void theDefaultLaneIsAQuarterOfTheQueue() throws Exception {
    assertThat(Pipeline.laneCapacityFor(65_536)).isEqualTo(16_384);
    assertThat(Pipeline.laneCapacityFor(16)).isEqualTo(4);
    assertThat(Pipeline.laneCapacityFor(4)).isEqualTo(1);
    CountDownLatch release = new CountDownLatch(1);
    pipeline = new Pipeline(64, held(release, new CopyOnWriteArrayList<>()), metrics);
    pipeline.start();
    pipeline.offer(event(A, "s", 0));
    await(() -> pipeline.depth() == 0);
    int accepted = 0;
    for (int i = 1; i <= 40; i++) {
      accepted += pipeline.offer(event(A, "s", i)) ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(16);
    release.countDown();
  }
}
