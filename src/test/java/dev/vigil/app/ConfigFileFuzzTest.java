package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TextMutations;
import dev.vigil.fuzz.TryTimeLimit;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the configuration file reader: any text either binds or fails with a {@link ConfigFile.ConfigException}
 * whose message names the file (or the command line), never another exception.
 */
@AddLifecycleHook(TryTimeLimit.class)
class ConfigFileFuzzTest {

  private static final String SEED = """
      data_dir: /var/lib/vigil
      delivery:
        queue: 10000
        timeout: 10s
        backoff: {initial: 500ms, max: 60s}
        spool_max_bytes: 256MB
        fsync: interval
      aggregation:
        enabled: true
        window: 60s
        max_keys: 10000
        rules:
          "Terminal shell in container": {window: 5m, key: [proc.name]}
        never: ["Sensor lost events"]
      sinks:
        stdout: {enabled: true, min_priority: debug}
        file: {path: /var/log/vigil/alerts.jsonl, max_size: 100MB, max_files: 5, min_priority: debug}
        slack:
          webhook_url: "${VIGIL_SLACK_WEBHOOK:-https://hooks.example.com/x}"
          min_priority: warning
        webhooks:
          - name: siem
            url: "https://siem.example.com:8443/falco"
            headers: {X-Token: "${SIEM_TOKEN}"}
            min_priority: notice
      store: {retention: 30d}
      """;

  private static final List<String> TOKENS = List.of(
      "data_dir: ", "delivery:", "sinks:", "store:", "detectors:", "aggregation:", "queue: ", "timeout: ", "10s",
      "-5s", "99999999999999999999", "256MB", "1TB", "min_priority: ", "loud", "enabled: ", "webhooks:", "- url: ",
      "window: ", "max_keys: ", "retention: ", "fsync: ");

  private static final Map<String, String> ENV = Map.of("SIEM_TOKEN", "t0k3n", "X", "${X}");

  @Property
  void anyTextBindsOrFailsWithAConfigError(@ForAll("inputs") String text) {
    try {
      assertThat(ConfigFile.parse("vigil.yaml", text, ENV::get)).isNotNull();
    } catch (ConfigFile.ConfigException e) {
      assertThat(e.getMessage()).containsAnyOf("vigil.yaml", "command line");
    }
  }

  @Provide
  Arbitrary<String> inputs() {
    return TextMutations.yamlInputs(SEED, TOKENS);
  }
}
