package dev.vigil.bench;

import dev.vigil.alert.AlertSink;
import dev.vigil.common.Metrics;
import dev.vigil.detect.Detector;
import dev.vigil.detect.behaviour.BehaviourDetectors;
import dev.vigil.detect.behaviour.BehaviourConfig;
import dev.vigil.engine.DetectorEngine;
import dev.vigil.event.Event;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of the behavioural detectors per event, in nanoseconds, on the steady workload of {@link DetectorWorkload}
 * (200 containers, each sampled every 5 s): {@code detectors} runs the events through a {@link DetectorEngine}
 * holding the named detector ({@code all} = the six of {@link Detectors#create}), the way the agent dispatches them;
 * {@code eventOnly} is the cost of producing the events alone (four ticks of events re-stamped cycle after cycle, so
 * time moves on: one record and one instant allocated per event), to be subtracted. {@code stream=stats} is stats
 * samples only, the per-sample cost; {@code mix} adds the workload's process starts, connections and notices.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DetectorBenchmark {

  static final int CONTAINERS = 200;
  private static final int CYCLE = 4;

  @Param({"all", "port_scan", "crypto_mining", "egress_spike", "process_count_spike", "exec_rate_spike",
      "new_listen_port"})
  public String detector;

  @Param({"stats", "mix"})
  public String stream;

  private DetectorEngine engine;
  private Event[] templates;
  private int next;
  private long cycleMillis;
  private Blackhole bh;
  private final AlertSink sink = a -> bh.consume(a);

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) {
    this.bh = blackhole;
    DetectorWorkload workload = new DetectorWorkload(CONTAINERS, 7L);
    List<Detector> all = BehaviourDetectors.create(BehaviourConfig.defaults(), workload.directory(), Metrics.inMemory());
    engine = new DetectorEngine(detector.equals("all") ? all
        : all.stream().filter(d -> d.name().equals(detector)).toList());
    if (engine.describe().isEmpty()) {
      throw new IllegalArgumentException("no detector named " + detector);
    }
    List<Event> ticks = new ArrayList<>();
    for (long t = 0; t < CYCLE; t++) {
      ticks.addAll(workload.tick(t, stream.equals("stats")));
    }
    templates = ticks.toArray(Event[]::new);
    // ten minutes of event time: past every learning period, so the measured path is the steady one
    for (int i = 0; i < templates.length * 30; i++) {
      engine.process(nextEvent(), a -> {
        throw new IllegalStateException("the steady workload raised an alert: " + a.output());
      });
    }
  }

  /** The next event: a template of the four-tick cycle, moved forward by the cycles already played. */
  private Event nextEvent() {
    if (next == templates.length) {
      next = 0;
      cycleMillis += CYCLE * DetectorWorkload.TICK.toMillis();
    }
    return restamp(templates[next++], cycleMillis);
  }

  private static Event restamp(Event e, long plusMillis) {
    Instant t = e.time().plusMillis(plusMillis);
    if (e instanceof StatsSample s) {
      return new StatsSample(t, s.container(), s.sensor(), s.cpuPercent(), s.memoryBytes(), s.memoryLimit(),
          s.rxBytes(), s.txBytes(), s.rxRate(), s.txRate(), s.blockReadBytes(), s.blockWriteBytes(), s.pids());
    }
    if (e instanceof ProcessExec p) {
      return new ProcessExec(t, p.container(), p.sensor(), p.pid(), p.ppid(), p.name(), p.exePath(), p.args(),
          p.uid(), p.user(), p.tty(), p.origin(), p.execId());
    }
    if (e instanceof NetConnection c) {
      return new NetConnection(t, c.container(), c.sensor(), c.direction(), c.l4proto(), c.localIp(),
          c.localPort(), c.remoteIp(), c.remotePort(), c.pid(), c.procName());
    }
    SensorNotice n = (SensorNotice) e;
    return new SensorNotice(t, n.container(), n.sensor(), n.what(), n.count(), n.message());
  }

  @Benchmark
  public void detectors() {
    engine.process(nextEvent(), sink);
  }

  @Benchmark
  public Event eventOnly() {
    return nextEvent();
  }
}
