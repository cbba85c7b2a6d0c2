package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  private static JsonNode yaml(String text) throws Exception {
    return new YAMLMapper().readTree(text);
  }

  @Test
  void missingSectionMeansTheDefaults() {
    StoreConfig c = StoreConfig.bind(null);
    assertThat(c).isEqualTo(StoreConfig.defaults());
    assertThat(c.enabled()).isTrue();
    assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.file(Path.of("/var/lib/vigil"))).isEqualTo(Path.of("/var/lib/vigil/alerts.db"));
  }

  @Test
  void bindsEveryKey() throws Exception {
    StoreConfig c = StoreConfig.bind(yaml("enabled: false\npath: /data/a.db\nretention: 7d\nmax_rows: 5000\n"
        + "queue: 50\n"));
    assertThat(c).isEqualTo(new StoreConfig(false, Path.of("/data/a.db"), Duration.ofDays(7), 5000L, 50));
    assertThat(c.file(Path.of("/var/lib/vigil"))).isEqualTo(Path.of("/data/a.db"));
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> StoreConfig.bind(yaml("retension: 7d")))
        .hasMessageStartingWith("unknown key 'retension' in store; did you mean 'retention'?");
    assertThatThrownBy(() -> StoreConfig.bind(yaml("retention: a week")))
        .hasMessageStartingWith("store.retention: 'a week' is not a duration");
    assertThatThrownBy(() -> StoreConfig.bind(yaml("retention: 10s")))
        .hasMessage("store.retention must be at least 1m, not PT10S");
    assertThatThrownBy(() -> StoreConfig.bind(yaml("max_rows: 10")))
        .hasMessage("store.max_rows must be at least 100, not 10");
    assertThatThrownBy(() -> StoreConfig.bind(yaml("max_rows: lots")))
        .hasMessageStartingWith("store.max_rows: ");
    assertThatThrownBy(() -> StoreConfig.bind(yaml("path: ''")))
        .hasMessageStartingWith("store.path is empty");
  }
}
