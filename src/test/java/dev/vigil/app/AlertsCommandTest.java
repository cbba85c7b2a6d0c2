package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.store.AlertStore;
import dev.vigil.store.StoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AlertsCommandTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dataDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    AlertsCommand cmd = new AlertsCommand();
    cmd.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    CommandLine cli = new CommandLine(cmd);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private static Alert alert(Instant t, String rule, Priority p, String container, String output) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", t.getEpochSecond() * 1_000_000_000L);
    f.put("container.id", container.equals("web") ? "aaaa11112222" : "bbbb11112222");
    f.put("container.name", container);
    f.put("proc.cmdline", "sh -c id");
    return new Alert(t, rule, p, output, "syscall", List.of("container"), "host-1", f);
  }

  private List<Alert> seed() throws Exception {
    List<Alert> made = List.of(
        alert(NOW.minusSeconds(7200), "Old rule", Priority.NOTICE, "web", "two hours ago"),
        alert(NOW.minusSeconds(1800), "Shell in container", Priority.WARNING, "web", "shell \u001b[2Jin web"),
        alert(NOW.minusSeconds(600), "Reverse shell", Priority.CRITICAL, "db", "reverse shell " + "x".repeat(300)),
        alert(NOW.minusSeconds(60), "Shell in container", Priority.WARNING, "db", "shell in db"));
    List<Alert> alerts = new java.util.ArrayList<>();
    for (Alert a : made) {
      alerts.add(a.withId(id(alerts.size()))); // as the agent's alert path hands them over
    }
    try (AlertStore s = AlertStore.open(dataDir.resolve("alerts.db"), StoreConfig.defaults(), Metrics.inMemory(),
        Clock.fixed(NOW, ZoneOffset.UTC))) {
      for (Alert a : alerts) {
        s.accept(a);
      }
    }
    return alerts;
  }

  @Test
  void tableShowsTimePriorityRuleContainerAndShortOutput_oldestFirst() throws Exception {
    seed();
    assertThat(run("--data-dir", dataDir.toString())).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("TIME (UTC)").contains("PRIORITY").contains("RULE").contains("CONTAINER")
        .contains("OUTPUT");
    assertThat(lines.get(1)).startsWith("2026-11-29 10:00:00").contains("Notice").contains("Old rule")
        .contains("web").contains("two hours ago");
    assertThat(lines.get(2)).contains("Warning").contains("Shell in container").contains("shell \\x1b[2Jin web")
        .doesNotContain("\u001b");
    assertThat(lines.get(3)).contains("Critical").contains("db").endsWith("...");
    assertThat(lines.get(3).length()).isLessThan(250);
    assertThat(lines.get(4)).startsWith("2026-11-29 11:59:00");
  }

  @Test
  void jsonPrintsFalcoJsonLines() throws Exception {
    List<Alert> alerts = seed();
    assertThat(run("--data-dir", dataDir.toString(), "--json")).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(lines.get(i)).isEqualTo(FalcoJson.toJson(alerts.get(i)));
      JsonNode n = MAPPER.readTree(lines.get(i));
      assertThat(n.has("output_fields")).isTrue();
      assertThat(n.path("uuid").asText()).isEqualTo(id(i)); // the id the alert was stored under
    }
  }

  @Test
  void filtersCombine() throws Exception {
    seed();
    assertThat(run("--data-dir", dataDir.toString(), "--json", "--since", "1h")).isZero();
    assertThat(out.toString().lines()).hasSize(3);

    out.getBuffer().setLength(0);
    assertThat(run("--db", dataDir.resolve("alerts.db").toString(), "--json", "--since", "1h", "--rule",
        "Shell in container", "--container", "db")).isZero();
    assertThat(out.toString().lines()).singleElement().asString().contains("shell in db");

    out.getBuffer().setLength(0);
    assertThat(run("--data-dir", dataDir.toString(), "--json", "--priority", "error")).isZero();
    assertThat(out.toString().lines()).singleElement().asString().contains("Reverse shell");

    out.getBuffer().setLength(0);
    assertThat(run("--data-dir", dataDir.toString(), "--json", "--until", "2026-11-29T11:00:00Z", "--rule",
        "*shell*")).isZero();
    assertThat(out.toString().lines()).isEmpty();

    out.getBuffer().setLength(0);
    assertThat(run("--data-dir", dataDir.toString(), "--json", "--limit", "2", "--container", "aaaa1111")).isZero();
    assertThat(out.toString().lines()).hasSize(2);
  }

  private static String id(int i) {
    return String.format("0196f3a2-7c41-8a00-9f00-%012d", i);
  }

  @Test
  void anAlertIsFoundByItsId_orTheStartOfIt() throws Exception {
    seed();
    assertThat(run("--data-dir", dataDir.toString(), "--json", "--id", id(2))).isZero();
    assertThat(out.toString().lines()).singleElement().asString().contains("Reverse shell")
        .contains("\"uuid\":\"" + id(2) + "\"");

    out.getBuffer().setLength(0);
    assertThat(run("--data-dir", dataDir.toString(), "--json", "--id", "0196F3A2")).as("prefix, any case").isZero();
    assertThat(out.toString().lines()).hasSize(4);

    assertThat(run("--data-dir", dataDir.toString(), "--id", "0196")).isEqualTo(2);
    assertThat(err.toString()).contains("first 8 or more characters");
    assertThat(run("--data-dir", dataDir.toString(), "--id", "'; DROP TABLE alerts; --")).isEqualTo(2);
  }

  @Test
  void nothingMatchingSaysSo() throws Exception {
    seed();
    assertThat(run("--data-dir", dataDir.toString(), "--rule", "No such rule")).isZero();
    assertThat(out.toString()).contains("no alerts match (4 stored in ");
  }

  @Test
  void noDatabaseIsExit1WithAClearMessage() {
    assertThat(run("--data-dir", dataDir.toString())).isEqualTo(ExitCodes.ERROR);
    assertThat(err.toString()).contains("vigil: no alerts database at " + dataDir.resolve("alerts.db"));
  }

  @Test
  void aCorruptedDatabaseIsExit1WithAClearMessage() throws Exception {
    Files.writeString(dataDir.resolve("alerts.db"), "x".repeat(5000));
    assertThat(run("--data-dir", dataDir.toString())).isEqualTo(ExitCodes.ERROR);
    assertThat(err.toString()).contains("corrupted or not a SQLite database");
  }

  @Test
  void badTimesAndPrioritiesAreUsageErrors() throws Exception {
    seed();
    assertThat(run("--data-dir", dataDir.toString(), "--since", "yesterday")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--since 'yesterday' is neither a duration");
    assertThat(run("--data-dir", dataDir.toString(), "--priority", "loud")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown priority 'loud'");
    assertThat(run("--data-dir", dataDir.toString(), "--since", "1h", "--until", "2h")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("--data-dir", dataDir.toString(), "--limit", "0")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void timesAreDurationsBackOrUtcPoints() {
    assertThat(AlertsCommand.time("90m", NOW, "--since")).isEqualTo(NOW.minusSeconds(5400));
    assertThat(AlertsCommand.time("7d", NOW, "--since")).isEqualTo(NOW.minusSeconds(7 * 86400));
    assertThat(AlertsCommand.time("2026-11-28", NOW, "--since")).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
    assertThat(AlertsCommand.time("2026-11-28T08:30", NOW, "--since"))
        .isEqualTo(Instant.parse("2026-11-28T08:30:00Z"));
    assertThat(AlertsCommand.time("2026-11-28T08:30:00+02:00", NOW, "--since"))
        .isEqualTo(Instant.parse("2026-11-28T06:30:00Z"));
    assertThat(AlertsCommand.time("2026-11-28T08:30:00.5Z", NOW, "--since"))
        .isEqualTo(Instant.parse("2026-11-28T08:30:00.5Z"));
  }
}
