package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.common.ConfigBinding;
import dev.vigil.common.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogSignatureConfigTest {

  private static final ObjectMapper YAML = new YAMLMapper();

  /** Binds the section the way the owner reads it: the {@code detectors.log_signatures} node of the file. */
  private static LogSignatureConfig bind(String yaml) throws Exception {
    JsonNode root = YAML.readTree(yaml);
    return ConfigBinding.bind(root.path("detectors").path("log_signatures"), LogSignatureConfig.class,
        "detectors.log_signatures");
  }

  @Test
  void defaultsAreOnWithBuiltInSignaturesAndAOneMinuteWindow() {
    LogSignatureConfig d = LogSignatureConfig.defaults();
    assertThat(d.enabled()).isTrue();
    assertThat(d.builtin()).isTrue();
    assertThat(d.files()).isEmpty();
    assertThat(d.disabledSignatures()).isEmpty();
    assertThat(d.throttleWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.maxTracked()).isEqualTo(10_000);
  }

  @Test
  void bindsEveryKeyInSnakeCase() throws Exception {
    LogSignatureConfig c = bind("""
        detectors:
          log_signatures:
            enabled: true
            builtin: false
            files: [/etc/vigil/signatures.yaml, extra.yaml]
            disabled_signatures: [auth.web-login]
            throttle_window: 30s
            max_tracked: 500
        """);
    assertThat(c).isEqualTo(new LogSignatureConfig(true, false,
        List.of(Path.of("/etc/vigil/signatures.yaml"), Path.of("extra.yaml")), List.of("auth.web-login"),
        Duration.ofSeconds(30), 500));
  }

  @Test
  void missingKeysKeepTheDefaults() throws Exception {
    assertThat(bind("detectors:\n  log_signatures:\n    max_tracked: 7\n"))
        .isEqualTo(new LogSignatureConfig(true, true, List.of(), List.of(), Duration.ofMinutes(1), 7));
    assertThat(bind("detectors:\n  log_signatures: {}\n")).isEqualTo(LogSignatureConfig.defaults());
  }

  @Test
  void badValuesAndUnknownKeysAreClearErrors() {
    assertThatThrownBy(() -> bind("detectors:\n  log_signatures:\n    throttle_window: soon\n"))
        .hasMessage("detectors.log_signatures.throttle_window: 'soon' is not a duration (examples: 500ms, 30s, 5m, "
            + "2h, 30d)");
    assertThatThrownBy(() -> bind("detectors:\n  log_signatures:\n    max_tracked: 0\n"))
        .hasMessage("detectors.log_signatures.max_tracked must be at least 1, got 0");
    assertThatThrownBy(() -> bind("detectors:\n  log_signatures:\n    throtle_window: 1m\n"))
        .hasMessageStartingWith("unknown key 'throtle_window' in detectors.log_signatures; did you mean "
            + "'throttle_window'?");
  }

  @Test
  void theConfigurationTurnsTheDetectorOffOrTunesIt() throws Exception {
    Metrics metrics = Metrics.inMemory();
    LogSignatureConfig off = new LogSignatureConfig(false, true, List.of(), List.of(), Duration.ofMinutes(1), 10);
    assertThat(LogSignatureDetector.fromConfig(off, metrics)).isEmpty();

    LogSignatureConfig tuned = new LogSignatureConfig(true, true, List.of(), List.of("nmap.report"),
        Duration.ofMinutes(1), 10);
    LogSignatureDetector d = LogSignatureDetector.fromConfig(tuned, metrics).orElseThrow();
    assertThat(d.signatures().signatures()).noneMatch(s -> s.id().equals("nmap.report"));
    assertThat(d.signatures().size()).isEqualTo(SignatureSet.builtIn().size() - 1);
  }
}
