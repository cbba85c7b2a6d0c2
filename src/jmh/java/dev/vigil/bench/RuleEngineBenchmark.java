package dev.vigil.bench;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.engine.RuleEngine;
import dev.vigil.engine.RulesConfig;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.Event;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleCompiler;
import dev.vigil.rules.RuleSet;
import dev.vigil.rules.RulesLoader;
import dev.vigil.event.Capability;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the rules engine over the full built-in ruleset, one event per operation, so the score is events
 * per second on one thread. The target is 1,000,000 events/s on one core; Falco's engine does about 250,000
 * syscalls/s per CPU. See docs/BENCHMARKS.md for results and scripts/bench.sh to run it.
 *
 * <ul>
 *   <li>{@code ruleSetMix}: {@link RuleSet#evaluate} over the realistic mix of {@link EventMix#realistic}; matches
 *       (about 0.5% of events) build their output-field maps and go to a blackhole.
 *   <li>{@code ruleEngineMix}: the same mix through {@link RuleEngine#process}, which also renders each match into
 *       an {@link dev.vigil.alert.Alert}; {@code ruleEngineMixBudgeted} with the default evaluation budget.
 *   <li>{@code ruleSetLogLines}: the worst case, every event a benign log line of 80-300 characters, each one
 *       lower-cased and searched for seven scanner phrases.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RuleEngineBenchmark {

  /** Events in each pre-built stream; a power of two so the cursor wraps with a mask. */
  static final int EVENTS = 1 << 14;
  private static final int MASK = EVENTS - 1;
  private static final long SEED = 20251129L;

  private RuleSet rules;
  private RuleEngine engine;
  private RuleEngine budgeted;
  private Event[] mix;
  private Event[] logLines;
  private int nextMix;
  private int nextLog;
  private Blackhole bh;
  private final RuleSet.MatchListener listener = (rule, fields) -> bh.consume(fields);
  private final AlertSink sink = alert -> bh.consume(alert);

  @Setup
  public void setUp(Blackhole blackhole) {
    this.bh = blackhole;
    LoadResult loaded = load();
    Containers containers = new Containers();
    ContainerDirectory directory = containers.directory();
    rules = new RuleSet(loaded, directory);
    engine = new RuleEngine(loaded, directory);
    budgeted = new RuleEngine(loaded, directory, RulesConfig.defaults(), Metrics.inMemory(), Clock.systemUTC(),
        System::nanoTime);
    EventMix.Mix m = EventMix.realistic(containers, EVENTS, SEED);
    EventMix.Mix logs = EventMix.logLines(containers, EVENTS, SEED + 1);
    check(new RuleSet(loaded, directory), m);
    check(new RuleSet(loaded, directory), logs);
    mix = m.events();
    logLines = logs.events();
    System.out.println();
    System.out.println("# Vigil rules: " + rules.size() + " of " + loaded.rules().size() + " enabled; execve="
        + rules.rulesFor("execve") + " openat=" + rules.rulesFor("openat") + " unlinkat=" + rules.rulesFor("unlinkat")
        + " log=" + rules.rulesFor("log") + " container=" + rules.rulesFor("container") + " stats="
        + rules.rulesFor("stats"));
    System.out.println("# Mix: " + m.summary());
  }

  /** The built-in rules, as {@code vigil monitor} loads them with the Docker-API sensors and no options. */
  static LoadResult load() {
    LoadResult loaded = RulesLoader.load(true, List.of(), new RuleCompiler.Options(Capability.dockerSensors(),
        List.of(), List.of(), Priority.DEBUG));
    if (loaded.hasErrors()) {
      throw new IllegalStateException("built-in rules do not load: " + loaded.errors());
    }
    return loaded;
  }

  /** Fails the run unless exactly the events marked as attacks match a rule, so the mix is what it claims. */
  static void check(RuleSet rs, EventMix.Mix m) {
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < m.events().length; i++) {
      Event e = m.events()[i];
      List<String> matched = new ArrayList<>();
      rs.evaluate(e, (rule, fields) -> matched.add(rule.name()));
      if (matched.isEmpty() == m.attack()[i] && wrong.size() < 10) {
        wrong.add((m.attack()[i] ? "attack not matched: " : "benign event matched " + matched + ": ") + e);
      }
    }
    if (!wrong.isEmpty()) {
      throw new IllegalStateException("event mix is not as labelled:\n" + String.join("\n", wrong));
    }
  }

  @Benchmark
  public int ruleSetMix() {
    Event e = mix[nextMix];
    nextMix = (nextMix + 1) & MASK;
    return rules.evaluate(e, listener);
  }

  @Benchmark
  public void ruleEngineMix() {
    Event e = mix[nextMix];
    nextMix = (nextMix + 1) & MASK;
    engine.process(e, sink);
  }

  /** {@code ruleEngineMix} as {@code vigil monitor} runs it: with the evaluation budget (a clock read per rule). */
  @Benchmark
  public void ruleEngineMixBudgeted() {
    Event e = mix[nextMix];
    nextMix = (nextMix + 1) & MASK;
    budgeted.process(e, sink);
  }

  @Benchmark
  public int ruleSetLogLines() {
    Event e = logLines[nextLog];
    nextLog = (nextLog + 1) & MASK;
    return rules.evaluate(e, listener);
  }
}
