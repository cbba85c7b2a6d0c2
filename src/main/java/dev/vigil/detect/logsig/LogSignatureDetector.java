package dev.vigil.detect.logsig;

import dev.vigil.alert.AlertSink;
import dev.vigil.common.Metrics;
import dev.vigil.detect.Detector;
import dev.vigil.detect.DetectorAlert;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.LogLine;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Scans every container output line for the {@link SignatureSet}'s signatures and raises one alert per signature
 * found, with the signature's rule name, priority and tags, in the same Falco shape as rule alerts.
 *
 * <p><b>Source.</b> Alerts have source {@code log}, as the rules on log lines do, so consumers that route by source
 * treat both alike; {@code evt.type} is {@code detector}, as for every detector alert.
 *
 * <p><b>Throttling.</b> A container that prints the same attack line a thousand times should raise one alert, not a
 * thousand: after an alert for (container, signature), further matches within {@code throttleWindow} (measured on the
 * lines' event times, so a replay throttles exactly as the live run did) are counted, not alerted. The next alert
 * after the window carries that count in {@code vigil.logsig.suppressed}; counts of a burst that never recurs stay in
 * the {@code vigil.logsig.throttled} metric. At most {@code maxTracked} windows are kept, least recently used evicted
 * first (an evicted pair alerts again at its next match, so eviction errs towards more alerts).
 *
 * <p><b>Output.</b> The text names the signature, the pattern found, the container and image, and an excerpt of the
 * line around the match (at most about {@value #EXCERPT_BEFORE} chars before and {@value #EXCERPT_AFTER} after it),
 * with control, line-separator and bidirectional-override characters shown as escapes so that an alert printed to a
 * terminal cannot be driven by what a container wrote. {@code output_fields} carry the whole line raw.
 *
 * <p>Single-threaded, like every detector.
 */
public final class LogSignatureDetector implements Detector {

  /** The detector's name, and its configuration section under {@code detectors:}. */
  public static final String NAME = "log_signatures";
  /** The alert source: log findings stay with the {@code log} source of the rules on log lines. */
  public static final String SOURCE = "log";

  static final int EXCERPT_BEFORE = 60;
  static final int EXCERPT_AFTER = 100;

  private final SignatureSet signatures;
  private final Duration window;
  private final Metrics metrics;
  private final Map<String, Window> windows;

  /** Per (container, signature): when the last alert was raised and how many matches were held back since. */
  private static final class Window {
    Instant alertedAt;
    long suppressed;

    Window(Instant alertedAt) {
      this.alertedAt = alertedAt;
    }
  }

  public LogSignatureDetector(SignatureSet signatures, Duration throttleWindow, int maxTracked,
      Metrics metrics) {
    if (maxTracked < 1) {
      throw new IllegalArgumentException("maxTracked must be at least 1, got " + maxTracked);
    }
    this.signatures = signatures;
    this.window = throttleWindow;
    this.metrics = metrics;
    this.windows = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
        if (size() > maxTracked) {
          metrics.counter("vigil.logsig.evicted", "detector", NAME).increment();
          return true;
        }
        return false;
      }
    };
  }

  /**
   * The detector the configuration asks for, or empty when it is disabled.
   *
   * @throws SignatureFileException if a signature file is malformed or the configuration names unknown signatures
   * @throws IOException if a signature file cannot be read
   */
  public static Optional<LogSignatureDetector> fromConfig(LogSignatureConfig cfg, Metrics metrics)
      throws IOException {
    if (!cfg.enabled()) {
      return Optional.empty();
    }
    SignatureSet set = SignatureSet.load(cfg.builtin(), cfg.files(), cfg.disabledSignatures());
    return Optional.of(new LogSignatureDetector(set, cfg.throttleWindow(), cfg.maxTracked(), metrics));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<EventKind> kinds() {
    return Set.of(EventKind.LOG_LINE);
  }

  public SignatureSet signatures() {
    return signatures;
  }

  /** Number of (container, signature) throttle windows held. */
  public int tracked() {
    return windows.size();
  }

  @Override
  public void onEvent(Event event, AlertSink out) {
    if (!(event instanceof LogLine line)) {
      return;
    }
    List<SignatureSet.Match> found = signatures.match(line.text());
    for (SignatureSet.Match m : found) {
      String id = m.signature().id();
      metrics.counter("vigil.logsig.matches", "signature", id).increment();
      String key = line.container().id() + '\0' + id;
      Window w = windows.get(key);
      if (w != null && throttled(w, line.time())) {
        w.suppressed++;
        metrics.counter("vigil.logsig.throttled", "signature", id).increment();
        continue;
      }
      long suppressed = 0;
      if (w == null) {
        windows.put(key, new Window(line.time()));
      } else {
        suppressed = w.suppressed;
        w.alertedAt = line.time();
        w.suppressed = 0;
      }
      out.accept(alert(line, m, suppressed));
    }
  }

  /** Within the window after the last alert; a line older than that alert (clock step back) counts as within. */
  private boolean throttled(Window w, Instant t) {
    return !window.isZero() && t.isBefore(w.alertedAt.plus(window));
  }

  private dev.vigil.alert.Alert alert(LogLine line, SignatureSet.Match m, long suppressed) {
    Signature s = m.signature();
    String stream = line.stream().name().toLowerCase(Locale.ROOT);
    String output = s.rule() + " (signature=" + s.id()
        + (s.description().isEmpty() ? "" : " [" + escape(s.description()) + "]")
        + " pattern=" + escape(m.pattern()) + " line=" + excerpt(line.text(), m) + " stream=" + stream
        + " container=" + line.container().name() + " image=" + line.container().image()
        + (suppressed > 0 ? " suppressed=" + suppressed : "") + ")";
    return DetectorAlert.of(s.rule(), s.priority(), SOURCE, line.time(), line.container())
        .tags(s.tags().toArray(String[]::new))
        .field("log.line", line.text())
        .field("log.stream", stream)
        .field("log.truncated", line.truncated())
        .field("log.bytes", line.originalBytes())
        .field("vigil.logsig.id", s.id())
        .field("vigil.logsig.pattern", m.pattern())
        .field("vigil.logsig.description", s.description())
        .field("vigil.logsig.suppressed", suppressed)
        .output(output)
        .build();
  }

  /** The part of the line around the match, escaped, with an ellipsis where it was cut. */
  static String excerpt(String text, SignatureSet.Match m) {
    int at = charIndexOfByte(text, m.start());
    int from = Math.max(0, at - EXCERPT_BEFORE);
    int to = Math.min(text.length(), at + m.pattern().length() + EXCERPT_AFTER);
    if (from > 0 && Character.isLowSurrogate(text.charAt(from))) {
      from--;
    }
    if (to < text.length() && Character.isLowSurrogate(text.charAt(to))) {
      to++;
    }
    return (from > 0 ? "…" : "") + escape(text.substring(from, to)) + (to < text.length() ? "…" : "");
  }

  /** The char index in {@code s} of the UTF-8 byte offset {@code byteOffset} of its encoding. */
  static int charIndexOfByte(String s, int byteOffset) {
    int bytes = 0;
    int i = 0;
    while (i < s.length() && bytes < byteOffset) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        // Other BMP chars take 3 bytes; an unpaired surrogate is encoded as '?'.
        bytes += Character.isSurrogate(c) ? 1 : 3;
      }
      i++;
    }
    return i;
  }

  /**
   * Shows C0/C1 controls and DEL as {@code \xNN} (as {@code FalcoJson} does for all output) and the Unicode line
   * separators and bidirectional controls as {@code \\uNNNN}, so the text reads the same on any terminal.
   */
  static String escape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0;
      boolean invisible = c == 0x2028 || c == 0x2029 || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
          || c == 0x200e || c == 0x200f || c == 0x061c;
      if (control || invisible) {
        if (sb == null) {
          sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        }
        sb.append(control ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
