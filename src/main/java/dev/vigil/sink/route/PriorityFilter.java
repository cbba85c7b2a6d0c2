package dev.vigil.sink.route;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;

/**
 * Passes on alerts at least as severe as a minimum priority: a per-sink {@code min_priority} for the sinks that
 * write synchronously (stdout, file). Thread-safe when its target is.
 */
public final class PriorityFilter implements AlertSink {

  private final Priority min;
  private final AlertSink target;

  public PriorityFilter(Priority min, AlertSink target) {
    this.min = min;
    this.target = target;
  }

  /** The target itself when every priority passes, else a filter in front of it. */
  public static AlertSink of(Priority min, AlertSink target) {
    return min == Priority.DEBUG ? target : new PriorityFilter(min, target);
  }

  @Override
  public void accept(Alert alert) {
    if (alert.priority().atLeast(min)) {
      target.accept(alert);
    }
  }

  /** The sink behind the filter (FanOut names failures after it). */
  public AlertSink target() {
    return target;
  }
}
