package dev.vigil.event;

import java.time.Instant;

/**
 * A container's resource usage over the last sampling interval.
 *
 * @param cpuPercent CPU used, in percent of one core (200 = two cores busy), like {@code docker stats}
 * @param rxBytes cumulative network bytes received (all interfaces)
 * @param txBytes cumulative network bytes sent
 * @param rxRate bytes received per second over the interval
 * @param txRate bytes sent per second over the interval
 */
public record StatsSample(
    Instant time, ContainerRef container, String sensor, double cpuPercent, long memoryBytes, long memoryLimit,
    long rxBytes, long txBytes, double rxRate, double txRate, long blockReadBytes, long blockWriteBytes,
    long pids) implements Event {

  @Override
  public EventKind kind() {
    return EventKind.STATS;
  }

  @Override
  public StatsSample withContainer(ContainerRef ref) {
    return new StatsSample(time, ref, sensor, cpuPercent, memoryBytes, memoryLimit, rxBytes, txBytes, rxRate,
        txRate, blockReadBytes, blockWriteBytes, pids);
  }
}
