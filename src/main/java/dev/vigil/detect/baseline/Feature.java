package dev.vigil.detect.baseline;

import java.util.List;
import java.util.Locale;

/**
 * The features of one container interval, in the order of the model's vector. The order is part of the saved model
 * (files list the feature names and a file with another list is not reused), so new features go at the end.
 *
 * <p>The model sees {@code log1p(value)}, not the value. Features span eight orders of magnitude (a few pids,
 * hundreds of megabytes of memory), and Random Cut Forest chooses which dimension to cut in proportion to its range,
 * so raw values would let memory and byte rates decide every cut. On the log scale a change by the same factor weighs
 * the same in every feature (doubling is +0.69 wherever it happens), zero stays zero, and the heavy right tail of
 * rates (one busy interval among quiet ones) does not stretch the whole dimension.
 */
public enum Feature {
  /** Mean CPU over the interval's stats samples, percent of one core. */
  CPU_PERCENT("cpu_percent", "%"),
  /** Mean memory in use (without page cache), bytes. */
  MEMORY_BYTES("memory_bytes", "B"),
  /** Mean network receive rate, bytes per second. */
  RX_RATE("rx_rate", "B/s"),
  /** Mean network transmit rate, bytes per second. */
  TX_RATE("tx_rate", "B/s"),
  /** Mean number of processes and threads. */
  PIDS("pids", ""),
  /** Processes started, per minute. */
  EXEC_RATE("exec_rate", "/min"),
  /** Distinct executables started in the interval that the image's model had not seen before. */
  NEW_EXECUTABLES("new_executables", ""),
  /** Distinct remote endpoints (outbound ip:port, inbound ip) in the interval. */
  REMOTE_ENDPOINTS("remote_endpoints", ""),
  /** Files written (closed after writing, or added/changed), per minute. */
  FILE_WRITE_RATE("file_write_rate", "/min");

  /** Number of features, the model's dimension. */
  public static final int COUNT = values().length;

  private static final List<Feature> ALL = List.of(values());

  private final String key;
  private final String unit;

  Feature(String key, String unit) {
    this.key = key;
    this.unit = unit;
  }

  /** The snake_case name used in alerts, files and the configuration. */
  public String key() {
    return key;
  }

  /** All features in vector order. */
  public static List<Feature> all() {
    return ALL;
  }

  /** The names of all features in vector order, as saved in model files. */
  public static List<String> keys() {
    return ALL.stream().map(Feature::key).toList();
  }

  /** The value the model sees for a raw value: {@code log1p} of it, negative values taken as 0. */
  public static double transform(double raw) {
    return Math.log1p(Math.max(0, raw));
  }

  /** The raw value for a model-space value, the inverse of {@link #transform}. */
  public static double untransform(double modelValue) {
    return Math.max(0, Math.expm1(modelValue));
  }

  /** A short human-readable value with this feature's unit: {@code 5.2 MB/s}, {@code 12/min}, {@code 37.5%}. */
  public String format(double raw) {
    if (this == MEMORY_BYTES || this == RX_RATE || this == TX_RATE) {
      return bytes(raw) + unit.substring(1);
    }
    String n = raw >= 100 || raw == Math.rint(raw) ? String.format(Locale.ROOT, "%.0f", raw)
        : String.format(Locale.ROOT, "%.1f", raw);
    return n + unit;
  }

  private static String bytes(double b) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    int i = 0;
    while (b >= 1000 && i < units.length - 1) {
      b /= 1000;
      i++;
    }
    return (i == 0 ? String.format(Locale.ROOT, "%.0f", b) : String.format(Locale.ROOT, "%.1f", b)) + " " + units[i];
  }
}
