package dev.vigil.sink.webhook;

import dev.vigil.alert.FalcoJson;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Destination;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.delivery.HttpPoster;
import dev.vigil.sink.delivery.TlsTrust;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;

/**
 * POSTs each alert, one per request, as exactly the JSON object Falco writes ({@link FalcoJson}): what
 * falcosidekick's {@code /} input and any Falco-aware receiver accept unchanged. Headers:
 * {@code Content-Type: application/json}, the configured custom headers, {@code X-Vigil-Alert-Id} (the
 * idempotency id: the same alert retried or replayed carries the same id, so a receiver can de-duplicate) and,
 * when a secret is configured, {@code X-Vigil-Signature: sha256=<hex>}, the HMAC-SHA256 of the exact request body
 * bytes keyed with the secret's UTF-8 bytes. A receiver verifies by computing the same HMAC over the raw body it
 * received and comparing in constant time before parsing.
 *
 * <p>TLS uses the JDK's trust store, or only the certificates of a configured CA file. Failures are classified by
 * {@link HttpPoster}; messages and {@link #toString()} show the name and host, never the URL's path, query or
 * header values. There is no batch to split: HTTP 413 (the receiver's body limit is below this one alert) is final
 * for that alert like any other 4xx but 401, 403, 408 and 429; the delivery layer counts it in
 * {@code vigil.sink.failed{sink=webhook:NAME}}, logs it and acknowledges it, since sending it again cannot pass.
 */
public final class WebhookDestination implements Destination {

  /** Header carrying the alert's idempotency id. */
  public static final String ID_HEADER = "X-Vigil-Alert-Id";
  /** Header carrying {@code sha256=<hex HMAC-SHA256 of the body>}. */
  public static final String SIGNATURE_HEADER = "X-Vigil-Signature";
  /** Headers the JDK's client sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final String name;
  private final HttpPoster http;
  private final Map<String, String> headers;
  private final byte[] secret;
  private final String host;

  /**
   * @param name the sink's name, used as {@code webhook:<name>}
   * @param headers custom headers sent with every request
   * @param hmacSecret the signing secret, or null for no signature
   * @param caFile a PEM file of CA certificates to trust instead of the JDK's, or null
   * @throws IllegalArgumentException for a bad URL, header or CA file; never quoting the URL or header values
   */
  public WebhookDestination(String name, String url, Map<String, String> headers, String hmacSecret,
      Duration timeout, Path caFile, Clock clock) {
    this.name = "webhook:" + Objects.requireNonNull(name, "name");
    URI uri = HttpPoster.parseUrl(url, "the URL of webhook " + name);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String k = e.getKey();
      if (k == null || k.isBlank() || !k.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
        throw new IllegalArgumentException("webhook " + name + ": header name '" + k + "' is not valid");
      }
      if (RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("webhook " + name + ": header " + k + " is set by the HTTP client");
      }
      String v = e.getValue() == null ? "" : e.getValue();
      if (v.chars().anyMatch(c -> c == '\r' || c == '\n')) {
        throw new IllegalArgumentException("webhook " + name + ": the value of header " + k + " has a line break");
      }
      h.put(k, v);
    }
    this.headers = Map.copyOf(h);
    this.secret = hmacSecret == null || hmacSecret.isEmpty() ? null : hmacSecret.getBytes(StandardCharsets.UTF_8);
    SSLContext ssl = caFile == null ? null : TlsTrust.context(caFile, false, "webhook " + name + ": ca_file");
    this.host = HttpPoster.safeHost(uri);
    this.http = new HttpPoster(this.name, uri, timeout, ssl, clock);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int maxBatch() {
    return 1;
  }

  @Override
  public void deliver(List<Envelope> batch) throws DeliveryException {
    for (Envelope e : batch) {
      byte[] body = FalcoJson.toJson(e.alert()).getBytes(StandardCharsets.UTF_8);
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(ID_HEADER, e.id());
      if (secret != null) {
        h.put(SIGNATURE_HEADER, "sha256=" + hmacHex(secret, body));
      }
      http.post(body, h);
    }
  }

  /** Lower-case hex HMAC-SHA256 of {@code body} keyed with {@code key}. */
  public static String hmacHex(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] d = mac.doFinal(body);
      StringBuilder sb = new StringBuilder(d.length * 2);
      for (byte b : d) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return sb.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  @Override
  public String toString() {
    return name + "(" + host + ")";
  }
}
