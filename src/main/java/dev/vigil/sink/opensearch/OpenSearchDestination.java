package dev.vigil.sink.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.common.Metrics;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Destination;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.delivery.HttpPoster;
import dev.vigil.sink.delivery.TlsTrust;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to Elasticsearch or OpenSearch with {@code _bulk}, idempotently: each alert is a {@code create}
 * whose {@code _id} is its envelope id, so a batch delivered again after a timeout, a crash or a spool replay stores
 * nothing twice (the server answers 409 for the copies, which counts as delivered). Body and document: {@link
 * BulkBody}; mapping: {@link IndexTemplate}.
 *
 * <p>Per item: created or 409 is acknowledged; 429 and 5xx make the whole call fail as retryable (the delivery
 * layer sends the batch again; what was stored then answers 409, and ids this destination already saw settled are
 * left out of the resent body); any other status (a mapping error, say) is counted in
 * {@code vigil.sink.rejected{sink=opensearch}}, logged with the server's reason, and acknowledged, because sending
 * it again would fail the same way forever.
 *
 * <p>Per request: connection failures try the next URL, then fail as retryable, as do timeouts, 408, 429 and 5xx.
 * 401/403 (credentials or privileges) and a TLS failure are retryable too, with a message that says what to fix and
 * never a secret: the delivery layer skips a batch that failed as not retryable, and alerts must not be lost to
 * what an operator fixes (a rotated password, a missing role, a renewed certificate); they wait in the spool, as
 * for webhooks ({@link HttpPoster}). Other 4xx fail as not retryable.
 *
 * <p>Size: a batch's body is cut into requests of at most {@code max_bulk_bytes} ({@link OpenSearchConfig}; an
 * alert larger than that alone still goes, alone). HTTP 413 for a request (the server's
 * {@code http.max_content_length}, or a proxy's limit, is lower) splits it in halves, recursively, and later
 * requests are kept below the refused size; a single alert refused with 413 is counted in
 * {@code vigil.sink.rejected{sink=opensearch}}, logged once with its size, and acknowledged, since it can never
 * pass. Every request settles its own alerts, so when a later request of the same batch fails, or the delivery
 * layer's timeout cuts a long series of requests short, the retry sends only what is still owed.
 *
 * <p>The index template is installed by the first {@link #deliver} (or an explicit {@link #installTemplate()}), on
 * the delivery thread, so the agent's start never waits for the cluster. While the cluster is unreachable, refuses
 * the credentials (401) or fails TLS, the installation is retried with each delivery and no alert is sent; a refusal
 * that will not change (403: no privilege for templates; a server older than the composable template API) is logged
 * once and delivery goes on with the server's dynamic mapping.
 *
 * <p>Called from one delivery thread ({@link Destination}); {@link #installTemplate()} may be called from another.
 */
public final class OpenSearchDestination implements Destination {

  private static final Logger LOG = LoggerFactory.getLogger(OpenSearchDestination.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** How many recently settled ids are remembered, so a resent batch carries only what is still owed. */
  private static final int SETTLED_MEMORY = 20_000;

  private final OpenSearchConfig cfg;
  private final Metrics metrics;
  private final HttpClient client;
  private final String authorization;
  private final Map<String, Boolean> settled = new LinkedHashMap<>(1024, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > SETTLED_MEMORY;
    }
  };
  private int node;
  /** Why the last attempt to install the template failed, for the message of a delivery that waits for it. */
  private volatile String templateProblem = "cluster unreachable";
  /** The largest body sent: max_bulk_bytes, lowered below any size the server refused with 413. */
  private long bulkLimit;
  private volatile TemplateState template;

  private enum TemplateState { PENDING, INSTALLED, GAVE_UP }

  /**
   * Builds the destination; contacts nothing.
   *
   * @throws IllegalArgumentException when the TLS settings cannot be used (unreadable CA file)
   */
  public OpenSearchDestination(OpenSearchConfig cfg, Metrics metrics) {
    this.cfg = cfg;
    this.metrics = metrics;
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(cfg.timeout());
    if (cfg.urls().stream().anyMatch(u -> u.getScheme().equals("https"))) {
      b.sslContext(TlsTrust.context(cfg.caFile(), cfg.insecure(), "sinks.opensearch.ca_file"));
    }
    this.client = b.build();
    if (cfg.apiKey() != null) {
      authorization = "ApiKey " + cfg.apiKey();
    } else if (cfg.username() != null) {
      authorization = "Basic " + Base64.getEncoder().encodeToString(
          (cfg.username() + ":" + cfg.password()).getBytes(StandardCharsets.UTF_8));
    } else {
      authorization = null;
    }
    if (cfg.insecure()) {
      LOG.warn("opensearch: insecure: true, so any certificate and host name is accepted; the traffic and "
          + "credentials are readable by anyone on the path. Use ca_file instead.");
    }
    if (authorization != null && cfg.urls().stream().anyMatch(u -> u.getScheme().equals("http"))) {
      LOG.warn("opensearch: credentials are sent over plain http to {}", cfg.urls());
    }
    template = cfg.installTemplate() ? TemplateState.PENDING : TemplateState.GAVE_UP;
    bulkLimit = cfg.maxBulkBytes();
  }

  @Override
  public String name() {
    return "opensearch";
  }

  @Override
  public int maxBatch() {
    return cfg.maxBatch();
  }

  public OpenSearchConfig config() {
    return cfg;
  }

  @Override
  public void deliver(List<Envelope> batch) throws DeliveryException {
    if (template == TemplateState.PENDING && !installTemplate()) {
      // Not before the template: the first alert of the day would create the index with a dynamic mapping.
      throw new DeliveryException("opensearch: the index template is not installed yet (" + templateProblem + ")",
          true);
    }
    List<Envelope> owed = new ArrayList<>(batch.size());
    synchronized (settled) {
      for (Envelope e : batch) {
        if (!settled.containsKey(e.id())) {
          owed.add(e);
        }
      }
    }
    if (owed.isEmpty()) {
      return;
    }
    BulkBody.Entries entries = BulkBody.entries(owed, cfg);
    int from = 0;
    while (from < owed.size()) {
      int to = from + 1;
      while (to < owed.size() && entries.size(from, to + 1) <= bulkLimit) {
        to++;
      }
      bulk(owed, entries, from, to);
      from = to;
    }
  }

  /**
   * Sends the entries {@code [from, to)} of {@code owed} as one {@code _bulk} request and settles what the server
   * answered for each. HTTP 413 (the body is larger than the server or a proxy in front of it accepts) splits the
   * range in halves, each sent the same way, and lowers {@link #bulkLimit} so that later requests are cut before
   * sending; a single alert refused with 413 can never pass: it is counted as rejected, logged with its size and
   * settled.
   */
  private void bulk(List<Envelope> owed, BulkBody.Entries entries, int from, int to) throws DeliveryException {
    long size = entries.size(from, to);
    if (to - from > 1 && size > bulkLimit) { // the limit was lowered while sending this batch
      int mid = (from + to) >>> 1;
      bulk(owed, entries, from, mid);
      bulk(owed, entries, mid, to);
      return;
    }
    HttpResponse<byte[]> resp = send("POST", "/_bulk", entries.bytes(), entries.start(from), (int) size,
        "application/x-ndjson");
    int status = resp.statusCode();
    if (status == 413) {
      lowerBulkLimit(size, to - from);
      if (to - from == 1) {
        refuseTooLarge(owed.get(from), size);
        return;
      }
      int mid = (from + to) >>> 1;
      bulk(owed, entries, from, mid);
      bulk(owed, entries, mid, to);
      return;
    }
    if (status != 200) {
      throw requestFailure("bulk request", status, resp.body());
    }
    BulkResponse parsed;
    try {
      parsed = BulkResponse.parse(resp.body());
    } catch (IOException e) {
      throw new DeliveryException("opensearch: unreadable bulk response: " + e.getMessage(), true, e);
    }
    if (parsed.items().size() != to - from) {
      throw new DeliveryException("opensearch: bulk response has " + parsed.items().size() + " items for "
          + (to - from) + " alerts", true);
    }
    settle(owed.subList(from, to), parsed);
  }

  /**
   * After a 413 for a body of {@code refused} bytes: later bodies are kept to half of that (the size of the halves
   * sent next), or just below it when the body was a single alert, never below the smallest configurable bound. The
   * limit only goes down, so it ends at most a factor of two below the server's and no request fails twice for size.
   */
  private void lowerBulkLimit(long refused, int alerts) {
    long lowered = Math.max(OpenSearchConfig.MIN_MAX_BULK_BYTES, alerts > 1 ? refused / 2 : refused - 1);
    if (lowered < bulkLimit) {
      bulkLimit = lowered;
      LOG.warn("opensearch: the server refused a bulk request of {} alerts and {} bytes as too large (HTTP 413); "
          + "splitting it, and keeping later requests to at most {} bytes (set sinks.opensearch.max_bulk_bytes below "
          + "the limit of the server or of the proxy in front of it)", alerts, refused, lowered);
    }
  }

  /** A single alert the server refuses with 413: it would be refused forever, so it is counted and settled. */
  private void refuseTooLarge(Envelope e, long bytes) {
    synchronized (settled) {
      settled.put(e.id(), Boolean.TRUE);
    }
    metrics.counter("vigil.sink.rejected", "sink", name()).increment();
    LOG.warn("opensearch: alert {} (rule '{}') is {} bytes as a bulk entry, more than the server accepts even on "
        + "its own (HTTP 413); it is not delivered here and not retried",
        e.id(), shorten(e.alert().rule()), bytes);
  }

  private void settle(List<Envelope> owed, BulkResponse parsed) throws DeliveryException {
    int retry = 0;
    int rejected = 0;
    int duplicates = 0;
    BulkResponse.Item firstRetry = null;
    BulkResponse.Item firstRejected = null;
    synchronized (settled) {
      for (int i = 0; i < owed.size(); i++) {
        BulkResponse.Item item = parsed.items().get(i);
        switch (item.outcome()) {
          case RETRY:
            retry++;
            firstRetry = firstRetry == null ? item : firstRetry;
            continue;
          case REJECTED:
            rejected++;
            firstRejected = firstRejected == null ? item : firstRejected;
            break;
          case DUPLICATE:
            duplicates++;
            break;
          default:
            break;
        }
        settled.put(owed.get(i).id(), Boolean.TRUE);
      }
    }
    if (duplicates > 0) {
      metrics.counter("vigil.sink.duplicates", "sink", name()).increment(duplicates);
    }
    if (rejected > 0) {
      metrics.counter("vigil.sink.rejected", "sink", name()).increment(rejected);
      LOG.warn("opensearch: {} of {} alerts rejected and not retried (HTTP {} {}: {})", rejected, owed.size(),
          firstRejected.status(), firstRejected.errorType(), shorten(firstRejected.errorReason()));
    }
    if (retry > 0) {
      throw new DeliveryException("opensearch: " + retry + " of " + owed.size() + " alerts not accepted yet (HTTP "
          + firstRetry.status() + " " + firstRetry.errorType() + ": " + shorten(firstRetry.errorReason()) + ")",
          true);
    }
  }

  /**
   * Installs (or replaces) the index template now.
   *
   * @return true when the template is in place or will not be installed (refused for good, or switched off);
   *     false when the cluster could not be reached and a later call should try again
   */
  public boolean installTemplate() {
    if (template != TemplateState.PENDING) {
      return true;
    }
    String name = IndexTemplate.name(cfg);
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(IndexTemplate.body(cfg));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      HttpResponse<byte[]> resp = send("PUT", "/_index_template/" + name, body, "application/json");
      int status = resp.statusCode();
      if (status == 200) {
        template = TemplateState.INSTALLED;
        LOG.info("opensearch: index template '{}' (version {}) installed for {}", name, IndexTemplate.VERSION,
            cfg.dataStream() ? "data stream " + cfg.index() : "indices " + cfg.index() + "-*");
        return true;
      }
      DeliveryException e = requestFailure("installing index template '" + name + "'", status, resp.body());
      if (e.retryable() && status != 403) { // 403: no privilege for templates, which retrying will not change
        templateProblem = e.getMessage();
        LOG.info("{}; will try again", e.getMessage());
        return false;
      }
      template = TemplateState.GAVE_UP;
      LOG.warn("{}; alerts are delivered with the server's dynamic mapping (see docs/OPENSEARCH.md to install "
          + "the template by hand)", e.getMessage());
      return true;
    } catch (DeliveryException e) {
      if (e.retryable()) {
        templateProblem = e.getMessage();
        LOG.info("opensearch: cannot install the index template yet: {}", e.getMessage());
        return false;
      }
      template = TemplateState.GAVE_UP;
      LOG.warn("opensearch: index template not installed: {}", e.getMessage());
      return true;
    }
  }

  /** Whether the template was installed by this destination. */
  public boolean templateInstalled() {
    return template == TemplateState.INSTALLED;
  }

  /**
   * One HTTP call, failing over to the next URL when a node refuses the connection; the node that answered is
   * used first next time.
   */
  private HttpResponse<byte[]> send(String method, String path, byte[] body, String contentType)
      throws DeliveryException {
    return send(method, path, body, 0, body.length, contentType);
  }

  /** {@link #send(String, String, byte[], String)} with {@code length} bytes of {@code body} from {@code offset}. */
  private HttpResponse<byte[]> send(String method, String path, byte[] body, int offset, int length,
      String contentType) throws DeliveryException {
    List<URI> urls = cfg.urls();
    IOException last = null;
    for (int attempt = 0; attempt < urls.size(); attempt++) {
      URI base = urls.get(node % urls.size());
      HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(cfg.timeout())
          .header("Content-Type", contentType).header("Accept", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body, offset, length));
      if (authorization != null) {
        rb.header("Authorization", authorization);
      }
      try {
        return client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (HttpTimeoutException e) {
        throw new DeliveryException("opensearch: " + base + " did not answer within " + cfg.timeout(), true, e);
      } catch (SSLException e) {
        throw new DeliveryException("opensearch: TLS with " + base + " failed: " + e.getMessage()
            + " (check ca_file, or the server's certificate and host name)", true, e);
      } catch (ConnectException e) {
        last = e;
        node++;
      } catch (IOException e) {
        if (e.getCause() instanceof SSLException ssl) {
          throw new DeliveryException("opensearch: TLS with " + base + " failed: " + ssl.getMessage()
              + " (check ca_file, or the server's certificate and host name)", true, e);
        }
        last = e;
        node++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException("opensearch: interrupted", true, e);
      }
    }
    throw new DeliveryException("opensearch: cannot reach " + (urls.size() == 1 ? urls.get(0) : urls) + ": "
        + (last == null ? "no URL" : last.getClass().getSimpleName()
            + (last.getMessage() == null ? "" : " " + last.getMessage())), true, last);
  }

  /** Classifies a whole-request failure by its status. */
  private static DeliveryException requestFailure(String what, int status, byte[] body) {
    String detail = errorDetail(body);
    String msg = "opensearch: " + what + " failed with HTTP " + status + (detail.isEmpty() ? "" : " (" + detail
        + ")");
    if (status == 401 || status == 403) {
      // Retryable: the alerts wait in the spool until an operator fixes the credentials or the role.
      return new DeliveryException(msg + ": the server refused the credentials or their privileges; check "
          + "username/password or api_key", true);
    }
    if (status == 413) {
      return new DeliveryException(msg + ": the request is larger than the server accepts", false);
    }
    return new DeliveryException(msg, status == 408 || status == 429 || status >= 500);
  }

  /** {@code type: reason} from an error response, or a cleaned start of the body. */
  private static String errorDetail(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      var node = MAPPER.readTree(body);
      var err = node.path("error");
      if (err.isObject()) {
        String type = err.path("type").asText("");
        String reason = err.path("reason").asText("");
        return shorten(type + (reason.isEmpty() ? "" : ": " + reason));
      }
      if (err.isTextual()) {
        return shorten(err.asText());
      }
    } catch (IOException e) {
      // not JSON: show the start of it
    }
    return shorten(new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8));
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("\\p{Cntrl}", " ").trim();
    return t.length() <= 300 ? t : t.substring(0, 300) + "...";
  }
}
