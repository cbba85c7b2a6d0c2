package dev.vigil.engine;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.SensorNotice;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleSet;
import dev.vigil.rules.field.FieldTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The rules-driven {@link Engine}: evaluates each event against the compiled ruleset and turns every match into a
 * Falco-shaped alert (output rendered from the rule's template, {@code <NA>} for missing fields). Event text is cut
 * to the sizes of {@link InputLimits} first, so the rules (and the alerts) see bounded values. With an evaluation
 * budget ({@link RulesConfig}), an event whose evaluation passes it has its remaining rules skipped; each such
 * overrun is counted in {@code vigil.rules.budget_overruns{container}} and, at most once a second, raised as a
 * {@link SensorNotice} {@code overrun} of sensor {@code rules}, evaluated by the same rules (the built-in rule "Rule
 * evaluation over budget" alerts on it), as the pipeline raises its drops. An event found at the agent's start
 * ({@link Event#foundAtStart()}) gives alerts with {@code evt.found_at_start: true} in their output fields and
 * {@value #FOUND_AT_START_SUFFIX} after their text. Single-threaded.
 */
public final class RuleEngine implements Engine {

  /** The sensor name overrun notices carry. */
  public static final String SENSOR = "rules";
  static final String OVERRUNS = "vigil.rules.budget_overruns";
  private static final long NOTICE_INTERVAL_MS = 1000;

  /** Appended to the output text of an alert on an event found at start. */
  public static final String FOUND_AT_START_SUFFIX = " (found at start)";

  private final RuleSet rules;
  private final int loaded;
  private final Duration budget;
  private final Metrics metrics;
  private final Clock clock;
  private final InputLimits limits;
  private long pendingOverruns;
  private long pendingSkipped;
  private ContainerRef lastOverrun;
  private String lastType;
  private long lastNoticeMs = Long.MIN_VALUE / 2;

  /** Without a budget (replay, benchmarks): every rule of an event's type is evaluated. */
  public RuleEngine(LoadResult result, ContainerDirectory directory) {
    this(result, directory, new RulesConfig(Duration.ZERO), Metrics.inMemory(), Clock.systemUTC(),
        System::nanoTime);
  }

  /**
   * @param clock the notices' time and their once-a-second limit
   * @param nanoClock the monotonic clock the budget is measured with
   */
  public RuleEngine(LoadResult result, ContainerDirectory directory, RulesConfig config, Metrics metrics,
      Clock clock, LongSupplier nanoClock) {
    this.budget = config.evaluationBudget();
    this.rules = new RuleSet(result, directory, budget.toNanos(), nanoClock);
    this.loaded = result.rules().size();
    this.metrics = metrics;
    this.clock = clock;
    this.limits = new InputLimits(metrics);
  }

  @Override
  public void process(Event sensed, AlertSink out) {
    Event event = limits.cut(sensed);
    rules.evaluate(event, (rule, fields) -> out.accept(alert(event, rule, fields)));
    if (rules.skipped() > 0) {
      overrun(event);
    }
    if (pendingOverruns > 0 && clock.millis() - lastNoticeMs >= NOTICE_INTERVAL_MS) {
      notice(out);
    }
  }

  private void overrun(Event e) {
    ContainerRef c = e.container();
    metrics.counter(OVERRUNS, "container", c.name() == null || c.name().isEmpty() ? c.id() : c.name()).increment();
    pendingOverruns++;
    pendingSkipped += rules.skipped();
    lastOverrun = c;
    lastType = FieldTable.eventType(e);
  }

  /** The overruns since the last notice, as one notice evaluated by the rules. */
  private void notice(AlertSink out) {
    SensorNotice n = new SensorNotice(clock.instant(), lastOverrun, SENSOR, "overrun", pendingOverruns,
        String.format(Locale.ROOT, "%d events passed the rule evaluation budget of %d ms (last: a %s event); "
            + "%d rule evaluations skipped", pendingOverruns, budget.toMillis(), lastType, pendingSkipped));
    lastNoticeMs = clock.millis();
    pendingOverruns = 0;
    pendingSkipped = 0;
    rules.evaluate(n, (rule, fields) -> out.accept(alert(n, rule, fields)));
  }

  private Alert alert(Event e, CompiledRule r, java.util.Map<String, Object> fields) {
    String output = r.output().render(fields);
    if (e.foundAtStart()) {
      // Marked in every sink: found running at the agent's start (or replayed from while it was down), not seen live.
      fields.put("evt.found_at_start", true);
      output += FOUND_AT_START_SUFFIX;
    }
    return new Alert(e.time(), r.name(), r.priority(), output, e.kind().source(), r.tags(), fields);
  }

  /** Events whose evaluation passed the budget, all containers (the metric has them per container). */
  public long overruns() {
    return (long) metrics.registry().find(OVERRUNS).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Override
  public List<String> describe() {
    return List.of(rules.size() + " of " + loaded + " rules enabled" + (budget.isZero() ? ""
        : ", evaluation budget " + budget.toMillis() + " ms per event"));
  }
}
