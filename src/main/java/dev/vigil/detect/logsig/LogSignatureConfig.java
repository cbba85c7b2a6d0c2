package dev.vigil.detect.logsig;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.common.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the log signature detector, the {@code detectors.log_signatures:} section of the configuration file.
 * Every key is optional; a missing key keeps its {@link #defaults() default}:
 *
 * <pre>
 * detectors:
 *   log_signatures:
 *     enabled: true                 # false turns the detector off
 *     builtin: true                 # load the built-in signatures (signatures/default.yaml in the jar)
 *     files: [/etc/vigil/signatures.yaml]   # more signature files, same format
 *     disabled_signatures: [auth.web-apps]  # ids to leave out (an unknown id is an error)
 *     throttle_window: 1m           # at most one alert per container and signature per window (0 = every line)
 *     max_tracked: 10000            # (container, signature) windows remembered; the least recently used go first
 * </pre>
 *
 * Durations are written {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a number of seconds or ISO-8601
 * ({@code PT1M}). Immutable.
 */
public record LogSignatureConfig(boolean enabled, boolean builtin, List<Path> files, List<String> disabledSignatures,
    Duration throttleWindow, int maxTracked) {

  public static final Duration DEFAULT_THROTTLE_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_MAX_TRACKED = 10_000;

  public LogSignatureConfig {
    files = List.copyOf(files);
    disabledSignatures = List.copyOf(disabledSignatures);
    Objects.requireNonNull(throttleWindow, "throttleWindow");
    if (throttleWindow.isNegative()) {
      throw new IllegalArgumentException("throttle_window must not be negative, got " + throttleWindow);
    }
    if (maxTracked < 1) {
      throw new IllegalArgumentException("max_tracked must be at least 1, got " + maxTracked);
    }
  }

  /** Enabled, built-in signatures only, one alert per container and signature per minute, 10,000 windows. */
  public static LogSignatureConfig defaults() {
    return new LogSignatureConfig(true, true, List.of(), List.of(), DEFAULT_THROTTLE_WINDOW, DEFAULT_MAX_TRACKED);
  }

  /** Binds the YAML/JSON section; absent keys take the defaults. */
  @JsonCreator
  static LogSignatureConfig fromJson(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("builtin") Boolean builtin,
      @JsonProperty("files") List<String> files,
      @JsonProperty("disabled_signatures") List<String> disabledSignatures,
      @JsonProperty("throttle_window") String throttleWindow,
      @JsonProperty("max_tracked") Integer maxTracked) {
    return new LogSignatureConfig(
        enabled == null || enabled,
        builtin == null || builtin,
        files == null ? List.of() : files.stream().map(Path::of).toList(),
        disabledSignatures == null ? List.of() : disabledSignatures,
        throttleWindow == null ? DEFAULT_THROTTLE_WINDOW : parseDuration(throttleWindow),
        maxTracked == null ? DEFAULT_MAX_TRACKED : maxTracked);
  }

  /**
   * Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  static Duration parseDuration(String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("throttle_window " + e.getMessage(), e);
    }
  }

}
