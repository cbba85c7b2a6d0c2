package dev.vigil.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AnomalyConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void missingKeysTakeTheDefaults() throws Exception {
    AnomalyConfig c = YAML.readValue("threshold: 3.5\nlearning_samples: 240\n", AnomalyConfig.class);
    AnomalyConfig d = AnomalyConfig.defaults();
    assertThat(c.threshold()).isEqualTo(3.5);
    assertThat(c.learningSamples()).isEqualTo(240);
    assertThat(c.enabled()).isTrue();
    assertThat(c.intervalSeconds()).isEqualTo(d.intervalSeconds());
    assertThat(c.trees()).isEqualTo(d.trees());
    assertThat(c.maxImages()).isEqualTo(d.maxImages());
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(YAML.readValue("{}", AnomalyConfig.class)).isEqualTo(d);
  }

  @Test
  void everyKeyBinds() throws Exception {
    AnomalyConfig c = YAML.readValue("""
        enabled: false
        interval: 1m
        learning_samples: 30
        threshold: 4
        episode_quiet_intervals: 3
        trees: 20
        sample_size: 64
        bounding_box_cache_fraction: 0.5
        top_features: 2
        max_images: 10
        max_containers: 100
        max_executables: 500
        save_interval: 2m
        seed: 9
        """, AnomalyConfig.class);
    assertThat(c).isEqualTo(new AnomalyConfig(false, Duration.ofSeconds(60), 30, 4.0, 3, 20, 64, 0.5, 2, 10, 100,
        500, Duration.ofSeconds(120), 9L));
    assertThat(c.saveInterval()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void badValuesFailNamingTheKey() {
    assertThatThrownBy(() -> YAML.readValue("interval: 0s", AnomalyConfig.class))
        .hasMessageContaining("detectors.anomaly.interval must be a whole number of seconds, at least 1s (got 0s)");
    assertThatThrownBy(() -> YAML.readValue("save_interval: 1500ms", AnomalyConfig.class))
        .hasMessageContaining("detectors.anomaly.save_interval must be a whole number of seconds");
    assertThatThrownBy(() -> YAML.readValue("threshold: -1", AnomalyConfig.class))
        .hasMessageContaining("detectors.anomaly.threshold must be a positive number");
    assertThatThrownBy(() -> YAML.readValue("sample_size: 8", AnomalyConfig.class))
        .hasMessageContaining("detectors.anomaly.sample_size must be between 16 and 4096");
    assertThatThrownBy(() -> YAML.readValue("top_features: 12", AnomalyConfig.class))
        .hasMessageContaining("top_features must be between 1 and 9");
    assertThatThrownBy(() -> YAML.readValue("bounding_box_cache_fraction: 2", AnomalyConfig.class))
        .hasMessageContaining("bounding_box_cache_fraction must be between 0 and 1");
  }

  @Test
  void deprecatedSecondsKeys_stillRead_asSeconds() throws Exception {
    AnomalyConfig c = YAML.readValue("interval_seconds: 60\nsave_interval_seconds: 120\n", AnomalyConfig.class);
    assertThat(c.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.saveInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.intervalSeconds()).isEqualTo(60);
  }

  @Test
  void unknownKey_isAnError() {
    assertThatThrownBy(() -> YAML.readValue("treshold: 3", AnomalyConfig.class))
        .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("treshold");
  }
}
