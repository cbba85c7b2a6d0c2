package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.common.ConfigBinding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every section of the configuration file, the sections other packages own included, is bound when the file is
 * loaded, and every error names the file, line and column and the dotted key path; an unknown key gets the nearest
 * known one.
 */
class ConfigErrorsTest {

  private static String error(String yaml) {
    try {
      ConfigFile.parse("vigil.yaml", yaml.replace('|', '\n'), Map.<String, String>of()::get);
    } catch (ConfigFile.ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected the configuration to be refused: " + yaml);
  }

  /** YAML with '|' for line breaks, then the exact start of the message. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', quoteCharacter = '"', textBlock = """
      # unknown keys, one per section, each with its line, column, path and nearest key
      datadir: /x;                                       vigil.yaml:1:1: unknown key 'datadir' at the top level; did you mean 'data_dir'?
      delivery: {queu: 5};                               vigil.yaml:1:12: unknown key 'queu' in delivery; did you mean 'queue'?
      delivery:|  backoff: {inital: 1s};                 vigil.yaml:2:13: unknown key 'inital' in delivery.backoff; did you mean 'initial'?
      aggregation:|  windw: 5s;                          vigil.yaml:2:3: unknown key 'windw' in aggregation; did you mean 'window'?
      aggregation:|  rules:|    R: {keys: []};           vigil.yaml:3:9: unknown key 'keys' in aggregation.rules.R; did you mean 'key'?
      sinks:|  stdot: {};                                vigil.yaml:2:3: unknown key 'stdot' in sinks; did you mean 'stdout'?
      sinks:|  file: {pth: /x};                          vigil.yaml:2:10: unknown key 'pth' in sinks.file; did you mean 'path'?
      sinks:|  webhooks:|    - {name: a, url: u, hedaers: {}};  vigil.yaml:3:25: unknown key 'hedaers' in sinks.webhooks[0]; did you mean 'headers'?
      sinks:|  opensearch:|    url: http://h:9200|    indx: a;  vigil.yaml:4:5: unknown key 'indx' in sinks.opensearch; did you mean 'index'?
      store:|  retension: 7d;                            vigil.yaml:2:3: unknown key 'retension' in store; did you mean 'retention'?
      detectors:|  anomoly: {};                          vigil.yaml:2:3: unknown key 'anomoly' in detectors; did you mean 'anomaly'?
      detectors:|  log_signatures: {throtle_window: 1m}; vigil.yaml:2:20: unknown key 'throtle_window' in detectors.log_signatures; did you mean 'throttle_window'?
      detectors:|  anomaly:|    treshold: 3;             vigil.yaml:3:5: unknown key 'treshold' in detectors.anomaly; did you mean 'threshold'?
      detectors:|  behaviour:|    max_container: 5;      vigil.yaml:3:5: unknown key 'max_container' in detectors.behaviour; did you mean 'max_containers'?
      detectors:|  behaviour:|    port_scan: {windw: 5s};       vigil.yaml:3:17: unknown key 'windw' in detectors.behaviour.port_scan; did you mean 'window'?
      detectors:|  behaviour:|    crypto_mining: {sustian: 5s}; vigil.yaml:3:21: unknown key 'sustian' in detectors.behaviour.crypto_mining; did you mean 'sustain'?
      detectors:|  behaviour:|    egress_spike: {min_factr: 2}; vigil.yaml:3:20: unknown key 'min_factr' in detectors.behaviour.egress_spike; did you mean 'min_factor'?
      detectors:|  behaviour:|    process_count_spike:|      min_proceses: 5; vigil.yaml:4:7: unknown key 'min_proceses' in detectors.behaviour.process_count_spike; did you mean 'min_processes'?
      detectors:|  behaviour:|    exec_rate_spike: {windows: 5s}; vigil.yaml:3:23: unknown key 'windows' in detectors.behaviour.exec_rate_spike; did you mean 'window'?
      detectors:|  behaviour:|    new_listen_port: {ignore_port: []}; vigil.yaml:3:23: unknown key 'ignore_port' in detectors.behaviour.new_listen_port; did you mean 'ignore_ports'?
      # wrong types: at the value, with the key's path
      delivery:|  queue: many;                           vigil.yaml:2:10: delivery.queue: 'many' is not a whole number
      detectors:|  anomaly:|    trees: [1, 2];           vigil.yaml:3:12: detectors.anomaly.trees: Cannot deserialize value of type Integer from Array value
      detectors:|  log_signatures:|    enabled: maybe;   vigil.yaml:3:14: detectors.log_signatures.enabled: 'maybe' is not true or false
      store: [1];                                        vigil.yaml:1:8: store: Cannot deserialize value of type StoreConfig from Array value
      # bad durations, everywhere durations are read
      delivery:|  timeout: 5 parsecs;                    vigil.yaml:2:12: delivery.timeout: '5 parsecs' is not a duration (examples: 500ms, 30s, 5m, 2h, 30d)
      store: {retention: a week};                        vigil.yaml:1:20: store.retention: 'a week' is not a duration
      detectors:|  anomaly: {interval: soon};            vigil.yaml:2:23: detectors.anomaly.interval: 'soon' is not a duration
      detectors:|  behaviour:|    egress_spike: {sustain: 2 secs}; vigil.yaml:3:29: detectors.behaviour.egress_spike.sustain: '2 secs' is not a duration
      # values a section's record refuses: at the key the message names
      detectors:|  anomaly:|    trees: 5000;             vigil.yaml:3:12: detectors.anomaly.trees must be between 1 and 1000 (got 5000)
      detectors:|  behaviour:|    port_scan:|      window: 0s; vigil.yaml:4:15: detectors.behaviour.port_scan.window must be a positive duration
      store:|  max_rows: 5;                              vigil.yaml:2:13: store.max_rows must be at least 100, not 5
      sinks:|  opensearch: {url: 'ftp://h'};             vigil.yaml:2:21: sinks.opensearch.url: 'ftp://h' must start with http:// or https://
      sinks:|  webhooks:|    - url: http://x;            vigil.yaml:3:7: sinks.webhooks[0]: every webhook needs a name
      delivery:|  backoff: {initial: 1s}|  queue: 0;       vigil.yaml:3:10: delivery.queue must be at least 1 (got 0)
      sinks:|  slack: {webhook_url: x, timeout: 0s};     vigil.yaml:2:36: sinks.slack.timeout must be longer than 0
      sinks:|  opensearch: {index: a};                   vigil.yaml:2:15: sinks.opensearch.url is required
      - a;                                               vigil.yaml:1:1: expected a mapping of sections
      """)
  void errors_nameFileLineColumnAndKeyPath(String yaml, String message) {
    assertThat(error(yaml)).startsWith(message);
  }

  @Test
  void unknownKey_listsTheAllowedOnes() {
    assertThat(error("detectors:\n  anomaly: {seeed: 1}\n")).endsWith("(allowed: bounding_box_cache_fraction, "
        + "enabled, episode_quiet_intervals, interval, learning_samples, max_containers, max_executables, max_images, "
        + "sample_size, save_interval, seed, threshold, top_features, trees)");
  }

  @Test
  void anOverriddenValue_namesTheCommandLine_theFilesOwnKeepTheirPosition() throws Exception {
    ConfigOverrides o = ConfigFile.overrides(Map.<String, String>of()::get).option("detectors.anomaly.trees=0")
        .build();
    assertThat(parseError("detectors: {anomaly: {threshold: 3}}\n", o)).startsWith("command line (-o and the "
        + "options that set configuration keys): detectors.anomaly.trees must be between 1 and 1000 (got 0)");
    ConfigOverrides fine = ConfigFile.overrides(Map.<String, String>of()::get).option("store.retention=7d").build();
    assertThat(parseError("detectors:\n  anomaly: {treshold: 3}\n", fine)).startsWith("vigil.yaml:2:13: unknown "
        + "key 'treshold' in detectors.anomaly");
    // a section the file leaves incomplete can be completed on the command line
    ConfigOverrides url = ConfigFile.overrides(Map.<String, String>of()::get)
        .option("sinks.opensearch.url=http://h:9200").build();
    assertThat(ConfigFile.parse("vigil.yaml", "sinks:\n  opensearch: {index: a}\n", Map.<String, String>of()::get, url)
        .sinks().opensearch().index()).isEqualTo("a");
  }

  private static String parseError(String yaml, ConfigOverrides o) {
    try {
      ConfigFile.parse("vigil.yaml", yaml, Map.<String, String>of()::get, o);
    } catch (ConfigFile.ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected the configuration to be refused");
  }

  @Test
  void deprecatedSecondsKeys_areRead_andWarnedAboutOnce_namingTheNewKey() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(ConfigBinding.class);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try {
      ConfigOverrides o = ConfigFile.overrides(Map.<String, String>of()::get)
          .option("detectors.anomaly.learning_samples=20").build();
      ConfigFile c = ConfigFile.parse("vigil.yaml", "detectors:\n  anomaly:\n    interval_seconds: 60\n"
          + "    save_interval_seconds: 90\n", Map.<String, String>of()::get, o);
      assertThat(c.detectorSettings().anomaly().interval()).isEqualTo(Duration.ofMinutes(1));
      assertThat(c.detectorSettings().anomaly().saveInterval()).isEqualTo(Duration.ofSeconds(90));
      List<String> warnings = seen.list.stream().filter(e -> e.getLevel() == Level.WARN)
          .map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(warnings).containsExactly(
          "configuration key detectors.anomaly.interval_seconds is deprecated and will be removed: write "
              + "detectors.anomaly.interval: 1m instead",
          "configuration key detectors.anomaly.save_interval_seconds is deprecated and will be removed: write "
              + "detectors.anomaly.save_interval: 90s instead");

      seen.list.clear();
      ConfigFile.parse("vigil.yaml", "detectors:\n  anomaly:\n    interval: 1m\n", Map.<String, String>of()::get);
      assertThat(seen.list).isEmpty();
    } finally {
      log.detachAppender(seen);
    }
  }
}
