package dev.vigil.detect;

import dev.vigil.alert.AlertFactory;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.OutputTemplate;
import dev.vigil.alert.Priority;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.LogLine;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Alerts when a container's output carries the signature of a port scanner's report ("Nmap scan report",
 * "SYN scan", "Masscan", ...), case-insensitively. Phrases are specific enough that an application saying
 * "virus scan report" stays quiet. Single-threaded.
 */
public final class LogScanSignatureDetector implements Detector {

  static final List<String> SIGNATURES = List.of(
      "nmap scan report", "starting nmap", "syn scan", "syn stealth scan", "masscan", "discovered open port",
      "zmap", "scanning ports", "ports scanned", "rustscan");

  private static final OutputTemplate OUTPUT = OutputTemplate.parse(
      "Port scan signature in container log (signature=%vigil.signature stream=%log.stream line=%log.line"
          + " container_id=%container.id container_name=%container.name"
          + " image=%container.image.repository:%container.image.tag)");
  private static final List<String> TAGS = List.of("container", "network", "log", "mitre_discovery", "T1046");
  private static final int MAX_LINE_IN_ALERT = 1024;

  private final AlertFactory alerts;

  public LogScanSignatureDetector(AlertFactory alerts) {
    this.alerts = alerts;
  }

  /** The first {@code max} chars, one fewer if the cut would split a surrogate pair. */
  static String cut(String s, int max) {
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }

  @Override
  public String name() {
    return "log-scan-signature";
  }

  @Override
  public Set<EventKind> kinds() {
    return Set.of(EventKind.LOG_LINE);
  }

  @Override
  public void onEvent(Event event, AlertSink out) {
    LogLine line = (LogLine) event;
    String lower = line.text().toLowerCase(Locale.ROOT);
    for (String sig : SIGNATURES) {
      if (lower.contains(sig)) {
        LogLine shown = line.text().length() > MAX_LINE_IN_ALERT
            ? new LogLine(line.time(), line.container(), line.sensor(), line.stream(),
                cut(line.text(), MAX_LINE_IN_ALERT), true, line.originalBytes())
            : line;
        out.accept(alerts.create(shown, "Port scan signature in container log", Priority.WARNING, OUTPUT, TAGS,
            Map.of("vigil.signature", sig)));
        return;
      }
    }
  }
}
