package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.lang.DiagnosticCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil rules validate|list|diagnostics}, {@code vigil fields} and {@code vigil replay} as a user runs them. */
class RulesCommandsTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void validate_fileWithErrors_printsFileLineColumnCodeAndExits1(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, """
        - rule: broken
          desc: d
          condition: spawned_process and proc.name =
          output: o
          priority: WARNING
        - rule: typo
          desc: d
          condition: spawned_process and proc.nmae = sh
          output: o
          priority: WARNING
        """);
    assertThat(run("rules", "validate", f.toString())).isEqualTo(1);
    assertThat(out.toString()).contains(f + ":3:").contains("error VR100")
        .contains(f + ":8:34: error VR112: rule 'typo': unknown field 'proc.nmae'; did you mean 'proc.name'?")
        .contains("2 errors");
  }

  @Test
  void validate_regexConstructRe2Lacks_isVR121AtTheValue_andExits1(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("re2.yaml");
    Files.writeString(f, """
        - rule: lookahead
          desc: d
          condition: spawned_process and proc.cmdline regex 'curl(?!.*--silent).*'
          output: o
          priority: WARNING
        """);
    assertThat(run("rules", "validate", f.toString())).isEqualTo(1);
    assertThat(out.toString()).contains(f + ":3:53: error VR121: rule 'lookahead': regular expression "
        + "'curl(?!.*--silent).*' uses a negative lookahead (`(?!` at offset 4), which RE2 does not support");
  }

  @Test
  void validate_goodFile_exits0_andUsesBuiltInMacros(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("ok.yaml");
    Files.writeString(f, """
        - rule: Unexpected process in shop container
          desc: only node runs there
          condition: spawned_process and container and not proc.name in (node, sh)
          output: unexpected %proc.cmdline in %container.name
          priority: WARNING
          tags: [container]
        """);
    assertThat(run("rules", "validate", f.toString())).isZero();
    assertThat(out.toString()).contains("0 errors, 0 warnings");
  }

  @Test
  void list_showsPriorityEnabledStateSourceFileTagsAndWhyDisabled(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("falco-style.yaml");
    Files.writeString(f, """
        - rule: Uses a Falco field Vigil lacks
          desc: d
          condition: spawned_process and evt.num > 0
          output: o
          priority: INFO
        """);
    assertThat(run("rules", "list", "--disable-tag", "cis", "--rules", f.toString())).isZero();
    String text = out.toString();
    assertThat(text).contains("Remote file copy tool launched in container").contains("Notice")
        .contains("builtin:vigil_rules.yaml:").contains("T1105");
    assertThat(text).contains("disabled: uses field evt.num (not supported by Vigil)");
    assertThat(text).contains(f + ":1");
    assertThat(text).contains("disabled: disabled by --disable-tag cis");
  }

  @Test
  void fields_printsEveryFieldWithTypeAndCapability() {
    assertThat(run("fields")).isZero();
    assertThat(out.toString()).contains("proc.aname[n]").contains("STRING_LIST").contains("container.label[key]")
        .contains("fd.sip").contains("NETWORK");
  }

  @Test
  void replay_recordedEvents_printsTheAlertsAndReportsBadLines(@TempDir Path dir) throws Exception {
    Path events = dir.resolve("events.jsonl");
    Files.writeString(events, "{\"record\":\"event\",\"event\":{\"type\":\"exec\",\"time\":\"2026-11-29T08:00:00Z\","
        + "\"container\":{\"id\":\"c1\",\"name\":\"web\",\"imageRepository\":\"nginx\",\"imageTag\":\"1\","
        + "\"imageDigest\":\"\"},\"sensor\":\"docker.top\",\"pid\":7,\"ppid\":1,\"name\":\"wget\",\"exePath\":\"\","
        + "\"args\":[\"wget\",\"http://127.0.0.1/x\"],\"uid\":0,\"user\":\"\",\"tty\":\"\",\"origin\":\"CONTAINER\","
        + "\"execId\":\"\",\"ancestors\":[]}}\n{broken\n");
    assertThat(run("replay", events.toString(), "--hostname", "h")).isZero();
    assertThat(out.toString()).contains("\"rule\":\"Remote file copy tool launched in container\"")
        .contains("\"container.name\":\"web\"").contains("\"hostname\":\"h\"");
    assertThat(err.toString()).contains(events + ":2: skipped").contains("1 alerts; 1 lines skipped");
  }

  @Test
  void replay_withRulesThatDoNotLoad_exits1WithTheErrors(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("r.yaml");
    Files.writeString(rules, "- rule: x\n  desc: d\n  condition: (\n  output: o\n  priority: WARNING\n");
    Path events = Files.writeString(dir.resolve("e.jsonl"), "");
    assertThat(run("replay", events.toString(), "--rules", rules.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(rules + ":3:");
  }

  @Test
  void diagnostics_explainsTheCodesGiven_inAnyLetterCase() {
    assertThat(run("rules", "diagnostics", "vr112", "VW020")).isZero();
    assertThat(out.toString()).startsWith("VR112 error: Unknown field\n" + DiagnosticCode.VR112.explanation() + "\n")
        .contains("VW020 warning: Unused macro\n");
  }

  @Test
  void diagnostics_withoutCodes_listsEveryCode() {
    assertThat(run("rules", "diagnostics")).isZero();
    assertThat(out.toString().lines()).hasSize(DiagnosticCode.values().length)
        .contains("VR000  error    Rules file cannot be read", "VW010  warning  " + DiagnosticCode.VW010.title());
  }

  @Test
  void diagnostics_unknownCode_isAUsageErrorNamingIt_andPrintsNothingElse() {
    assertThat(run("rules", "diagnostics", "VR112", "VR999")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown diagnostic code 'VR999'");
    assertThat(out.toString()).isEmpty();
  }
}
