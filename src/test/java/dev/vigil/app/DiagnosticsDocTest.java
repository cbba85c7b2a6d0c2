package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.lang.DiagnosticCode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/DIAGNOSTICS.md is generated from {@link DiagnosticCode}; this keeps the two from drifting apart. */
class DiagnosticsDocTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void diagnosticsDoc_isExactlyWhatTheCodeTableGenerates() throws Exception {
    Path doc = Path.of(System.getProperty("vigil.projectDir", "."), "docs", "DIAGNOSTICS.md");
    assertThat(Files.readString(doc))
        .as("regenerate with: bin/vigil rules diagnostics --markdown > docs/DIAGNOSTICS.md")
        .isEqualTo(RulesCommand.Diagnostics.markdown());
  }

  @Test
  void markdown_hasOneSectionPerCode_andAnIndexLinkingToIt() {
    String md = RulesCommand.Diagnostics.markdown();
    for (DiagnosticCode c : DiagnosticCode.values()) {
      assertThat(md).contains("\n## " + c + "\n\n**" + c.title() + "** (" + c.severity().label() + ")\n\n"
          + c.explanation() + "\n");
      assertThat(md).contains("| [" + c + "](#" + c.name().toLowerCase(java.util.Locale.ROOT) + ") | ");
    }
  }

  @Test
  void command_explainsTheCodesGiven_inAnyLetterCase() {
    assertThat(run("rules", "diagnostics", "vr112", "VW020")).isZero();
    assertThat(out.toString()).startsWith("VR112 error: Unknown field\n" + DiagnosticCode.VR112.explanation() + "\n")
        .contains("VW020 warning: Unused macro\n");
  }

  @Test
  void command_withoutCodes_listsEveryCode() {
    assertThat(run("rules", "diagnostics")).isZero();
    assertThat(out.toString().lines()).hasSize(DiagnosticCode.values().length)
        .contains("VR000  error    Rules file cannot be read", "VW010  warning  "
            + DiagnosticCode.VW010.title());
  }

  @Test
  void command_unknownCode_isAUsageErrorNamingIt() {
    assertThat(run("rules", "diagnostics", "VR112", "VR999")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown diagnostic code 'VR999'");
    assertThat(out.toString()).isEmpty();
  }
}
