package dev.vigil.bench;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.Capability;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleCompiler;
import dev.vigil.rules.RulesLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
 * The time of one hostile event of issue 11 through {@link RuleEngine#process}, the built-in rules plus the user
 * rule {@code proc.args regex "(a+)+$"}:
 *
 * <ul>
 *   <li>{@code spacesArgv}: {@code sh -c ";" + 100,000 spaces + "/var/log/"}, which made the built-in log-clearing
 *       rule's regex backtrack for about 30 s under java.util.regex;
 *   <li>{@code nestedQuantifierArgv}: {@code echo} with 100,000 {@code a} and a {@code !}, 50 s under
 *       java.util.regex with the user rule.
 * </ul>
 *
 * {@link #main} times one event of each without JMH, so the same class measures code that takes seconds per event
 * (the code before RE2: docs/BENCHMARKS.md, *Hostile events*, has the command).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HostileEventBenchmark {

  static final String USER_RULE = """
      - rule: Nested quantifier user rule
        desc: issue 11's user rule
        condition: spawned_process and container and proc.args regex "(a+)+$"
        output: nested (command=%proc.cmdline)
        priority: NOTICE
      """;

  private RuleEngine engine;
  private Event spaces;
  private Event nested;
  private Blackhole bh;
  private final AlertSink sink = alert -> bh.consume(alert);

  @Setup
  public void setUp(Blackhole blackhole) {
    this.bh = blackhole;
    this.engine = new RuleEngine(load(), new Containers().directory());
    this.spaces = spacesEvent();
    this.nested = nestedEvent();
  }

  @Benchmark
  public void spacesArgv() {
    engine.process(spaces, sink);
  }

  @Benchmark
  public void nestedQuantifierArgv() {
    engine.process(nested, sink);
  }

  static Event spacesEvent() {
    return exec(List.of("sh", "-c", ";" + " ".repeat(100_000) + "/var/log/"));
  }

  static Event nestedEvent() {
    return exec(List.of("echo", "a".repeat(100_000) + "!"));
  }

  private static Event exec(List<String> argv) {
    ContainerRef c = new ContainerRef("0123456789ab0123456789ab0123456789ab0123456789ab0123456789abcdef", "a",
        "vigil-test/busybox", "1", "");
    return new ProcessExec(Instant.EPOCH, c, "docker.events", 4242, 1, argv.get(0), "/bin/" + argv.get(0), argv, 0,
        "root", "", ExecOrigin.DOCKER_EXEC, "", List.of());
  }

  /** The built-in rules (Docker-API sensors, as {@code vigil monitor} loads them) and the user rule. */
  static LoadResult load() {
    try {
      Path file = Files.createTempFile("hostile-user-rule", ".yaml");
      Files.writeString(file, USER_RULE);
      LoadResult loaded = RulesLoader.load(true, List.of(file), new RuleCompiler.Options(Capability.dockerSensors(),
          List.of(), List.of(), Priority.DEBUG));
      Files.delete(file);
      if (loaded.hasErrors()) {
        throw new IllegalStateException("rules do not load: " + loaded.errors());
      }
      return loaded;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One event of each kind, timed once (after one small warm-up event), for code too slow for JMH. */
  public static void main(String[] args) {
    RuleEngine engine = new RuleEngine(load(), new Containers().directory());
    engine.process(exec(List.of("sh", "-c", "true")), a -> { });
    for (Event e : List.of(spacesEvent(), nestedEvent())) {
      long t0 = System.nanoTime();
      int[] alerts = {0};
      engine.process(e, a -> alerts[0]++);
      System.out.printf(Locale.ROOT, "%s: %.3f ms, %d alerts%n", ((ProcessExec) e).args().get(0),
          (System.nanoTime() - t0) / 1e6, alerts[0]);
    }
  }
}
