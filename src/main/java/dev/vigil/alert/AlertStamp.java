package dev.vigil.alert;

/**
 * The output stage's stamp: gives every alert that passes the agent's host name (unless its producer named one) and
 * a new id ({@link AlertIds}, unless it has one), then hands it on. Rules, detectors, aggregation summaries and the
 * delivery layer's own alerts all pass here once, after aggregation and before the fan-out to the sinks, so no
 * producer needs to know the host name and every sink sees the same id. Thread-safe when {@code next} is.
 */
public final class AlertStamp implements AlertSink {

  private final String hostname;
  private final AlertSink next;

  public AlertStamp(String hostname, AlertSink next) {
    this.hostname = hostname;
    this.next = next;
  }

  @Override
  public void accept(Alert a) {
    next.accept(a.stamped(a.hostname() != null ? a.hostname() : hostname, a.id() != null ? a.id() : AlertIds.next()));
  }
}
