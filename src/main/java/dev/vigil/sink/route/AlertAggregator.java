package dev.vigil.sink.route;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.FalcoJson;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds repeated alerts so that a flood reaches people as two messages instead of thousands, without hiding
 * anything: the first alert of a key goes out at once; repeats within the window are counted; when the window
 * closes, one follow-up goes out with the count and the first and last times of the repeats.
 *
 * <p>The key is the rule, the container id and either the output text (by default: only identical alerts fold) or,
 * when the rule has configured key fields, their values (e.g. {@code proc.name}; an empty list folds every alert of
 * the rule in one container). The window starts at the first alert (by the injected {@link Clock}); a scheduler tick
 * (or the next alert of the key) closes it. If repeats were folded, the follow-up is the last repeat with
 * {@code output_fields} {@code vigil.aggregate.count}, {@code vigil.aggregate.first_time} and
 * {@code vigil.aggregate.last_time} and the output suffixed {@code (repeated N times between T1 and T2)}; its time is
 * the last repeat's. A follow-up is a new alert: it has no id of its own here and gets a fresh one where ids are
 * assigned (the {@link FanOut}), never the id of the repeat it was built from. The key then stays open for another
 * window, so a continuing flood yields one follow-up per window; a window without repeats closes the key and the next
 * alert goes out at once again.
 *
 * <p>Windows are per rule (default 60 s, {@link AggregationOptions}); rules listed as never aggregated pass
 * untouched. Open keys are bounded: beyond {@code maxKeys} the oldest is closed early (its follow-up sent) and
 * counted in {@code vigil.aggregate.evicted}. {@link #close} sends every pending follow-up. Thread-safe; alerts are
 * passed on outside the lock.
 */
public final class AlertAggregator implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AlertAggregator.class);

  public static final String COUNT_FIELD = "vigil.aggregate.count";
  public static final String FIRST_FIELD = "vigil.aggregate.first_time";
  public static final String LAST_FIELD = "vigil.aggregate.last_time";

  private final AggregationOptions options;
  private final AlertSink next;
  private final Clock clock;
  private final Metrics metrics;
  private final LinkedHashMap<String, Open> open = new LinkedHashMap<>();
  private ScheduledExecutorService ticker;

  private static final class Open {
    Instant windowEnd;
    long count;
    Instant first;
    Instant last;
    Alert latest;
  }

  public AlertAggregator(AggregationOptions options, AlertSink next, Clock clock, Metrics metrics) {
    this.options = options;
    this.next = next;
    this.clock = clock;
    this.metrics = metrics;
    Gauge.builder("vigil.aggregate.open", this, AlertAggregator::openKeys)
        .description("alert keys with an open aggregation window").register(metrics.registry());
  }

  /** Starts the tick that closes windows, every {@code period} (1 s in the agent). */
  public synchronized void start(Duration period) {
    if (ticker != null) {
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(Threads.daemon("vigil-aggregate"));
    ticker.scheduleAtFixedRate(() -> {
      try {
        tick();
      } catch (RuntimeException e) {
        LOG.error("aggregation tick failed", e);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void accept(Alert alert) {
    Duration window = options.windowFor(alert.rule());
    if (window.isZero()) {
      next.accept(alert);
      return;
    }
    String key = key(alert);
    List<Alert> out = new ArrayList<>(2);
    synchronized (this) {
      Instant now = clock.instant();
      Open o = open.get(key);
      if (o != null && !now.isBefore(o.windowEnd)) {
        if (expire(o, now, window, out)) {
          open.remove(key);
          o = null;
        }
      }
      if (o == null) {
        if (open.size() >= options.maxKeys()) {
          evictOldest(out);
        }
        o = new Open();
        o.windowEnd = now.plus(window);
        open.put(key, o);
        out.add(alert);
      } else {
        if (o.count == 0) {
          o.first = alert.time();
        }
        o.count++;
        o.last = alert.time();
        o.latest = alert;
        metrics.counter("vigil.aggregate.folded", "rule", alert.rule()).increment();
      }
    }
    out.forEach(next::accept);
  }

  /** Closes every window that ended by now and sends the follow-ups. */
  public void tick() {
    List<Alert> out = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Open> e = it.next();
        Open o = e.getValue();
        if (!now.isBefore(o.windowEnd)) {
          Duration window = options.windowFor(o.latest != null ? o.latest.rule() : ruleOf(e.getKey()));
          if (expire(o, now, window, out)) {
            it.remove();
          }
        }
      }
    }
    out.forEach(next::accept);
  }

  /** Ends a window: queues the follow-up if there were repeats; true when the key should close. */
  private boolean expire(Open o, Instant now, Duration window, List<Alert> out) {
    if (o.count == 0 || window.isZero()) {
      if (o.count > 0) {
        out.add(summary(o));
      }
      return true;
    }
    out.add(summary(o));
    o.count = 0;
    o.first = null;
    o.last = null;
    o.latest = null;
    o.windowEnd = now.plus(window);
    return false;
  }

  private void evictOldest(List<Alert> out) {
    Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator();
    Open o = it.next().getValue();
    it.remove();
    if (o.count > 0) {
      out.add(summary(o));
    }
    metrics.counter("vigil.aggregate.evicted", "reason", "max_keys").increment();
  }

  private static Alert summary(Open o) {
    Alert a = o.latest;
    Map<String, Object> fields = new LinkedHashMap<>(a.outputFields());
    fields.put(COUNT_FIELD, o.count);
    fields.put(FIRST_FIELD, FalcoJson.formatTime(o.first));
    fields.put(LAST_FIELD, FalcoJson.formatTime(o.last));
    String output = a.output() + " (repeated " + o.count + " times between " + FalcoJson.formatTime(o.first)
        + " and " + FalcoJson.formatTime(o.last) + ")";
    return new Alert(o.last, a.rule(), a.priority(), output, a.source(), a.tags(), a.hostname(), fields);
  }

  private String key(Alert a) {
    StringBuilder sb = new StringBuilder(160).append(a.rule()).append('\0')
        .append(a.outputFields().get("container.id"));
    List<String> fields = options.keyFor(a.rule());
    if (fields == null) {
      sb.append('\0').append(a.output());
    } else {
      for (String f : fields) {
        sb.append('\0').append(a.outputFields().get(f));
      }
    }
    return sb.toString();
  }

  private static String ruleOf(String key) {
    int i = key.indexOf('\0');
    return i < 0 ? key : key.substring(0, i);
  }

  /** Keys with an open window. */
  public synchronized int openKeys() {
    return open.size();
  }

  /** Stops the tick and sends every pending follow-up. */
  @Override
  public void close() {
    ScheduledExecutorService t;
    List<Alert> out = new ArrayList<>();
    synchronized (this) {
      t = ticker;
      ticker = null;
      for (Open o : open.values()) {
        if (o.count > 0) {
          out.add(summary(o));
        }
      }
      open.clear();
    }
    if (t != null) {
      t.shutdownNow();
    }
    out.forEach(next::accept);
  }
}
