package dev.vigil.sink.delivery;

import java.util.List;

/**
 * A remote place alerts are delivered to (Slack, a webhook, Elasticsearch/OpenSearch). A destination only knows its
 * protocol: queueing, spooling to disk, retries with back-off, minimum priority and metrics are the delivery layer's
 * job around it, the same for every destination. Called from one delivery thread per destination.
 */
public interface Destination extends AutoCloseable {

  /** Stable name used in metrics, logs and configuration, e.g. {@code slack} or {@code webhook:siem}. */
  String name();

  /** The most alerts one {@link #deliver} call takes (1 for a destination without batches). */
  int maxBatch();

  /**
   * Delivers a batch, returning normally only when the destination acknowledged every alert in it; the delivery
   * layer then forgets them. Must respect its configured timeout and never block longer.
   *
   * @throws DeliveryException when any alert of the batch was not acknowledged (the whole batch is retried,
   *     which is why delivery is at-least-once and ids matter)
   */
  void deliver(List<Envelope> batch) throws DeliveryException;

  @Override
  default void close() {}
}
