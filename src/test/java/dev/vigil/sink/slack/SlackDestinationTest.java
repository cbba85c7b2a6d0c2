package dev.vigil.sink.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.sink.LocalReceiver;
import dev.vigil.sink.TestAlerts;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.delivery.RetryAfter;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackDestinationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_PATH = "/services/T0001/B0002/s3cr3tT0k3n";

  private final LocalReceiver slack;

  SlackDestinationTest() throws Exception {
    slack = new LocalReceiver();
  }

  @AfterEach
  void stop() {
    slack.close();
  }

  private SlackDestination dest(Duration timeout) {
    return new SlackDestination(slack.url(SECRET_PATH), timeout, Clock.systemUTC());
  }

  private static Alert hostile() {
    return TestAlerts.alert("Terminal shell in container", "0123456789ab", Priority.CRITICAL, TestAlerts.T0, "sh",
        "sh -c 'echo <!channel> & <https://evil.example|click here>'");
  }

  @Test
  void postsAReadableMessage_withPriorityRuleContainerImageProcessCommandAndTime() throws Exception {
    dest(Duration.ofSeconds(5)).deliver(List.of(new Envelope("id-1", hostile())));

    assertThat(slack.requests).hasSize(1);
    LocalReceiver.Request r = slack.requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo(SECRET_PATH);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    JsonNode m = JSON.readTree(r.body());
    assertThat(m.path("text").asText()).isEqualTo(
        ":rotating_light: *Critical* Terminal shell in container in container web-0123456789ab");
    JsonNode att = m.path("attachments").get(0);
    assertThat(att.path("color").asText()).isEqualTo("#7a0019");
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    att.path("fields").forEach(f -> fields.put(f.path("title").asText(), f.path("value").asText()));
    assertThat(fields).containsEntry("Priority", "Critical")
        .containsEntry("Rule", "Terminal shell in container")
        .containsEntry("Container", "web-0123456789ab (0123456789ab)")
        .containsEntry("Image", "nginx:1.25")
        .containsEntry("Process", "sh")
        .containsEntry("Time", "2026-03-01T10:00:00.123456789Z")
        .containsKey("Command line");
    assertThat(att.path("ts").asLong()).isEqualTo(TestAlerts.T0.getEpochSecond());
    // the alert's id, to look it up in the alerts file, the store or the search index
    assertThat(att.path("footer").asText()).isEqualTo("vigil on host-1 · alert id-1");
  }

  @Test
  void userControlledText_isEscapedForSlack_soNoMentionOrLinkCanBeForged() throws Exception {
    dest(Duration.ofSeconds(5)).deliver(List.of(new Envelope("id-1", hostile())));

    JsonNode att = JSON.readTree(slack.requests.get(0).body()).path("attachments").get(0);
    String cmd = null;
    for (JsonNode f : att.path("fields")) {
      if (f.path("title").asText().equals("Command line")) {
        cmd = f.path("value").asText();
      }
    }
    assertThat(cmd).isEqualTo("sh -c 'echo &lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;'");
    assertThat(att.path("text").asText()).contains("&lt;!channel&gt;").doesNotContain("<!channel>");
    assertThat(slack.requests.get(0).text()).doesNotContain("<!channel>").doesNotContain("<https://evil");
  }

  @Test
  void escape_coversAmpersandAngleBracketsAndControls() {
    assertThat(SlackDestination.escape("a&b<c>d\u001b[31m")).isEqualTo("a&amp;b&lt;c&gt;d\\x1b[31m");
    assertThat(SlackDestination.escape("&amp;")).isEqualTo("&amp;amp;");
  }

  @Test
  void rateLimited429_isRetryable_withSlacksRetryAfter() {
    slack.answer = new LocalReceiver.Answer(429, "rate_limited", Map.of("Retry-After", "7"), false);
    assertThatThrownBy(() -> dest(Duration.ofSeconds(5)).deliver(List.of(new Envelope("i", hostile()))))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(RetryAfter.of(e)).isEqualTo(Duration.ofSeconds(7));
          assertThat(e.getMessage()).contains("429").doesNotContain("s3cr3t");
        });
  }

  @Test
  void serverError_isRetryable_badPayloadIsNot_revokedUrlWaitsForAnOperator() {
    SlackDestination d = dest(Duration.ofSeconds(5));
    List<Envelope> one = List.of(new Envelope("i", hostile()));
    slack.answer = LocalReceiver.Answer.status(500, "oops");
    assertThatThrownBy(() -> d.deliver(one)).isInstanceOfSatisfying(DeliveryException.class,
        e -> assertThat(e.retryable()).isTrue());
    slack.answer = LocalReceiver.Answer.status(400, "invalid_payload");
    assertThatThrownBy(() -> d.deliver(one)).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).contains("invalid_payload");
    });
    slack.answer = LocalReceiver.Answer.status(410, "channel_is_archived");
    assertThatThrownBy(() -> d.deliver(one)).isInstanceOfSatisfying(DeliveryException.class,
        e -> assertThat(e.retryable()).isFalse());
    slack.answer = LocalReceiver.Answer.status(403, "invalid_token");
    assertThatThrownBy(() -> d.deliver(one)).isInstanceOfSatisfying(DeliveryException.class,
        e -> assertThat(e.retryable()).isTrue());
  }

  @Test
  void hangingServer_timesOut_retryable() {
    slack.answer = LocalReceiver.Answer.hanging();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> dest(Duration.ofMillis(300)).deliver(List.of(new Envelope("i", hostile()))))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("no response within 300 ms");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void refusedConnection_isRetryable_andTheMessageHidesTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    SlackDestination d = new SlackDestination("http://127.0.0.1:" + port + SECRET_PATH, Duration.ofSeconds(2),
        Clock.systemUTC());
    assertThatThrownBy(() -> d.deliver(List.of(new Envelope("i", hostile()))))
        .isInstanceOfSatisfying(DeliveryException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("refused").contains("127.0.0.1:" + port).doesNotContain("s3cr3t")
              .doesNotContain("T0001");
        });
  }

  @Test
  void theWebhookUrl_neverAppearsInNameToStringOrErrors() {
    SlackDestination d = dest(Duration.ofSeconds(1));
    assertThat(d.name()).isEqualTo("slack");
    assertThat(d.toString()).isEqualTo("slack(127.0.0.1:" + slack.url("").replaceAll(".*:", "") + ")")
        .doesNotContain("s3cr3t");
    assertThatThrownBy(() -> new SlackDestination("ftp://hooks.slack.com/services/T/B/s3cr3t", Duration.ofSeconds(1),
        Clock.systemUTC())).hasMessageNotContaining("s3cr3t").hasMessageContaining("Slack webhook URL");
    assertThatThrownBy(() -> new SlackDestination("https://hooks slack/s3cr3t", Duration.ofSeconds(1),
        Clock.systemUTC())).hasMessageNotContaining("s3cr3t");
  }
}
