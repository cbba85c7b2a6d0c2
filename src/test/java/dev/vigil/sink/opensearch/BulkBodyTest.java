package dev.vigil.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.sink.delivery.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkBodyTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Alert alert(Instant t, String rule, Map<String, Object> extra) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", t.getEpochSecond() * 1_000_000_000L + t.getNano());
    f.put("evt.type", "execve");
    f.put("container.id", "0123456789ab");
    f.put("container.name", "web");
    f.put("container.image.repository", "nginx");
    f.put("container.image.tag", "1.27");
    f.putAll(extra);
    return new Alert(t, rule, Priority.WARNING, "A shell in web\u001b[2J", "syscall", List.of("container", "T1059"),
        "host-1", f);
  }

  private static List<JsonNode> lines(byte[] body) throws Exception {
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return text.lines().map(l -> {
      try {
        return MAPPER.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).toList();
  }

  @Test
  void createActionsWithTheEnvelopeIdIntoTheDailyIndexOfTheAlertTimeInUtc() throws Exception {
    OpenSearchConfig cfg = OpenSearchConfig.of("http://localhost:9200");
    Instant lateEvening = Instant.parse("2026-11-29T23:59:59.999999999Z");
    Instant justAfterMidnight = Instant.parse("2026-11-30T00:00:00.000000001Z");
    byte[] body = BulkBody.build(List.of(new Envelope("id-1", alert(lateEvening, "R1", Map.of())),
        new Envelope("id-2", alert(justAfterMidnight, "R2", Map.of()))), cfg);

    List<JsonNode> l = lines(body);
    assertThat(l).hasSize(4);
    assertThat(l.get(0).toString()).isEqualTo("{\"create\":{\"_index\":\"vigil-alerts-2026.11.29\",\"_id\":\"id-1\"}}");
    assertThat(l.get(2).toString()).isEqualTo("{\"create\":{\"_index\":\"vigil-alerts-2026.11.30\",\"_id\":\"id-2\"}}");
    assertThat(l.get(1).path("rule").asText()).isEqualTo("R1");
    assertThat(l.get(3).path("rule").asText()).isEqualTo("R2");
  }

  @Test
  void dataStreamModeTargetsTheStream() throws Exception {
    OpenSearchConfig cfg = OpenSearchConfig.fromYaml("http://h:9200", null, "soc-alerts", true, null, null, null,
        null, null, null, null, null, null, null);
    byte[] body = BulkBody.build(List.of(new Envelope("x", alert(Instant.parse("2026-01-01T00:00:00Z"), "R",
        Map.of()))), cfg);
    assertThat(lines(body).get(0).toString()).isEqualTo("{\"create\":{\"_index\":\"soc-alerts\",\"_id\":\"x\"}}");
  }

  @Test
  void theDocumentIsFalcoJsonPlusTimestampIdSeverityAndContainer() throws Exception {
    Instant t = Instant.parse("2026-11-29T10:11:12.123456789Z");
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("proc.cmdline", "sh -c 'id'");
    extra.put("proc.pid", 42);
    extra.put("vigil.ratio", 0.5);
    extra.put("fd.name", null);
    extra.put("vigil.nan", Double.NaN);
    extra.put("container.label[com.docker.compose.service]", "web");
    Alert a = alert(t, "Shell in container", extra);
    JsonNode doc = lines(BulkBody.build(List.of(new Envelope("abc-123", a)),
        OpenSearchConfig.of("http://h:9200"))).get(1);
    JsonNode falco = MAPPER.readTree(FalcoJson.toJson(a.withId("abc-123")));

    for (String key : List.of("hostname", "output", "priority", "rule", "source", "tags", "time", "uuid")) {
      assertThat(doc.get(key)).as(key).isEqualTo(falco.get(key));
    }
    assertThat(doc.path("@timestamp").asText()).isEqualTo("2026-11-29T10:11:12.123456789Z");
    assertThat(doc.path("uuid").asText()).isEqualTo("abc-123"); // the id every sink shows
    assertThat(doc.path("vigil").path("alert_id").asText()).isEqualTo("abc-123");
    assertThat(doc.path("vigil").path("severity").asInt()).isEqualTo(Priority.WARNING.ordinal());
    assertThat(doc.path("container").path("id").asText()).isEqualTo("0123456789ab");
    assertThat(doc.path("container").path("name").asText()).isEqualTo("web");
    assertThat(doc.path("container").path("image").asText()).isEqualTo("nginx:1.27");

    // every output field is there, under its name with dots as underscores, with its JSON type
    JsonNode of = doc.path("output_fields");
    Iterator<String> names = falco.path("output_fields").fieldNames();
    int n = 0;
    while (names.hasNext()) {
      String name = names.next();
      n++;
      JsonNode expected = falco.path("output_fields").get(name);
      JsonNode actual = of.get(name.replace('.', '_'));
      if (name.equals("vigil.nan")) {
        assertThat(actual.isNull()).isTrue();
      } else {
        assertThat(actual).as(name).isEqualTo(expected);
      }
    }
    assertThat(of.size()).isEqualTo(n);
    assertThat(of.path("proc_cmdline").asText()).isEqualTo("sh -c 'id'");
    assertThat(of.path("container_image_repository").asText()).isEqualTo("nginx");
    assertThat(of.path("container_label[com_docker_compose_service]").asText()).isEqualTo("web");
    assertThat(of.path("proc_pid").isIntegralNumber()).isTrue();
    assertThat(of.path("vigil_ratio").isFloatingPointNumber()).isTrue();
    // no key is both a value and a parent of another: nothing for the mapping to conflict on
    of.fieldNames().forEachRemaining(k -> assertThat(k).doesNotContain("."));
  }

  @Test
  void anAlertWithoutContainerFieldsHasNoContainerObject() throws Exception {
    Alert a = new Alert(Instant.parse("2026-01-01T00:00:00Z"), "Host thing", Priority.NOTICE, "x", "docker",
        List.of(), "h", Map.of("evt.type", "container", "container.image", "redis:7"));
    JsonNode doc = lines(BulkBody.build(List.of(new Envelope("i", a)), OpenSearchConfig.of("http://h:9200"))).get(1);
    assertThat(doc.path("container").path("image").asText()).isEqualTo("redis:7");
    assertThat(doc.path("container").has("id")).isFalse();

    Alert none = new Alert(Instant.parse("2026-01-01T00:00:00Z"), "Host thing", Priority.NOTICE, "x", "docker",
        List.of(), "h", Map.of("evt.type", "docker"));
    JsonNode doc2 = lines(BulkBody.build(List.of(new Envelope("i", none)), OpenSearchConfig.of("http://h:9200")))
        .get(1);
    assertThat(doc2.has("container")).isFalse();
  }
}
