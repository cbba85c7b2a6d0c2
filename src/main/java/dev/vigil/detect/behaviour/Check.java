package dev.vigil.detect.behaviour;

import java.time.Duration;
import java.util.List;

/**
 * Validation of configuration values, with messages that name the property as the configuration file spells it
 * ({@code detectors.behaviour.port_scan.window}), so a typo'd threshold fails the agent's start with one clear line.
 */
final class Check {

  private Check() {}

  static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }

  static Duration positive(Duration d, String property) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(property + " must be a positive duration, got " + d);
    }
    return d;
  }

  static Duration notNegative(Duration d, String property) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(property + " must not be negative, got " + d);
    }
    return d;
  }

  static int atLeast(int v, int min, String property) {
    if (v < min) {
      throw new IllegalArgumentException(property + " must be at least " + min + ", got " + v);
    }
    return v;
  }

  static long atLeast(long v, long min, String property) {
    if (v < min) {
      throw new IllegalArgumentException(property + " must be at least " + min + ", got " + v);
    }
    return v;
  }

  static double atLeast(double v, double min, String property) {
    if (!(v >= min) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(property + " must be a number of at least " + min + ", got " + v);
    }
    return v;
  }

  static List<Integer> ports(List<Integer> ports, String property) {
    for (Integer p : ports) {
      if (p == null || p < 1 || p > 65535) {
        throw new IllegalArgumentException(property + " must hold ports from 1 to 65535, got " + p);
      }
    }
    return List.copyOf(ports);
  }

  static List<String> words(List<String> words, String property) {
    for (String w : words) {
      if (w == null || w.isBlank()) {
        throw new IllegalArgumentException(property + " must not hold empty entries");
      }
    }
    return List.copyOf(words);
  }
}
