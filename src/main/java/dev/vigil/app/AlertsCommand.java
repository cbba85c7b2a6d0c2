package dev.vigil.app;

import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.common.DurationText;
import dev.vigil.store.AlertQuery;
import dev.vigil.store.AlertReader;
import dev.vigil.store.StoreConfig;
import dev.vigil.store.StoreException;
import dev.vigil.store.StoredAlert;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil alerts}: the alerts kept in the embedded store ({@code <data-dir>/alerts.db}), newest last, as a table
 * or as Falco JSON lines. Reads the database read-only, so it works while the agent runs and writes.
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = {"Show stored alerts from <data-dir>/alerts.db (the agent's embedded store), oldest first: the "
        + "newest --limit alerts that match every filter given.",
        "Times are a duration back from now (30s, 15m, 1h, 7d) or a UTC date/time (2026-11-29, "
            + "2026-11-29T08:00, 2026-11-29T08:00:00Z).",
        "Exit codes: 0 ok (also when nothing matches), 1 no database or an unreadable one, 2 bad usage."})
final class AlertsCommand implements Callable<Integer> {

  private static final DateTimeFormatter TABLE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** "Now" for relative times; tests replace it. */
  Clock clock = Clock.systemUTC();

  @Option(names = "--since", paramLabel = "TIME", description = "Alerts at or after TIME (e.g. 1h, 2026-11-29).")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Alerts before TIME.")
  String until;

  @Option(names = "--rule", paramLabel = "RULE",
      description = "Only this rule (exact name; * and ? make it a glob, e.g. 'Reverse shell*').")
  String rule;

  @Option(names = "--container", paramLabel = "NAME|ID",
      description = "Only this container: its name, or the start of its id (3+ hex digits).")
  String container;

  @Option(names = "--id", paramLabel = "UUID",
      description = "Only the alert with this id (the uuid in every sink and the Slack footer), or ids starting "
          + "with it (8+ characters).")
  String id;

  @Option(names = "--priority", paramLabel = "PRIORITY",
      description = "Only alerts at least this severe (emergency, alert, critical, error, warning, notice, "
          + "informational, debug).")
  String priority;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "At most N alerts, the newest (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print Falco JSON lines instead of a table.")
  boolean json;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = MonitorCommand.DEFAULT_DATA_DIR,
      description = "The agent's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "FILE",
      description = "The database file, when the configuration moved it (store.path); overrides --data-dir.")
  Path db;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AlertQuery query;
    try {
      Instant now = clock.instant();
      Priority min = priority == null ? null : Priority.parse(priority);
      query = new AlertQuery(time(since, now, "--since"), time(until, now, "--until"), rule, container, min, limit,
          id == null ? null : id.trim());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Path file = db != null ? db : dataDir.resolve(StoreConfig.FILE);
    try (AlertReader reader = AlertReader.open(file)) {
      List<StoredAlert> found = reader.find(query);
      if (json) {
        for (StoredAlert s : found) {
          out.println(FalcoJson.toJson(s.alert()));
        }
      } else if (found.isEmpty()) {
        out.println("no alerts match (" + reader.count() + " stored in " + file + ")");
      } else {
        printTable(out, found);
      }
      out.flush();
      return ExitCodes.OK;
    } catch (StoreException e) {
      err.println("vigil: " + e.getMessage());
      err.flush();
      return ExitCodes.ERROR;
    }
  }

  /** A TIME option: a duration back from {@code now}, or a UTC instant, date-time or date. */
  static Instant time(String text, Instant now, String option) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    try {
      return now.minus(DurationText.parse(t));
    } catch (IllegalArgumentException notDuration) {
      // a point in time, then
    }
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (t.endsWith("Z") || t.endsWith("z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
        return java.time.OffsetDateTime.parse(t.toUpperCase(java.util.Locale.ROOT)).toInstant();
      }
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " '" + text + "' is neither a duration (30s, 15m, 1h, 7d) nor a "
          + "UTC time (2026-11-29, 2026-11-29T08:00, 2026-11-29T08:00:00Z)", e);
    }
  }

  private static void printTable(PrintWriter out, List<StoredAlert> alerts) {
    String format = "%-19s  %-13s  %-40s  %-24s  %s%n";
    out.printf(format, "TIME (UTC)", "PRIORITY", "RULE", "CONTAINER", "OUTPUT");
    for (StoredAlert s : alerts) {
      Alert a = s.alert();
      out.printf(format, TABLE_TIME.format(a.time()), a.priority().label(), cut(clean(a.rule()), 40),
          cut(clean(containerOf(a.outputFields())), 24), cut(clean(a.output()), 120));
    }
  }

  private static String containerOf(Map<String, Object> f) {
    Object name = f.get("container.name");
    if (name != null) {
      return name.toString();
    }
    Object id = f.get("container.id");
    return id == null ? "-" : id.toString();
  }

  /** Control characters (a container's text) shown as {@code \xNN}, never sent to the terminal. */
  static String clean(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
