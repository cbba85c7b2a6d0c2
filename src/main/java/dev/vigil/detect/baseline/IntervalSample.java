package dev.vigil.detect.baseline;

import dev.vigil.event.ContainerRef;
import java.time.Instant;
import java.util.List;

/**
 * What one container did in one closed interval, before the image's model turns it into a feature vector. The
 * "new executables" feature is not decided here: whether a path is new depends on the image's memory of paths,
 * which the model keeps (and saves), so the sample carries the distinct paths and the model counts the unknown ones.
 * Immutable.
 *
 * @param imageKey the model this interval belongs to ({@link AnomalyDetector#imageKey})
 * @param start the interval's start (inclusive), aligned to the interval grid
 * @param end the interval's end (exclusive)
 * @param cpuPercent mean CPU of the stats samples, or the last known value when the interval had none
 * @param execsPerMinute processes started, per minute
 * @param executables distinct executable paths started in the interval (at most a bounded number)
 * @param executablesOverflow starts whose path could not be kept because the per-interval set was full; the model
 *     counts them as new
 * @param remoteEndpoints distinct remote endpoints, saturating at the per-interval cap
 * @param fileWritesPerMinute files written, per minute
 * @param statsSamples stats samples in the interval (0: the stats values were carried from an earlier interval)
 */
public record IntervalSample(
    ContainerRef container, String imageKey, Instant start, Instant end, double cpuPercent, double memoryBytes,
    double rxRate, double txRate, double pids, double execsPerMinute, List<String> executables,
    int executablesOverflow, int remoteEndpoints, double fileWritesPerMinute, int statsSamples) {

  public IntervalSample {
    executables = List.copyOf(executables);
  }

  /**
   * The raw feature values in {@link Feature} order, with {@code newExecutables} as decided by the image's model.
   */
  public double[] rawFeatures(int newExecutables) {
    double[] v = new double[Feature.COUNT];
    v[Feature.CPU_PERCENT.ordinal()] = cpuPercent;
    v[Feature.MEMORY_BYTES.ordinal()] = memoryBytes;
    v[Feature.RX_RATE.ordinal()] = rxRate;
    v[Feature.TX_RATE.ordinal()] = txRate;
    v[Feature.PIDS.ordinal()] = pids;
    v[Feature.EXEC_RATE.ordinal()] = execsPerMinute;
    v[Feature.NEW_EXECUTABLES.ordinal()] = newExecutables;
    v[Feature.REMOTE_ENDPOINTS.ordinal()] = remoteEndpoints;
    v[Feature.FILE_WRITE_RATE.ordinal()] = fileWritesPerMinute;
    return v;
  }
}
