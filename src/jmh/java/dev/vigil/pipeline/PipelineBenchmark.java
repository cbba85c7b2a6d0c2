package dev.vigil.pipeline;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the pipeline alone, in nanoseconds per event: one producer offers a batch of {@value #BATCH} exec events
 * spread over {@code containers} containers (round-robin, as interleaved sensors would) and waits until the dispatch
 * thread has handed every one to a handler that does nothing. So the figure is the offer, the queue hand-over
 * between two threads and the dispatch loop, end to end; the engine's cost is measured by
 * {@code RuleEngineBenchmark}. The batch is smaller than the queue (and than one container's lane), so nothing is
 * dropped. {@code queueOnly} is the queue's own cost on one thread, without the hand-over: the batch offered, then
 * polled, through the {@link LaneQueue} the pipeline holds ({@code queue=lanes}) or through the single
 * {@link ArrayBlockingQueue} it held before lanes ({@code queue=array}), so the two compare in one run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark {

  static final int BATCH = 4096;

  @Param({"1", "16", "256"})
  public int containers;

  private Pipeline pipeline;
  private Event[] events;

  @Setup(Level.Trial)
  public void setUp() {
    events = new Event[BATCH];
    Instant t = Instant.parse("2026-12-07T00:00:00Z");
    for (int i = 0; i < BATCH; i++) {
      ContainerRef ref = ContainerRef.unresolved(String.format("%08x", i % containers + 1).repeat(8));
      events[i] = new ProcessExec(t, ref, "kernel.proc", 100 + i, 1, "true", "/bin/true", List.of("true"), 0, "root",
          "", ExecOrigin.CONTAINER, "");
    }
    pipeline = new Pipeline(65_536, e -> { }, Metrics.inMemory());
    pipeline.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pipeline.close(Duration.ofSeconds(5));
  }

  /** The two queues of {@code queueOnly}, each as large as the pipeline's default. */
  @State(Scope.Thread)
  public static class Queues {
    @Param({"array", "lanes"})
    public String queue;

    ArrayBlockingQueue<Event> array;
    LaneQueue<Event> lanes;

    @Setup(Level.Trial)
    public void setUp() {
      array = new ArrayBlockingQueue<>(65_536);
      lanes = new LaneQueue<>(65_536, 8_192);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long queueOnly(Queues q) throws InterruptedException {
    long sum = 0;
    if (q.queue.equals("array")) {
      for (Event e : events) {
        q.array.offer(e);
      }
      for (int i = 0; i < BATCH; i++) {
        sum += q.array.poll(0, TimeUnit.NANOSECONDS).time().getNano();
      }
    } else {
      for (Event e : events) {
        q.lanes.offer(e.container().id(), e);
      }
      for (int i = 0; i < BATCH; i++) {
        sum += q.lanes.poll(0, TimeUnit.NANOSECONDS).time().getNano();
      }
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long offerAndDispatch() {
    long target = pipeline.handled() + BATCH;
    for (Event e : events) {
      if (!pipeline.offer(e)) {
        throw new IllegalStateException("dropped: the batch must fit the queue");
      }
    }
    while (pipeline.handled() < target) {
      Thread.onSpinWait();
    }
    return pipeline.handled();
  }
}
