package dev.vigil.sensor;

/**
 * A source of events. {@link #start()} returns quickly (work happens on the sensor's own threads); sensor threads
 * never block on the pipeline, which drops and counts when full. {@link #close()} stops the threads and releases
 * connections; it is idempotent.
 */
public interface Sensor extends AutoCloseable {

  /** Stable name, also used as the {@code sensor} tag of its events and metrics (e.g. {@code docker.events}). */
  String name();

  /**
   * True for polling sensors that stand in for a real-time kernel sensor on hosts where that cannot run; they see
   * less (short-lived processes, file reads) and later.
   */
  default boolean fallback() {
    return false;
  }

  void start();

  @Override
  void close();
}
