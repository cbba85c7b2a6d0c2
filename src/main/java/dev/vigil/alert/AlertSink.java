package dev.vigil.alert;

/**
 * Receives alerts from the engine. Implementations document their own thread-safety; the engine calls them from
 * the dispatch thread only.
 */
@FunctionalInterface
public interface AlertSink {
  void accept(Alert alert);
}
