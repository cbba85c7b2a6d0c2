package dev.vigil.sensor;

/**
 * A source of events. What a sensor provides, whether it can run here and which sensor it stands in for is its
 * {@link SensorDeclaration}, not part of this interface. {@link #start()} returns quickly (work happens on the sensor's own threads); sensor threads
 * never block on the pipeline, which drops and counts when full. {@link #close()} stops the threads and releases
 * connections; it is idempotent.
 */
public interface Sensor extends AutoCloseable {

  /** Stable name, also used as the {@code sensor} tag of its events and metrics (e.g. {@code docker.events}). */
  String name();

  void start();

  @Override
  void close();
}
