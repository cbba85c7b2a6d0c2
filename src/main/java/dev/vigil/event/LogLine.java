package dev.vigil.event;

import java.time.Instant;

/**
 * One line a container wrote to stdout or stderr, decoded as UTF-8 (invalid bytes replaced by U+FFFD) and cut
 * at the sensor's line bound.
 *
 * @param truncated true when the line was longer than the bound and {@code text} holds only its start
 * @param originalBytes the line's full length in bytes, counted even when it was cut
 */
public record LogLine(
    Instant time, ContainerRef container, String sensor, Stream stream, String text, boolean truncated,
    long originalBytes) implements Event {

  /** The stream a line came from. */
  public enum Stream {
    STDOUT,
    STDERR
  }

  @Override
  public EventKind kind() {
    return EventKind.LOG_LINE;
  }

  @Override
  public LogLine withContainer(ContainerRef ref) {
    return new LogLine(time, ref, sensor, stream, text, truncated, originalBytes);
  }
}
