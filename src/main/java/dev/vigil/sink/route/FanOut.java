package dev.vigil.sink.route;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.common.Metrics;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each alert to every sink in order; a sink that throws does not stop the others. Counts alerts per
 * rule and priority ({@code vigil.alerts}). Thread-safe when its sinks are.
 *
 * <p>Every sink is handed the same object, so the alerts file, stdout, the store and each network destination show
 * the same id (stamped before, by {@link dev.vigil.alert.AlertStamp}).
 */
public final class FanOut implements AlertSink {

  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

  private final List<AlertSink> sinks;
  private final Metrics metrics;

  public FanOut(List<AlertSink> sinks, Metrics metrics) {
    this.sinks = List.copyOf(sinks);
    this.metrics = metrics;
  }

  @Override
  public void accept(Alert alert) {
    metrics.counter("vigil.alerts", "priority", alert.priority().label()).increment();
    metrics.counter("vigil.alerts.rule", "rule", alert.rule()).increment();
    for (AlertSink s : sinks) {
      try {
        s.accept(alert);
      } catch (RuntimeException e) {
        metrics.counter("vigil.sink.failures", "sink", s.getClass().getSimpleName()).increment();
        LOG.error("sink {} failed: {}", s.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
