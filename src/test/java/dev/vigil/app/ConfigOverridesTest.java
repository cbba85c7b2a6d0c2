package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vigil.alert.Priority;
import dev.vigil.sink.opensearch.OpenSearchConfig;
import dev.vigil.store.StoreConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {

  private static final Map<String, String> ENV = Map.of("HOOK", "https://hooks.example/T/B/s3cr3t");

  private static ConfigFile apply(String yaml, String... options) throws ConfigFile.ConfigException {
    ConfigOverrides.Builder b = ConfigFile.overrides(ENV::get);
    for (String o : options) {
      b.option(o);
    }
    return ConfigFile.parse("vigil.yaml", yaml, ENV::get, b.build());
  }

  private static String error(String yaml, String... options) {
    try {
      apply(yaml, options);
    } catch (ConfigFile.ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected the options to be refused");
  }

  @Test
  void setsScalarsWithTheirYamlTypes_createsMissingSections() throws Exception {
    ConfigFile c = apply("", "delivery.queue=123", "delivery.timeout=7s", "sinks.stdout.enabled=false",
        "sinks.file.path=/tmp/a.jsonl", "sinks.file.min_priority=warning");
    assertThat(c.delivery().queue()).isEqualTo(123);
    assertThat(c.delivery().timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.sinks().stdout().enabled()).isFalse();
    assertThat(c.enabledFile().path().toString()).isEqualTo("/tmp/a.jsonl");
    assertThat(c.enabledFile().minPriority()).isEqualTo(Priority.WARNING);
  }

  @Test
  void overridesTheFile_laterOptionWins_restOfTheFileStays() throws Exception {
    String yaml = "delivery: {queue: 5, timeout: 3s}\nstore: {retention: 30d, max_rows: 1000}\n";
    ConfigFile c = apply(yaml, "delivery.queue=10", "store.retention=7d", "store.retention=2d");
    assertThat(c.delivery().queue()).isEqualTo(10);
    assertThat(c.delivery().timeout()).isEqualTo(Duration.ofSeconds(3));
    StoreConfig store = c.storeSettings();
    assertThat(store.retention()).isEqualTo(Duration.ofDays(2));
    assertThat(store.maxRows()).isEqualTo(1000);
  }

  @Test
  void listElements_byIndexAndAppend_andFlowValues() throws Exception {
    String yaml = "sinks:\n  webhooks:\n    - {name: siem, url: \"http://siem:8080/\"}\n";
    ConfigFile c = apply(yaml, "sinks.webhooks[0].min_priority=error", "sinks.webhooks[].name=second",
        "sinks.webhooks[1].url=${HOOK}", "sinks.webhooks[1].headers={X-Team: sec, X-Env: prod}",
        "aggregation.never=[Rule A, \"Rule B\"]");
    List<ConfigFile.Webhook> hooks = c.sinks().webhooks();
    assertThat(hooks).hasSize(2);
    assertThat(hooks.get(0).minPriority()).isEqualTo(Priority.ERROR);
    assertThat(hooks.get(1).name()).isEqualTo("second");
    assertThat(hooks.get(1).url()).isEqualTo("https://hooks.example/T/B/s3cr3t");
    assertThat(hooks.get(1).headers()).containsExactlyInAnyOrderEntriesOf(Map.of("X-Team", "sec", "X-Env", "prod"));
    assertThat(c.aggregation().never()).containsExactly("Rule A", "Rule B");
  }

  @Test
  void ownersSections_receiveTheirKeys() throws Exception {
    ConfigFile c = apply("", "sinks.opensearch.urls=[\"https://a:9200\", \"https://b:9200\"]",
        "sinks.opensearch.index=alerts", "detectors.behaviour.port_scan.enabled=false");
    OpenSearchConfig os = c.sinks().opensearch();
    assertThat(os.toString()).contains("a:9200").contains("b:9200").contains("alerts");
    assertThat(c.detectorSettings().behaviour().portScan().enabled()).isFalse();
  }

  @Test
  void dedicatedOptions_removeAndSet() throws Exception {
    ConfigOverrides o = ConfigFile.overrides(ENV::get)
        .remove("--opensearch-url", "sinks.opensearch.url")
        .set("--opensearch-url", "sinks.opensearch.urls",
            JsonNodeFactory.instance.arrayNode().add("https://cli:9200"))
        .build();
    ConfigFile c = ConfigFile.parse("vigil.yaml", "sinks:\n  opensearch: {url: \"https://file:9200\", index: x}\n",
        ENV::get, o);
    assertThat(c.sinks().opensearch().urls()).extracting(Object::toString).containsExactly("https://cli:9200");
    assertThat(c.sinks().opensearch().index()).isEqualTo("x");
  }

  @Test
  void errors_nameTheOptionAndTheKey() {
    assertThat(error("", "delivery.queu=5")).startsWith("command line").contains("unknown key 'queu'")
        .contains("delivery").contains("queue");
    assertThat(error("", "delivery.queue=-1")).startsWith("command line").contains("queue");
    assertThat(error("", "delivery.queue")).contains("-o delivery.queue").contains("KEY=VALUE");
    assertThat(error("", "=5")).contains("KEY=VALUE");
    assertThat(error("delivery: {queue: 5}\n", "delivery.queue.x=1")).contains("-o delivery.queue.x")
        .contains("delivery.queue is not a section");
    assertThat(error("", "sinks.webhooks[3].url=x")).contains("has 0 element(s)").contains("[0]");
    assertThat(error("", "sinks.webhooks[x].url=x")).contains("'[x]' is not a list index");
    assertThat(error("", "sinks.webhooks[0.url=x")).contains("unclosed '['");
    assertThat(error("", "a..b=1")).contains("empty key segment");
    assertThat(error("", "sinks.slack.webhook_url=${NOPE}")).contains("NOPE").contains("not set");
    assertThat(error("", "sinks.slack.webhook_url=[unclosed")).contains("not a valid YAML value");
  }

  @Test
  void theFilesOwnErrorsKeepTheirPosition_evenWithOptions() {
    assertThat(error("delivery:\n  queu: 5\n", "delivery.queue=5")).startsWith("vigil.yaml:2:");
  }

  @Test
  void anEmptyValueIsTheEmptyString_andASecretNeverAppearsInAnError() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode root = JsonNodeFactory.instance.objectNode();
    ConfigFile.overrides(ENV::get).option("a.b=").build().applyTo(root);
    assertThat(root.path("a").path("b").isTextual()).isTrue();
    assertThat(root.path("a").path("b").asText()).isEmpty();
    String err = error("", "sinks.slack.webhook_url=${HOOK}", "sinks.slack.timeout=never");
    assertThat(err).doesNotContain("s3cr3t");
  }
}
