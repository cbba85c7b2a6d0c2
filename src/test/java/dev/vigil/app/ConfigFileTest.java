package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alert.Priority;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.delivery.FsyncPolicy;
import dev.vigil.sink.route.AggregationOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  private static final Map<String, String> ENV = Map.of("VIGIL_SLACK_WEBHOOK", "https://hooks.slack.com/services/T/B/s3cr3t",
      "SIEM_TOKEN", "tok-123");

  private static ConfigFile parse(String yaml) throws Exception {
    return ConfigFile.parse("vigil.yaml", yaml, ENV::get);
  }

  private static String error(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigFile.ConfigException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError("expected a ConfigException, got " + e, e);
    }
    throw new AssertionError("expected the configuration to be refused");
  }

  static final String FULL = String.join("\n",
      "data_dir: /var/lib/vigil-test",
      "delivery:            # defaults for every network sink",
      "  queue: 5000",
      "  timeout: 7s",
      "  backoff: {initial: 250ms, max: 2m}",
      "  spool_max_bytes: 128MB",
      "  fsync: always",
      "aggregation:",
      "  window: 30s",
      "  max_keys: 500",
      "  rules:",
      "    \"Terminal shell in container\": {window: 5m, key: [proc.name]}",
      "  never: [\"Rule X\"]",
      "sinks:",
      "  stdout: {enabled: false, min_priority: debug}",
      "  file: {path: /var/log/vigil/alerts.jsonl, max_size: 100MB, max_files: 5, min_priority: notice}",
      "  slack: {webhook_url: \"${VIGIL_SLACK_WEBHOOK}\", min_priority: warning, timeout: 5s}",
      "  webhooks:",
      "    - name: siem",
      "      url: \"http://siem.internal:8080/falco\"",
      "      headers: {X-Token: \"${SIEM_TOKEN}\", X-Other: \"${UNSET_VAR:-fallback}\"}",
      "      hmac_secret: \"hunter2\"",
      "      min_priority: notice",
      "      ca_file: /etc/vigil/ca.pem",
      "  opensearch: {url: \"https://os:9200\", index: vigil-alerts}",
      "store: {path: /var/lib/vigil/alerts.db, retention: 30d}",
      "detectors: {behaviour: {crypto_mining: {enabled: false}}}",
      "");

  @Test
  void fullExample_isRead() throws Exception {
    ConfigFile c = parse(FULL);
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/vigil-test"));
    DeliveryOptions d = c.deliveryDefaults();
    assertThat(d).isEqualTo(new DeliveryOptions(Priority.DEBUG, 5000, Duration.ofSeconds(7), Duration.ofMillis(250),
        Duration.ofMinutes(2), 128L << 20, FsyncPolicy.ALWAYS));
    AggregationOptions a = c.aggregationOptions();
    assertThat(a.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(a.maxKeys()).isEqualTo(500);
    assertThat(a.windowFor("Terminal shell in container")).isEqualTo(Duration.ofMinutes(5));
    assertThat(a.keyFor("Terminal shell in container")).containsExactly("proc.name");
    assertThat(a.windowFor("Rule X")).isZero();
    assertThat(a.windowFor("Other")).isEqualTo(Duration.ofSeconds(30));
    ConfigFile.Sinks s = c.sinks();
    assertThat(s.stdout().enabled()).isFalse();
    assertThat(s.file().maxSize()).isEqualTo(100L << 20);
    assertThat(s.file().maxFiles()).isEqualTo(5);
    assertThat(s.file().minPriority()).isEqualTo(Priority.NOTICE);
    assertThat(s.slack().webhookUrl()).isEqualTo("https://hooks.slack.com/services/T/B/s3cr3t");
    assertThat(s.slack().minPriority()).isEqualTo(Priority.WARNING);
    assertThat(s.slack().toString()).doesNotContain("s3cr3t");
    ConfigFile.Webhook w = s.webhooks().get(0);
    assertThat(w.name()).isEqualTo("siem");
    assertThat(w.headers()).containsEntry("X-Token", "tok-123").containsEntry("X-Other", "fallback");
    assertThat(w.hmacSecret()).isEqualTo("hunter2");
    assertThat(w.caFile()).isEqualTo(Path.of("/etc/vigil/ca.pem"));
    assertThat(w.toString()).doesNotContain("tok-123").doesNotContain("siem.internal");
    assertThat(s.opensearch().index()).isEqualTo("vigil-alerts");
    assertThat(c.storeSettings().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.detectorSettings().behaviour().cryptoMining().enabled()).isFalse();
    assertThat(c.detectorSettings().anomaly()).isEqualTo(dev.vigil.detect.baseline.AnomalyConfig.defaults());
  }

  @Test
  void emptyFile_andMissingSections_meanDefaults() throws Exception {
    ConfigFile c = parse("# nothing yet\n");
    assertThat(c.deliveryDefaults()).isEqualTo(DeliveryOptions.defaults());
    assertThat(c.aggregationOptions()).isEqualTo(AggregationOptions.defaults());
    assertThat(parse("aggregation: {enabled: false}\n").aggregationOptions().window()).isZero();
  }

  @Test
  void unknownKey_isAnErrorWithLineColumnAllowedKeysAndAHint() {
    String e = error("delivery:\n  queue: 10\n  timout: 5s\n");
    assertThat(e).startsWith("vigil.yaml:3:3: unknown key 'timout' in delivery; did you mean 'timeout'?")
        .contains("allowed: backoff, fsync, queue, spool_max_bytes, timeout");
    assertThat(error("sinks:\n  webhooks:\n    - name: a\n      url: http://x\n      hmac: s\n"))
        .startsWith("vigil.yaml:5:7: unknown key 'hmac' in sinks.webhooks[0]").contains("hmac_secret");
    assertThat(error("dta_dir: /x\n")).startsWith("vigil.yaml:1:1: unknown key 'dta_dir' at the top level; did you "
        + "mean 'data_dir'?");
  }

  @Test
  void badValues_areErrorsWithLineAndPath() {
    assertThat(error("delivery:\n  timeout: 5 parsecs\n")).startsWith("vigil.yaml:2:12: delivery.timeout: '5 parsecs'"
        + " is not a duration");
    assertThat(error("delivery:\n  spool_max_bytes: lots\n")).startsWith("vigil.yaml:2:20: delivery.spool_max_bytes:"
        + " 'lots' is not a size");
    assertThat(error("sinks:\n  slack: {min_priority: loud}\n")).contains("vigil.yaml:2:").contains("unknown priority 'loud'");
    assertThat(error("delivery:\n  fsync: sometimes\n")).contains("vigil.yaml:2:").contains("always, interval, never");
    assertThat(error("delivery:\n  queue: 0\n")).startsWith("vigil.yaml:").contains("queue must be at least 1");
    assertThat(error("sinks:\n  webhooks:\n    - url: http://x\n")).startsWith("vigil.yaml:3:")
        .contains("every webhook needs a name");
    assertThat(error("delivery: [1, 2]\n")).startsWith("vigil.yaml:1:11: delivery: ");
  }

  @Test
  void yamlSyntaxError_hasItsLine() {
    assertThat(error("sinks:\n  stdout:\n    enabled: true\n   file: x\n")).startsWith("vigil.yaml:4:")
        .contains("not valid YAML");
  }

  @Test
  void unsetEnvironmentVariable_isAnError_namingItButNoValue() {
    String e = error("sinks:\n  slack: {webhook_url: \"${NOT_SET_ANYWHERE}\"}\n");
    assertThat(e).startsWith("vigil.yaml:2:").contains("environment variable NOT_SET_ANYWHERE is not set");
  }

  @Test
  void envValuesAreData_neverYaml() throws Exception {
    ConfigFile c = ConfigFile.parse("f", "sinks:\n  slack: {webhook_url: \"${X}\"}\n",
        Map.of("X", "a\"b: c\n- d")::get);
    assertThat(c.sinks().slack().webhookUrl()).isEqualTo("a\"b: c\n- d");
  }

  @Test
  void sizes_andDurations() {
    assertThat(ConfigFile.parseSize("1024")).isEqualTo(1024);
    assertThat(ConfigFile.parseSize("512KB")).isEqualTo(512 * 1024);
    assertThat(ConfigFile.parseSize("256MB")).isEqualTo(256L << 20);
    assertThat(ConfigFile.parseSize("256 MiB")).isEqualTo(256L << 20);
    assertThat(ConfigFile.parseSize("1gb")).isEqualTo(1L << 30);
    assertThat(ConfigFile.parseSize("1.5GB")).isNull();
    assertThat(ConfigFile.parseSize("-1")).isNull();
  }

  @Test
  void commandLine_overridesTheFile() throws Exception {
    ConfigFile c = parse(FULL).withCommandLine(Path.of("/tmp/a.jsonl"), true, "https://hooks.slack.com/x",
        List.of("http://127.0.0.1:9/a", "http://127.0.0.1:9/b"), Path.of("/tmp/data"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/data"));
    assertThat(c.sinks().stdout().enabled()).isFalse();
    assertThat(c.sinks().file().path()).isEqualTo(Path.of("/tmp/a.jsonl"));
    assertThat(c.sinks().file().maxSize()).isEqualTo(100L << 20);
    assertThat(c.sinks().slack().webhookUrl()).isEqualTo("https://hooks.slack.com/x");
    assertThat(c.sinks().slack().minPriority()).isEqualTo(Priority.WARNING);
    assertThat(c.sinks().webhooks()).extracting(ConfigFile.Webhook::name).containsExactly("siem", "cli1", "cli2");
    ConfigFile none = ConfigFile.empty().withCommandLine(null, false, null, List.of(), null);
    assertThat(none.dataDir()).isNull();
    assertThat(none.sinks().webhooks()).isEmpty();
  }

  @Test
  void load_missingFile_saysSo(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigFile.load(dir.resolve("nope.yaml"))).hasMessageContaining("no such configuration file");
    Path f = Files.writeString(dir.resolve("ok.yaml"), "sinks: {stdout: {enabled: true}}\n");
    assertThat(ConfigFile.load(f).sinks().stdout().enabled()).isTrue();
  }

  @Test
  void theDocumentedExample_parses() throws Exception {
    Path doc = Path.of(System.getProperty("vigil.projectDir", "."), "docs", "CONFIGURATION.md");
    String md = Files.readString(doc);
    int start = md.indexOf("```yaml\n");
    int end = md.indexOf("```", start + 8);
    assertThat(start).as("docs/CONFIGURATION.md has a yaml example").isPositive();
    ConfigFile c = ConfigFile.parse("CONFIGURATION.md", md.substring(start + 8, end), n -> "https://example.com/x");
    assertThat(c.sinks().webhooks()).hasSize(1);
    // the sections other components own are bound with it
    assertThat(c.sinks().opensearch().index()).isEqualTo("vigil-alerts");
    assertThat(c.storeSettings().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.detectorSettings().behaviour().portScan().minDistinctPorts()).isEqualTo(40);
  }
}
