package dev.vigil.sink.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * One HTTP POST with a hard timeout and the failure classification every HTTP destination shares: 2xx is
 * acknowledged; 408, 429 (honouring {@code Retry-After}), 5xx, refused connections, resets and timeouts are
 * retryable; 401 and 403 are retryable too, because a rejected credential is fixed by an operator and the alerts
 * must wait for that rather than be dropped; any other status is final for this payload. Messages name the sink
 * and the host only: the URL's path and query (where Slack keeps its secret) never appear, nor do request headers.
 * Response bodies are read up to 512 bytes. Thread-safe.
 */
public final class HttpPoster {

  private static final int BODY_LIMIT = 512;

  private final String sink;
  private final URI uri;
  private final Duration timeout;
  private final HttpClient client;
  private final Clock clock;

  public HttpPoster(String sink, URI uri, Duration timeout, SSLContext ssl, Clock clock) {
    this.sink = sink;
    this.uri = uri;
    this.timeout = timeout;
    this.clock = clock;
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.client = b.build();
  }

  /** The host (and port) of a URL, the only part of it that may be shown. */
  public static String safeHost(URI uri) {
    String h = uri.getHost() == null ? "?" : uri.getHost();
    return uri.getPort() > 0 ? h + ":" + uri.getPort() : h;
  }

  /**
   * Parses and checks an http(s) URL without ever putting it in an error message.
   *
   * @throws IllegalArgumentException saying what is wrong, naming only {@code what}
   */
  public static URI parseUrl(String url, String what) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    URI u;
    try {
      u = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(what + " is not a valid URL");
    }
    if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
        || u.getHost() == null) {
      throw new IllegalArgumentException(what + " must be an http:// or https:// URL with a host");
    }
    return u;
  }

  /** A response: status and the first bytes of the body. */
  public record Answer(int status, String body) {}

  /** POSTs and returns when the server answered 2xx; otherwise throws a classified {@link DeliveryException}. */
  public Answer post(byte[] body, Map<String, String> headers) throws DeliveryException {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(rb::header);
    HttpRequest req = rb.build();
    CompletableFuture<HttpResponse<String>> f = client.sendAsync(req, info -> new LimitedBody(BODY_LIMIT));
    HttpResponse<String> resp;
    try {
      resp = f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new DeliveryException(where() + ": no response within " + timeout.toMillis() + " ms", true);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new DeliveryException(where() + ": interrupted", true);
    } catch (ExecutionException e) {
      throw transportFailure(e.getCause());
    }
    int s = resp.statusCode();
    String text = resp.body() == null ? "" : resp.body();
    if (s >= 200 && s < 300) {
      return new Answer(s, text);
    }
    String msg = where() + ": HTTP " + s + (text.isBlank() ? "" : " " + printable(text));
    if (s == 429 || s == 503) {
      Duration after = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
      if (after != null) {
        throw RetryAfter.failure(msg + " (retry after " + after.toSeconds() + " s)", after);
      }
      throw new DeliveryException(msg, true);
    }
    if (s >= 500 || s == 408 || s == 401 || s == 403) {
      throw new DeliveryException(msg, true);
    }
    throw new DeliveryException(msg, false);
  }

  private DeliveryException transportFailure(Throwable c) {
    if (c instanceof HttpConnectTimeoutException) {
      return new DeliveryException(where() + ": connect timed out", true);
    }
    if (c instanceof HttpTimeoutException) {
      return new DeliveryException(where() + ": no response within " + timeout.toMillis() + " ms", true);
    }
    if (c instanceof ConnectException) {
      return new DeliveryException(where() + ": connection refused or unreachable", true);
    }
    if (c instanceof SSLException) {
      return new DeliveryException(where() + ": TLS failed: " + redact(c.getMessage()), true);
    }
    if (c instanceof IOException) {
      return new DeliveryException(where() + ": " + c.getClass().getSimpleName() + ": " + redact(c.getMessage()),
          true);
    }
    return new DeliveryException(where() + ": " + c.getClass().getSimpleName(), true);
  }

  private String where() {
    return sink + " (" + safeHost(uri) + ")";
  }

  /** Removes the URL and its path from a message produced by the JDK or a server. */
  String redact(String s) {
    if (s == null) {
      return "";
    }
    String out = s.replace(uri.toString(), safeHost(uri));
    String path = uri.getRawPath();
    if (path != null && path.length() > 1) {
      out = out.replace(path, "/…");
    }
    String q = uri.getRawQuery();
    if (q != null && !q.isEmpty()) {
      out = out.replace(q, "…");
    }
    return out;
  }

  private String printable(String body) {
    StringBuilder sb = new StringBuilder();
    for (char c : redact(body).toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
      if (sb.length() >= 200) {
        sb.append('…');
        break;
      }
    }
    return sb.toString().trim();
  }

  /** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
  Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (java.time.format.DateTimeParseException e2) {
        return null;
      }
    }
  }

  /** Keeps the first {@code limit} bytes of a body and discards the rest, so no server can fill our memory. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<String> {
    private final int limit;
    private final byte[] buf;
    private int n;
    private final CompletableFuture<String> result = new CompletableFuture<>();

    LimitedBody(int limit) {
      this.limit = limit;
      this.buf = new byte[limit];
    }

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int take = Math.min(b.remaining(), limit - n);
        b.get(buf, n, take);
        n += take;
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new String(buf, 0, n, StandardCharsets.UTF_8));
    }
  }
}
