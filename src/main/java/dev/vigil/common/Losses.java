package dev.vigil.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The loss ledger: every way the agent can lose what it should have seen, in one table ({@link #TABLE}: one row per
 * sensor and kind of loss), read from the counters the sensors keep where the loss happens. The table drives the
 * {@code vigil.losses{sensor,kind}} metric (one function counter per row, next to the row's own source metric,
 * which keeps its name), the losses in status.json and {@code vigil status}, the DEGRADED state and docs/LOSSES.md.
 * A {@link Snapshot} is taken every status interval; the agent is DEGRADED while a row that {@link Row#degrades()}
 * grew within the last {@link #WINDOW_INTERVALS} snapshots. Thread-safe: {@link #tick()} and {@link #latest()} are
 * synchronized, the metric registration is idempotent.
 */
public final class Losses {

  /** A row whose sensor is this stands for one row per {@code sensor} tag value the source metric has. */
  public static final String EACH_SENSOR = "*";

  /** How many status intervals a loss keeps the agent DEGRADED after it was counted. */
  public static final int WINDOW_INTERVALS = 2;

  /** The metric every row is also published as, tagged {@code sensor} and {@code kind}. */
  public static final String METRIC = "vigil.losses";

  /**
   * One kind of loss of one sensor.
   *
   * @param sensor the sensor that lost something, or {@link #EACH_SENSOR}
   * @param kind a stable word, the {@code kind} tag of {@code vigil.losses}
   * @param unit what the count counts (events, reports, lines, milliseconds, ...)
   * @param source the counter where the loss is counted, tagged {@code sensor=<sensor>}; for a row whose
   *     {@code sensorTag} is false, every counter of that name, summed
   * @param sensorTag whether the source counter carries the {@code sensor} tag
   * @param degrades whether a loss of this row makes the agent DEGRADED (a cut log line does not: the line was
   *     scanned, only its tail past the bound was not)
   * @param description one line for docs/LOSSES.md
   */
  public record Row(String sensor, String kind, String unit, String source, boolean sensorTag, boolean degrades,
      String description) {}

  /** Every loss the agent counts. Adding a loss is adding a row here (and its counter where it happens). */
  public static final List<Row> TABLE = List.of(
      new Row(EACH_SENSOR, "queue_full", "events", "vigil.events.dropped", true, true,
          "A bounded queue was full and the event was dropped: the pipeline's queue between the sensors and the "
              + "engine, or a sensor's own (docker.events' callback queue, a docker.logs frame that failed)"),
      new Row("kernel.proc", "overflow", "events", "vigil.proc.lost", true, true,
          "Process events the kernel dropped because the netlink socket buffer was full (exact, from the "
              + "connector's sequence numbers)"),
      new Row("kernel.proc", "buffer_full", "reports", "vigil.proc.overflows", true, true,
          "Times recv reported ENOBUFS (netlink buffer full); counts the reports, the events are in overflow"),
      new Row("kernel.proc", "unreadable", "processes", "vigil.proc.vanished", true, true,
          "Container processes that exited and were reaped before /proc could be read (no argv, no exe)"),
      new Row("kernel.fanotify", "overflow", "reports", "vigil.sensor.overflow", true, true,
          "The fanotify queue overflowed (FAN_Q_OVERFLOW); the kernel does not say how many events were lost"),
      new Row("kernel.fanotify", "unreadable", "events", "vigil.sensor.unreadable", true, true,
          "fanotify events without a descriptor, malformed, or that failed to resolve"),
      new Row("kernel.fanotify", "unwatched", "containers", "vigil.fanotify.unwatched", true, true,
          "Containers whose file events are not watched: their root could not be found or marked (seen in a "
              + "container deployment without the Docker data root mounted at its own path)"),
      new Row(EACH_SENSOR, "poll_failed", "polls", "vigil.poll.failures", true, false,
          "Polls of a container or of /proc that failed (a cgroup file that cannot be read, an Engine API call "
              + "that failed, a process gone mid-read); that container's sample or listing is missing for that "
              + "round. Not DEGRADED: a container stopping between listing and poll fails the same way"),
      new Row("docker.logs", "backlog_skipped", "milliseconds", "vigil.log.skipped.ms", true, true,
          "Container output skipped because its log stream fell further behind than --max-log-lag: the stream "
              + "was reopened from now, and the time between the last line read and now was not scanned"),
      new Row("docker.logs", "line_cut", "lines", "vigil.log.truncated", true, false,
          "Log lines longer than --max-log-line, scanned only up to the bound"),
      new Row("recorder", "dropped", "events", "vigil.record.dropped", true, true,
          "Events not written to the --record-events file because the recorder's queue was full"),
      new Row("rules", "budget_overrun", "evaluations", "vigil.rules.budget_overruns", false, true,
          "Rule evaluations stopped because they exceeded the per-event evaluation budget"));

  /**
   * One row's count for one sensor.
   *
   * @param total since the agent started
   * @param recent counted within the last {@link #WINDOW_INTERVALS} snapshots
   */
  public record Entry(String sensor, String kind, String unit, long total, long recent, boolean degrades) {}

  /**
   * The ledger at one status tick: the form status.json holds and an API can serialise as it is.
   *
   * @param at epoch milliseconds
   * @param entries every row whose source counter exists, in table order, then by sensor
   * @param reasons one line per entry that makes the agent DEGRADED now, empty when none does
   */
  public record Snapshot(long at, long windowMillis, List<Entry> entries, List<String> reasons) {

    public static final Snapshot EMPTY = new Snapshot(0, 0, List.of(), List.of());

    public boolean degraded() {
      return !reasons.isEmpty();
    }

    /** The total of every entry of a sensor. */
    public long total(String sensor) {
      return entries.stream().filter(e -> e.sensor().equals(sensor)).mapToLong(Entry::total).sum();
    }
  }

  private final MeterRegistry registry;
  private final long intervalMillis;
  private final Map<String, FunctionCounter> published = new HashMap<>();
  private final Deque<Map<String, Long>> history = new ArrayDeque<>();
  private Snapshot latest = Snapshot.EMPTY;

  /** @param intervalMillis the status interval, for the window's length in reasons */
  public Losses(MeterRegistry registry, long intervalMillis) {
    this.registry = registry;
    this.intervalMillis = intervalMillis;
    publish();
  }

  /** Reads every row, publishes new rows as {@code vigil.losses}, and keeps the counts for the window. */
  public synchronized Snapshot tick(long nowMillis) {
    publish();
    Map<String, Long> now = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    Map<String, Long> before = history.isEmpty() ? Map.of() : history.peekFirst();
    for (Row row : TABLE) {
      for (String sensor : sensors(row)) {
        String key = sensor + '\0' + row.kind();
        long total = read(row, sensor);
        long recent = total - before.getOrDefault(key, 0L);
        now.put(key, total);
        entries.add(new Entry(sensor, row.kind(), row.unit(), total, recent, row.degrades()));
        if (recent > 0 && row.degrades()) {
          reasons.add(sensor + " " + row.kind() + ": " + recent + " " + row.unit() + " in the last "
              + DurationText.format(java.time.Duration.ofMillis(WINDOW_INTERVALS * intervalMillis)));
        }
      }
    }
    history.addLast(now);
    while (history.size() > WINDOW_INTERVALS) {
      history.removeFirst();
    }
    latest = new Snapshot(nowMillis, WINDOW_INTERVALS * intervalMillis, List.copyOf(entries), List.copyOf(reasons));
    return latest;
  }

  /** The snapshot of the last {@link #tick}, for a status or API reader between ticks. */
  public synchronized Snapshot latest() {
    return latest;
  }

  /** The sensors a row stands for now: its own, or each sensor tag value its source counter has. */
  private List<String> sensors(Row row) {
    if (!row.sensor().equals(EACH_SENSOR)) {
      return List.of(row.sensor());
    }
    TreeSet<String> names = new TreeSet<>();
    for (Counter c : registry.find(row.source()).counters()) {
      String s = c.getId().getTag("sensor");
      if (s != null) {
        names.add(s);
      }
    }
    return List.copyOf(names);
  }

  private long read(Row row, String sensor) {
    var search = registry.find(row.source());
    if (row.sensorTag()) {
      search = search.tag("sensor", sensor);
    }
    return (long) search.counters().stream().mapToDouble(Counter::count).sum();
  }

  private synchronized void publish() {
    for (Row row : TABLE) {
      for (String sensor : sensors(row)) {
        published.computeIfAbsent(sensor + '\0' + row.kind(), k -> FunctionCounter
            .builder(METRIC, this, l -> l.read(row, sensor))
            .tag("sensor", sensor).tag("kind", row.kind())
            .description("What the agent lost, per sensor and kind (docs/LOSSES.md)")
            .register(registry));
      }
    }
  }

  /** The table as docs/LOSSES.md shows it. */
  public static String markdownTable() {
    StringBuilder b = new StringBuilder("| sensor | kind | unit | counted in | DEGRADED | what was lost |\n"
        + "|---|---|---|---|---|---|\n");
    for (Row r : TABLE) {
      b.append("| ").append(r.sensor().equals(EACH_SENSOR) ? "each sensor" : "`" + r.sensor() + "`")
          .append(" | `").append(r.kind()).append("` | ").append(r.unit()).append(" | `").append(r.source())
          .append(r.sensorTag() ? "{sensor}" : "").append("` | ").append(r.degrades() ? "yes" : "no")
          .append(" | ").append(r.description()).append(" |\n");
    }
    return b.toString();
  }
}
