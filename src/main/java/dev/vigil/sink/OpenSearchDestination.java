package dev.vigil.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.common.Metrics;
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
 * it again would fail the same way forever. Per request: connection failures try the next URL, then fail as
 * retryable, as do timeouts, 429 and 5xx; 401/403 (credentials), 413 (batch too large), a TLS failure and other 4xx
 * fail as not retryable, with a message that says what to fix and never a secret.
 *
 * <p>The index template is installed by the first {@link #deliver} (or an explicit {@link #installTemplate()}), on
 * the delivery thread, so the agent's start never waits for the cluster. While the cluster is unreachable the
 * installation is retried with each delivery; a refusal that will not change (no privilege for templates, a server
 * older than the composable template API) is logged once and delivery goes on with the server's dynamic mapping.
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
      throw new DeliveryException("opensearch: the index template is not installed yet (cluster unreachable)",
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
    HttpResponse<byte[]> resp = send("POST", "/_bulk", BulkBody.build(owed, cfg), "application/x-ndjson");
    int status = resp.statusCode();
    if (status != 200) {
      throw requestFailure("bulk request", status, resp.body());
    }
    BulkResponse parsed;
    try {
      parsed = BulkResponse.parse(resp.body());
    } catch (IOException e) {
      throw new DeliveryException("opensearch: unreadable bulk response: " + e.getMessage(), true, e);
    }
    if (parsed.items().size() != owed.size()) {
      throw new DeliveryException("opensearch: bulk response has " + parsed.items().size() + " items for "
          + owed.size() + " alerts", true);
    }
    settle(owed, parsed);
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
      if (e.retryable()) {
        LOG.info("{}; will try again", e.getMessage());
        return false;
      }
      template = TemplateState.GAVE_UP;
      LOG.warn("{}; alerts are delivered with the server's dynamic mapping (see docs/OPENSEARCH.md to install "
          + "the template by hand)", e.getMessage());
      return true;
    } catch (DeliveryException e) {
      if (e.retryable()) {
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
    List<URI> urls = cfg.urls();
    IOException last = null;
    for (int attempt = 0; attempt < urls.size(); attempt++) {
      URI base = urls.get(node % urls.size());
      HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(cfg.timeout())
          .header("Content-Type", contentType).header("Accept", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      if (authorization != null) {
        rb.header("Authorization", authorization);
      }
      try {
        return client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (HttpTimeoutException e) {
        throw new DeliveryException("opensearch: " + base + " did not answer within " + cfg.timeout(), true, e);
      } catch (SSLException e) {
        throw new DeliveryException("opensearch: TLS with " + base + " failed: " + e.getMessage()
            + " (check ca_file, or the server's certificate and host name)", false, e);
      } catch (ConnectException e) {
        last = e;
        node++;
      } catch (IOException e) {
        if (e.getCause() instanceof SSLException ssl) {
          throw new DeliveryException("opensearch: TLS with " + base + " failed: " + ssl.getMessage()
              + " (check ca_file, or the server's certificate and host name)", false, e);
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
      return new DeliveryException(msg + ": the server refused the credentials or their privileges; check "
          + "username/password or api_key", false);
    }
    if (status == 413) {
      return new DeliveryException(msg + ": the batch is larger than the server accepts; lower max_batch", false);
    }
    return new DeliveryException(msg, status == 429 || status >= 500);
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
