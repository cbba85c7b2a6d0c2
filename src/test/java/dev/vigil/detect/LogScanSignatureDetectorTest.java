package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertFactory;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogScanSignatureDetectorTest {

  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
  private static final ContainerRef APP = new ContainerRef(
      "cccccccccccc3333333333333333333333333333333333333333333333333333", "scanner", "kali", "latest", "");

  private LogScanSignatureDetector detector;
  private List<Alert> alerts;

  @BeforeEach
  void setUp() {
    detector = new LogScanSignatureDetector(new AlertFactory("h"));
    alerts = new ArrayList<>();
  }

  private void feed(String text) {
    detector.onEvent(new LogLine(T, APP, "docker.logs", LogLine.Stream.STDOUT, text, false, text.length()),
        alerts::add);
  }

  @Test
  void describesItself() {
    assertThat(detector.name()).isEqualTo("log-scan-signature");
    assertThat(detector.kinds()).containsExactly(EventKind.LOG_LINE);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Nmap scan report for 10.0.0.5",
      "NMAP SCAN REPORT FOR host",
      "nmap scan report for db (172.17.0.3)",
      "Initiating SYN Scan at 12:00",
      "syn scan started",
      "Starting masscan 1.3.2 (http://bit.ly/14GZzcT)",
      "MASSCAN done",
      "Starting Nmap 7.94 ( https://nmap.org )",
      "Discovered open port 22/tcp on 10.0.0.5"
  })
  void scannerSignature_caseInsensitive_alerts(String line) {
    feed(line);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("Port scan signature in container log");
      assertThat(a.priority()).isEqualTo(Priority.WARNING);
      assertThat(a.source()).isEqualTo("log");
      assertThat(a.outputFields()).containsEntry("log.line", line);
      assertThat(a.tags()).contains("T1046");
    });
  }

  @Test
  void alert_namesLowercaseSignatureAndContainer() {
    feed("Nmap scan report for 10.0.0.5");
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.outputFields()).containsEntry("vigil.signature", "nmap scan report");
      assertThat(a.output()).isEqualTo("Port scan signature in container log (signature=nmap scan report"
          + " stream=stdout line=Nmap scan report for 10.0.0.5 container_id=cccccccccccc container_name=scanner"
          + " image=kali:latest)");
    });
  }

  @Test
  void lineWithSeveralSignatures_alertsOnce() {
    feed("Starting Nmap 7.94; Nmap scan report for x; SYN Scan; masscan");
    assertThat(alerts).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "virus scan report: 0 threats found",
      "Antivirus scan report generated",
      "GET /api/scan HTTP/1.1 200",
      "synchronizing scan results",
      "mass scan of documents complete",
      ""
  })
  void benignLine_isQuiet(String line) {
    feed(line);
    assertThat(alerts).isEmpty();
  }

  @Test
  void veryLongLine_isCutTo1024CharsInAlert() {
    String line = "Nmap scan report for 10.0.0.1 " + "x".repeat(5000);
    feed(line);
    assertThat(alerts).singleElement().satisfies(a -> {
      String shown = (String) a.outputFields().get("log.line");
      assertThat(shown).hasSize(1024).isEqualTo(line.substring(0, 1024));
      assertThat(a.outputFields()).containsEntry("log.truncated", true)
          .containsEntry("log.bytes", (long) line.length());
      assertThat(a.output()).contains("line=" + line.substring(0, 1024) + " container_id=")
          .doesNotContain(line.substring(0, 1025));
      assertThat(a.output().length()).isLessThan(1024 + 300);
    });
  }

  @Test
  void veryLongLine_cutDoesNotSplitASurrogatePair() {
    // An emoji (two UTF-16 units) straddles the 1024-char boundary.
    String line = "Nmap scan report " + "x".repeat(1023 - 17) + "\ud83d\ude00" + "tail".repeat(100);
    assertThat(Character.isHighSurrogate(line.charAt(1023))).isTrue();
    feed(line);
    assertThat(alerts).singleElement().satisfies(a -> {
      String shown = (String) a.outputFields().get("log.line");
      assertThat(shown.length()).isBetween(1023, 1025);
      assertThat(line).startsWith(shown);
      assertThat(Character.isHighSurrogate(shown.charAt(shown.length() - 1)))
          .as("alert text must not end with a lone high surrogate (unencodable as UTF-8)").isFalse();
    });
  }

  @Test
  void lineOfExactly1024Chars_isNotMarkedTruncated() {
    String line = "masscan " + "y".repeat(1024 - 8);
    feed(line);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.outputFields()).containsEntry("log.line", line).doesNotContainKey("log.truncated");
    });
  }

  @Test
  void signatureBeyondFirst1024Chars_stillAlerts() {
    String line = "z".repeat(3000) + " Nmap scan report for 10.0.0.1";
    feed(line);
    assertThat(alerts).singleElement().satisfies(a ->
        assertThat((String) a.outputFields().get("log.line")).hasSize(1024));
  }

  @Test
  void stderrLine_reportsStream() {
    detector.onEvent(new LogLine(T, APP, "docker.logs", LogLine.Stream.STDERR, "SYN Stealth Scan Timing", false, 23),
        alerts::add);
    assertThat(alerts).singleElement().satisfies(a ->
        assertThat(a.outputFields()).containsEntry("log.stream", "stderr"));
  }
}
