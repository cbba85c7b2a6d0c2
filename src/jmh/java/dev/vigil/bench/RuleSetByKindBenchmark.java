package dev.vigil.bench;

import dev.vigil.event.Event;
import dev.vigil.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Cost of {@link RuleSet#evaluate} per event kind of the realistic mix (the mix's events of one kind, cycled), in
 * nanoseconds per event: where the time of {@link RuleEngineBenchmark} goes. {@code attack} is the 0.5% of events
 * that match, including the output-field maps they build. Not part of scripts/bench.sh's default run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuleSetByKindBenchmark {

  @Param({"exec", "file", "log", "stats", "lifecycle", "attack"})
  public String kind;

  private RuleSet rules;
  private Event[] events;
  private int next;
  private Blackhole bh;
  private final RuleSet.MatchListener listener = (rule, fields) -> bh.consume(fields);

  @Setup
  public void setUp(Blackhole blackhole) {
    this.bh = blackhole;
    Containers containers = new Containers();
    rules = new RuleSet(RuleEngineBenchmark.load(), containers.directory());
    EventMix.Mix m = EventMix.realistic(containers, RuleEngineBenchmark.EVENTS, 20251129L);
    List<Event> picked = new ArrayList<>();
    for (int i = 0; i < m.events().length; i++) {
      boolean attack = m.attack()[i];
      if (kind.equals("attack") ? attack : !attack && EventMix.kindOf(m.events()[i]).name().equalsIgnoreCase(kind)) {
        picked.add(m.events()[i]);
      }
    }
    events = picked.toArray(new Event[0]);
  }

  @Benchmark
  public int evaluate() {
    Event e = events[next];
    next = next + 1 == events.length ? 0 : next + 1;
    return rules.evaluate(e, listener);
  }
}
