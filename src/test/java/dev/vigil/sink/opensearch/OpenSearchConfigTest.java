package dev.vigil.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.alert.Priority;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenSearchConfigTest {

  private static JsonNode yaml(String text) throws Exception {
    return new YAMLMapper().readTree(text);
  }

  @Test
  void oneUrlAndDefaults() throws Exception {
    OpenSearchConfig c = OpenSearchConfig.bind(yaml("url: http://localhost:9200/"));
    assertThat(c.urls()).containsExactly(URI.create("http://localhost:9200"));
    assertThat(c.index()).isEqualTo("vigil-alerts");
    assertThat(c.dataStream()).isFalse();
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxBatch()).isEqualTo(500);
    assertThat(c.maxBulkBytes()).isEqualTo(5L << 20);
    assertThat(c.minPriority()).isEqualTo(Priority.DEBUG);
    assertThat(c.installTemplate()).isTrue();
    assertThat(c.target(LocalDate.of(2026, 1, 2))).isEqualTo("vigil-alerts-2026.01.02");
  }

  @Test
  void everyKey() throws Exception {
    OpenSearchConfig c = OpenSearchConfig.bind(yaml("""
        urls: [https://a.example:9200, "https://b.example:9200/proxy/"]
        index: soc-alerts
        data_stream: true
        username: vigil
        password: s3cret
        ca_file: /etc/vigil/ca.pem
        timeout: 2500ms
        max_batch: 200
        max_bulk_bytes: 512KB
        min_priority: warning
        install_template: false
        """));
    assertThat(c.urls()).containsExactly(URI.create("https://a.example:9200"),
        URI.create("https://b.example:9200/proxy"));
    assertThat(c.index()).isEqualTo("soc-alerts");
    assertThat(c.dataStream()).isTrue();
    assertThat(c.target(LocalDate.of(2026, 1, 2))).isEqualTo("soc-alerts");
    assertThat(c.username()).isEqualTo("vigil");
    assertThat(c.caFile()).isEqualTo(Path.of("/etc/vigil/ca.pem"));
    assertThat(c.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.maxBatch()).isEqualTo(200);
    assertThat(c.maxBulkBytes()).isEqualTo(512 * 1024);
    assertThat(OpenSearchConfig.bind(yaml("{url: 'http://h', max_bulk_bytes: 1048576}")).maxBulkBytes())
        .isEqualTo(1 << 20);
    assertThat(c.minPriority()).isEqualTo(Priority.WARNING);
    assertThat(c.installTemplate()).isFalse();
  }

  @Test
  void toStringHidesSecrets() throws Exception {
    String basic = OpenSearchConfig.bind(yaml("{url: 'http://h:9200', username: u, password: hunter2}")).toString();
    String key = OpenSearchConfig.bind(yaml("{url: 'http://h:9200', api_key: 'QUJDOmRlZg=='}")).toString();
    assertThat(basic).doesNotContain("hunter2").contains("password=***");
    assertThat(key).doesNotContain("QUJDOmRlZg==").contains("apiKey=***");
  }

  @Test
  void errorsAreOneLineNamingTheKey() {
    List<String[]> cases = List.of(
        new String[] {"{}", "sinks.opensearch.url is required"},
        new String[] {"{url: 'http://h:9200', usr: x}",
            "unknown key 'usr' in sinks.opensearch; did you mean 'url'? (allowed: "},
        new String[] {"{url: 'http://a:1', urls: ['http://b:1']}", "sinks.opensearch: set url or urls, not both"},
        new String[] {"{url: 'ftp://h'}", "sinks.opensearch.url: 'ftp://h' must start with http:// or https://"},
        new String[] {"{url: 'http://u:p@h:9200'}", "sinks.opensearch.url: put credentials in username/password"},
        new String[] {"{url: 'http://h:9200?x=1'}", "must not have a query or fragment"},
        new String[] {"{url: 'http://h', index: Alerts}", "sinks.opensearch.index 'Alerts' must be lower case"},
        new String[] {"{url: 'http://h', index: 'a*b'}", "sinks.opensearch.index 'a*b' must not contain any of"},
        new String[] {"{url: 'http://h', index: _x}", "must not start with"},
        new String[] {"{url: 'http://h', username: u}", "username and password go together"},
        new String[] {"{url: 'http://h', username: u, password: p, api_key: k}", "either api_key or username"},
        new String[] {"{url: 'http://h', insecure: true, ca_file: /x}", "insecure: true ignores ca_file"},
        new String[] {"{url: 'http://h', timeout: 10x}", "sinks.opensearch.timeout: '10x' is not a duration"},
        new String[] {"{url: 'http://h', timeout: 1h}", "sinks.opensearch.timeout must be between 100ms and 5m"},
        new String[] {"{url: 'http://h', max_batch: 0}", "sinks.opensearch.max_batch must be between 1 and 10000"},
        new String[] {"{url: 'http://h', max_bulk_bytes: 1KB}",
            "sinks.opensearch.max_bulk_bytes must be between 64KB and 1GB, not 1024"},
        new String[] {"{url: 'http://h', max_bulk_bytes: lots}",
            "sinks.opensearch.max_bulk_bytes: 'lots' is not a size"},
        new String[] {"{url: 'http://h', min_priority: loud}", "sinks.opensearch.min_priority: unknown priority"},
        new String[] {"{url: 'http://h', data_stream: maybe}", "sinks.opensearch.data_stream: "});
    for (String[] c : cases) {
      assertThatThrownBy(() -> OpenSearchConfig.bind(yaml(c[0])))
          .as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1])
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }
}
