package dev.vigil.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.common.Metrics;
import dev.vigil.sink.delivery.DeliveringSink;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.delivery.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The destination against a JDK HTTP server on loopback that answers as Elasticsearch/OpenSearch would (the real
 * server is in {@code OpenSearchSinkIT}); here the answers are chosen to reach every branch.
 */
class OpenSearchDestinationTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Request(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null ? null : v.get(0);
    }

    /** The ids of a bulk body's actions. */
    List<String> ids() throws IOException {
      List<String> ids = new ArrayList<>();
      List<String> lines = body.lines().toList();
      for (int i = 0; i < lines.size(); i += 2) {
        ids.add(MAPPER.readTree(lines.get(i)).path("create").path("_id").asText());
      }
      return ids;
    }
  }

  record Reply(int status, String body) {}

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private volatile Function<Request, Reply> bulk = OpenSearchDestinationTest::allCreated;
  private volatile Reply template = new Reply(200, "{\"acknowledged\":true}");

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private String start(HttpServer server) {
    server.createContext("/", this::handle);
    server.start();
    servers.add(server);
    return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
  }

  private String start() throws IOException {
    return start(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] in;
    try (InputStream is = ex.getRequestBody()) {
      in = is.readAllBytes();
    }
    Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
        new String(in, StandardCharsets.UTF_8));
    requests.add(r);
    Reply reply = r.path().startsWith("/_index_template/") ? template : bulk.apply(r);
    if (reply == null) {
      try {
        Thread.sleep(1200); // hang past the client's timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reply = new Reply(200, "{}");
    }
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
    if (out.length > 0) {
      ex.getResponseBody().write(out);
    }
    ex.close();
  }

  /** Answers every action with {@code statuses[i]} (or 201 past their end). */
  private static Function<Request, Reply> items(int... statuses) {
    return r -> {
      StringBuilder sb = new StringBuilder("{\"took\":1,\"errors\":true,\"items\":[");
      try {
        List<String> ids = r.ids();
        for (int i = 0; i < ids.size(); i++) {
          int st = i < statuses.length ? statuses[i] : 201;
          sb.append(i == 0 ? "" : ",").append("{\"create\":{\"_id\":\"").append(ids.get(i)).append("\",\"status\":")
              .append(st);
          if (st >= 300) {
            String type = st == 409 ? "version_conflict_engine_exception" : st == 429
                ? "es_rejected_execution_exception" : "mapper_parsing_exception";
            sb.append(",\"error\":{\"type\":\"").append(type).append("\",\"reason\":\"because ").append(st)
                .append("\"}");
          }
          sb.append("}}");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return new Reply(200, sb.append("]}").toString());
    };
  }

  private static Reply allCreated(Request r) {
    return items().apply(r);
  }

  private static List<Envelope> batch(String... ids) {
    List<Envelope> b = new ArrayList<>();
    for (String id : ids) {
      b.add(new Envelope(id, BulkBodyTest.alert(Instant.parse("2026-11-29T10:00:00Z"), "Rule " + id, Map.of())));
    }
    return b;
  }

  private OpenSearchDestination destination(String yaml) throws Exception {
    return new OpenSearchDestination(OpenSearchConfig.bind(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
        .readTree(yaml)), metrics);
  }

  private List<Request> bulkRequests() {
    return requests.stream().filter(r -> r.path().equals("/_bulk")).toList();
  }

  @Test
  void installsTheTemplateFirstThenBulksWithBasicAuth() throws Exception {
    String url = start();
    OpenSearchDestination d = destination("{url: '" + url + "', username: vigil, password: 'p@ss:word'}");
    assertThat(d.name()).isEqualTo("opensearch");
    assertThat(d.maxBatch()).isEqualTo(500);
    d.deliver(batch("a", "b"));
    d.deliver(batch("c"));

    assertThat(requests).extracting(Request::method).containsExactly("PUT", "POST", "POST");
    Request put = requests.get(0);
    assertThat(put.path()).isEqualTo("/_index_template/vigil-alerts");
    JsonNode t = MAPPER.readTree(put.body());
    assertThat(t.path("index_patterns").toString()).isEqualTo("[\"vigil-alerts-*\"]");
    assertThat(t.has("data_stream")).isFalse();
    assertThat(t.path("template").path("mappings").path("properties").path("@timestamp").path("type").asText())
        .isEqualTo("date");
    String expected = "Basic " + Base64.getEncoder().encodeToString("vigil:p@ss:word".getBytes(StandardCharsets.UTF_8));
    assertThat(requests).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo(expected));
    Request first = bulkRequests().get(0);
    assertThat(first.header("Content-type")).isEqualTo("application/x-ndjson");
    assertThat(first.ids()).containsExactly("a", "b");
    assertThat(d.templateInstalled()).isTrue();
  }

  @Test
  void apiKeyAndDataStreamTemplate() throws Exception {
    String url = start();
    OpenSearchDestination d = destination("{url: '" + url + "', api_key: 'aWQ6a2V5', data_stream: true}");
    d.deliver(batch("a"));
    assertThat(requests.get(0).header("Authorization")).isEqualTo("ApiKey aWQ6a2V5");
    JsonNode t = MAPPER.readTree(requests.get(0).body());
    assertThat(t.path("index_patterns").toString()).isEqualTo("[\"vigil-alerts\"]");
    assertThat(t.path("data_stream").isObject()).isTrue();
    assertThat(MAPPER.readTree(bulkRequests().get(0).body().lines().findFirst().orElseThrow())
        .path("create").path("_index").asText()).isEqualTo("vigil-alerts");
  }

  @Test
  void aConflictIsADuplicateAndCountsAsDelivered() throws Exception {
    String url = start();
    bulk = items(409, 201);
    OpenSearchDestination d = destination("{url: '" + url + "'}");
    d.deliver(batch("seen-before", "new"));
    assertThat(metrics.count("vigil.sink.duplicates", "sink", "opensearch")).isEqualTo(1);
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isZero();
  }

  @Test
  void aMappingErrorIsCountedNotRetried_andATooManyRequestsItemIsRetried_resendingOnlyWhatIsOwed() throws Exception {
    String url = start();
    bulk = items(201, 400, 429);
    OpenSearchDestination d = destination("{url: '" + url + "'}");
    List<Envelope> b = batch("ok", "bad-mapping", "throttled");
    assertThatThrownBy(() -> d.deliver(b)).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("1 of 3 alerts not accepted yet").contains("429");
    });
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isEqualTo(1);

    bulk = items();
    d.deliver(b); // the delivery layer's retry of the same batch
    assertThat(bulkRequests().get(1).ids()).containsExactly("throttled");
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isEqualTo(1);

    d.deliver(b); // all settled: nothing to send
    assertThat(bulkRequests()).hasSize(2);
  }

  @Test
  void wholeRequestFailuresAreClassified() throws Exception {
    String url = start();
    OpenSearchDestination d = destination("{url: '" + url + "', username: u, password: hunter2}");
    d.deliver(batch("warm-up"));

    bulk = r -> new Reply(401, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"missing authentication\"}"
        + ",\"status\":401}");
    // retryable: a skipped batch would be lost, and an operator fixes credentials; the alerts wait in the spool
    assertThatThrownBy(() -> d.deliver(batch("x"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("HTTP 401").contains("security_exception").contains("credentials")
          .doesNotContain("hunter2");
    });
    bulk = r -> new Reply(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"no index privilege\"}}");
    assertThatThrownBy(() -> d.deliver(batch("x")))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    bulk = r -> new Reply(408, "");
    assertThatThrownBy(() -> d.deliver(batch("x")))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    bulk = r -> new Reply(400, "{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"bad\"}}");
    assertThatThrownBy(() -> d.deliver(batch("x")))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isFalse());
    bulk = r -> new Reply(503, "{\"error\":{\"type\":\"cluster_block_exception\",\"reason\":\"no master\"}}");
    assertThatThrownBy(() -> d.deliver(batch("x"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("HTTP 503").contains("no master");
    });
    bulk = r -> new Reply(429, "");
    assertThatThrownBy(() -> d.deliver(batch("x")))
        .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.retryable()).isTrue());
    bulk = r -> new Reply(200, "<html>proxy page</html>");
    assertThatThrownBy(() -> d.deliver(batch("x"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("unreadable bulk response");
    });
    bulk = r -> new Reply(200, "{\"errors\":false,\"items\":[]}");
    assertThatThrownBy(() -> d.deliver(batch("x"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("0 items for 1 alerts");
    });
  }

  // --- HTTP 413: a server (or a proxy in front of it) with a body limit ---

  /** Refuses bodies above {@code maxBytes} with 413, as Elasticsearch, OpenSearch and nginx do; creates the rest. */
  private static Function<Request, Reply> limitedTo(int maxBytes) {
    return r -> r.body().getBytes(StandardCharsets.UTF_8).length > maxBytes ? new Reply(413,
        "{\"error\":{\"type\":\"content_too_long_exception\",\"reason\":\"too long\"},\"status\":413}")
        : allCreated(r);
  }

  /** The ids of the bulk requests the server accepted (body within {@code maxBytes}), in order. */
  private List<String> acceptedIds(int maxBytes) throws IOException {
    List<String> ids = new ArrayList<>();
    for (Request r : bulkRequests()) {
      if (r.body().getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
        ids.addAll(r.ids());
      }
    }
    return ids;
  }

  /** {@code n} alerts named {@code prefix-i}, each with a log line of {@code lineBytes}; {@code huge} get 300 KB. */
  private static List<Envelope> sized(String prefix, int n, int lineBytes, int... huge) {
    List<Envelope> b = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = lineBytes;
      for (int h : huge) {
        len = h == i ? 300_000 : len;
      }
      b.add(new Envelope(prefix + "-" + i, BulkBodyTest.alert(Instant.parse("2026-11-29T10:00:00Z"), "Rule " + i,
          Map.of("log.line", "x".repeat(len)))));
    }
    return b;
  }

  @Test
  void a413SplitsTheBatchUntilEveryPartPasses_andAnAlertTooLargeOnItsOwnIsRejectedAndSettled() throws Exception {
    String url = start();
    int limit = 100_000; // about 30 of these alerts
    bulk = limitedTo(limit);
    OpenSearchDestination d = destination("{url: '" + url + "'}");
    List<Envelope> b = sized("a", 200, 2_000, 77);

    d.deliver(b); // returns normally: nothing is left to retry

    List<String> accepted = acceptedIds(limit);
    List<String> expected = new ArrayList<>();
    b.forEach(e -> expected.add(e.id()));
    expected.remove("a-77");
    assertThat(accepted).containsExactlyElementsOf(expected); // each once, in order, the huge one never
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isEqualTo(1);
    // halving: the huge alert is in at most log2(200) + 1 refused requests, the last one it alone
    List<List<String>> withHuge = new ArrayList<>();
    for (Request r : bulkRequests()) {
      if (r.ids().contains("a-77")) {
        withHuge.add(r.ids());
      }
    }
    assertThat(withHuge).hasSizeBetween(2, 9);
    assertThat(withHuge.get(withHuge.size() - 1)).containsExactly("a-77");
    assertThat(bulkRequests()).hasSizeLessThan(2 * 200);

    int before = bulkRequests().size();
    d.deliver(b); // the delivery layer's retry, had something failed: all settled, the huge one included
    assertThat(bulkRequests()).hasSize(before);

    // later batches are cut below the refused size before sending: no 413 round trips any more
    d.deliver(sized("b", 200, 2_000));
    List<Request> later = bulkRequests().subList(before, bulkRequests().size());
    assertThat(later).allSatisfy(r -> assertThat(r.body().length()).isLessThanOrEqualTo(limit));
    assertThat(acceptedIds(limit)).hasSize(199 + 200);
  }

  @Test
  void maxBulkBytesCutsABatchBeforeSending_andAnAlertLargerThanThatStillGoesAlone() throws Exception {
    String url = start();
    OpenSearchDestination d = destination("{url: '" + url + "', max_bulk_bytes: 64KB}");
    assertThat(d.config().maxBulkBytes()).isEqualTo(64 * 1024);
    List<Envelope> b = sized("c", 100, 5_000, 50);
    d.deliver(b);

    List<Request> sent = bulkRequests();
    assertThat(sent).hasSizeGreaterThan(100 * 5_000 / (64 * 1024));
    for (Request r : sent) {
      if (r.ids().contains("c-50")) {
        assertThat(r.ids()).containsExactly("c-50"); // larger than the bound: sent, on its own
      } else {
        assertThat(r.body().length()).isLessThanOrEqualTo(64 * 1024);
      }
    }
    List<String> all = new ArrayList<>();
    for (Request r : sent) {
      all.addAll(r.ids());
    }
    assertThat(all).containsExactlyElementsOf(b.stream().map(Envelope::id).toList());
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isZero();
  }

  @Test
  void behindTheDeliveryLayer_everyAlertArrivesOnce_andOnlyTheOversizedOneIsRejected() throws Exception {
    String url = start();
    int limit = 60_000;
    bulk = limitedTo(limit);
    OpenSearchDestination d = destination("{url: '" + url + "', max_batch: 100}");
    DeliveringSink sink = new DeliveringSink(d, DeliveryOptions.defaults(), dir.resolve("spool"), metrics,
        java.time.Clock.systemUTC());
    sink.start();
    List<Envelope> alerts = sized("d", 300, 1_500, 5, 250);
    try {
      for (Envelope e : alerts) {
        sink.accept(e.alert().withId(e.id()));
      }
      long end = System.nanoTime() + 20_000_000_000L;
      while (sink.state().spoolRecords() > 0 || sink.state().queued() > 0) {
        assertThat(System.nanoTime()).as("delivered within 20 s").isLessThan(end);
        Thread.sleep(20);
      }
    } finally {
      sink.close(java.time.Duration.ofSeconds(5));
    }
    List<String> expected = new ArrayList<>(alerts.stream().map(Envelope::id).toList());
    expected.removeAll(List.of("d-5", "d-250"));
    // no failure, so no retry: each exactly once, in order
    assertThat(acceptedIds(limit)).containsExactlyElementsOf(expected);
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isEqualTo(2);
    assertThat(sink.state().failed()).isZero();
    assertThat(sink.state().dropped()).isZero();
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsRetryable() throws Exception {
    String url = start();
    bulk = r -> null;
    OpenSearchDestination d = destination("{url: '" + url + "', timeout: 300ms}");
    long start = System.nanoTime();
    assertThatThrownBy(() -> d.deliver(batch("x"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("did not answer within");
    });
    assertThat(System.nanoTime() - start).isLessThan(1_100_000_000L);
  }

  @Test
  void whileTheClusterIsDownNothingIsSent_thenTheTemplateComesFirst() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OpenSearchDestination d = destination("{url: 'http://127.0.0.1:" + port + "'}");
    assertThat(d.installTemplate()).isFalse();
    assertThatThrownBy(() -> d.deliver(batch("x"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("template is not installed yet");
    });
    assertThat(d.templateInstalled()).isFalse();

    start(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0));
    d.deliver(batch("x"));
    assertThat(requests).extracting(Request::path).containsExactly("/_index_template/vigil-alerts", "/_bulk");
  }

  @Test
  void aRefusedTemplateIsGivenUpOnce_andAlertsStillFlow() throws Exception {
    String url = start();
    template = new Reply(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"no manage_index_templates\"}}");
    OpenSearchDestination d = destination("{url: '" + url + "'}");
    d.deliver(batch("a"));
    d.deliver(batch("b"));
    assertThat(requests).extracting(Request::path).containsExactly("/_index_template/vigil-alerts", "/_bulk", "/_bulk");
    assertThat(d.templateInstalled()).isFalse();
  }

  @Test
  void rejectedCredentialsKeepTheTemplatePending_andNothingIsSentUntilTheyAreFixed() throws Exception {
    String url = start();
    template = new Reply(401, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"}}");
    OpenSearchDestination d = destination("{url: '" + url + "', username: u, password: wrong}");
    assertThatThrownBy(() -> d.deliver(batch("a"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("template is not installed yet").contains("HTTP 401")
          .contains("credentials").doesNotContain("wrong");
    });
    assertThat(bulkRequests()).isEmpty();

    template = new Reply(200, "{\"acknowledged\":true}"); // the operator fixed the user on the cluster
    d.deliver(batch("a"));
    assertThat(requests).extracting(Request::path)
        .containsExactly("/_index_template/vigil-alerts", "/_index_template/vigil-alerts", "/_bulk");
    assertThat(d.templateInstalled()).isTrue();
  }

  @Test
  void installTemplateFalseNeverTouchesTemplates() throws Exception {
    String url = start();
    OpenSearchDestination d = destination("{url: '" + url + "', install_template: false}");
    d.deliver(batch("a"));
    assertThat(requests).extracting(Request::path).containsExactly("/_bulk");
  }

  @Test
  void anUnreachableNodeFailsOverToTheNext() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = s.getLocalPort();
    }
    String live = start();
    OpenSearchDestination d = destination("{urls: ['http://127.0.0.1:" + dead + "', '" + live + "']}");
    d.deliver(batch("a"));
    d.deliver(batch("b"));
    assertThat(bulkRequests()).hasSize(2);
  }

  // --- TLS, with a certificate made by the JDK's keytool for 127.0.0.1 ---

  private Path keystore() throws Exception {
    Path ks = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=search.test", "-ext",
        "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass",
        "changeit");
    run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(), "-storepass", "changeit",
        "-file", dir.resolve("ca.pem").toString());
    return ks;
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  private String startHttps(Path keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(new HttpsConfigurator(ctx));
    return start(s);
  }

  @Test
  void tlsWithTheClustersCaFile_orInsecure_butNotWithTheJdkDefaults() throws Exception {
    String url = startHttps(keystore());
    Path ca = dir.resolve("ca.pem");

    destination("{url: '" + url + "', ca_file: '" + ca + "'}").deliver(batch("a"));
    assertThat(bulkRequests()).hasSize(1);

    // insecure also accepts a name the certificate does not carry
    String byName = url.replace("127.0.0.1", "localhost");
    destination("{url: '" + byName + "', insecure: true}").deliver(batch("b"));
    assertThat(bulkRequests()).hasSize(2);

    // retryable: the alerts wait in the spool until the CA file or the certificate is fixed
    OpenSearchDestination strict = destination("{url: '" + url + "', install_template: false}");
    assertThatThrownBy(() -> strict.deliver(batch("c"))).isInstanceOfSatisfying(DeliveryException.class, e -> {
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("TLS with " + url).contains("ca_file");
    });
    assertThat(bulkRequests()).hasSize(2);
  }

  @Test
  void anUnreadableCaFileFailsAtConstruction() throws Exception {
    Files.writeString(dir.resolve("not.pem"), "hello");
    assertThatThrownBy(() -> destination("{url: 'https://127.0.0.1:1', ca_file: '" + dir.resolve("missing.pem")
        + "'}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sinks.opensearch.ca_file")
        .hasMessageContaining("missing.pem");
    assertThatThrownBy(() -> destination("{url: 'https://127.0.0.1:1', ca_file: '" + dir.resolve("not.pem")
        + "'}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.pem");
  }
}
