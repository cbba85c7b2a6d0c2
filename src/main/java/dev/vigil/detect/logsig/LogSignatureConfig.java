package dev.vigil.detect.logsig;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
 * ({@code PT1M}); bound by {@link dev.vigil.common.ConfigBinding}. Immutable.
 */
public record LogSignatureConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("builtin") Boolean builtin,
    @JsonProperty("files") List<Path> files,
    @JsonProperty("disabled_signatures") List<String> disabledSignatures,
    @JsonProperty("throttle_window") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration throttleWindow,
    @JsonProperty("max_tracked") Integer maxTracked) {

  public static final Duration DEFAULT_THROTTLE_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_MAX_TRACKED = 10_000;
  private static final String P = "detectors.log_signatures.";

  public LogSignatureConfig {
    enabled = enabled == null || enabled;
    builtin = builtin == null || builtin;
    files = files == null ? List.of() : List.copyOf(files);
    disabledSignatures = disabledSignatures == null ? List.of() : List.copyOf(disabledSignatures);
    throttleWindow = throttleWindow == null ? DEFAULT_THROTTLE_WINDOW : throttleWindow;
    if (throttleWindow.isNegative()) {
      throw new IllegalArgumentException(P + "throttle_window must not be negative, got " + throttleWindow);
    }
    maxTracked = maxTracked == null ? DEFAULT_MAX_TRACKED : maxTracked;
    if (maxTracked < 1) {
      throw new IllegalArgumentException(P + "max_tracked must be at least 1, got " + maxTracked);
    }
  }

  /** Enabled, built-in signatures only, one alert per container and signature per minute, 10,000 windows. */
  public static LogSignatureConfig defaults() {
    return new LogSignatureConfig(null, null, null, null, null, null);
  }
}
