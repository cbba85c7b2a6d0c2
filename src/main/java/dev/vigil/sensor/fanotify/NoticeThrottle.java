package dev.vigil.sensor.fanotify;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventSink;
import dev.vigil.event.SensorNotice;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns counted problems into {@link SensorNotice}s: per kind ({@code overflow}, {@code unreadable}) at most one
 * notice per interval, carrying the count since the previous notice of that kind and a breakdown by cause. A notice
 * the pipeline refuses keeps its count for the next one, so nothing is lost silently. Thread-safe: any thread may
 * {@link #add}; {@link #flush} is serialised.
 */
final class NoticeThrottle {

  private final String sensor;
  private final EventSink sink;
  private final Clock clock;
  private final long intervalNanos;
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

  private static final class Kind {
    final String what;
    final String advice;
    final Map<String, AtomicLong> causes = new ConcurrentHashMap<>();
    long lastNanos;
    boolean emitted;

    Kind(String what, String advice) {
      this.what = what;
      this.advice = advice;
    }
  }

  NoticeThrottle(String sensor, EventSink sink, Clock clock, long intervalNanos) {
    this.sensor = sensor;
    this.sink = sink;
    this.clock = clock;
    this.intervalNanos = intervalNanos;
  }

  /** Declares a kind with the advice appended to its messages; kinds must be declared before {@link #add}. */
  NoticeThrottle kind(String what, String advice) {
    kinds.put(what, new Kind(what, advice));
    return this;
  }

  /** Counts {@code n} occurrences of {@code cause} under {@code what}. */
  void add(String what, String cause, long n) {
    Kind k = kinds.get(what);
    if (k == null) {
      throw new IllegalArgumentException("undeclared notice kind " + what);
    }
    k.causes.computeIfAbsent(cause, c -> new AtomicLong()).addAndGet(n);
  }

  /** Emits a notice for each kind with a count whose previous notice is at least one interval old. */
  synchronized void flush(long nowNanos) {
    for (Kind k : kinds.values()) {
      if (k.emitted && nowNanos - k.lastNanos < intervalNanos) {
        continue;
      }
      Map<String, Long> taken = new TreeMap<>();
      long total = 0;
      for (Map.Entry<String, AtomicLong> e : k.causes.entrySet()) {
        long n = e.getValue().getAndSet(0);
        if (n > 0) {
          taken.put(e.getKey(), n);
          total += n;
        }
      }
      if (total == 0) {
        continue;
      }
      SensorNotice notice = new SensorNotice(clock.instant(), ContainerRef.HOST, sensor, k.what, total,
          message(k, total, taken));
      if (sink.offer(notice)) {
        k.lastNanos = nowNanos;
        k.emitted = true;
      } else {
        taken.forEach((cause, n) -> add(k.what, cause, n));
      }
    }
  }

  private static String message(Kind k, long total, Map<String, Long> causes) {
    StringBuilder sb = new StringBuilder();
    sb.append(total).append(' ').append(k.what).append(" file event").append(total == 1 ? "" : "s").append(" (");
    boolean first = true;
    for (Map.Entry<String, Long> e : causes.entrySet()) {
      sb.append(first ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
      first = false;
    }
    sb.append(')');
    if (!k.advice.isEmpty()) {
      sb.append("; ").append(k.advice);
    }
    return sb.toString();
  }
}
