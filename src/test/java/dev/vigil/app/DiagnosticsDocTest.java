package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.lang.DiagnosticCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** docs/DIAGNOSTICS.md is generated from {@link DiagnosticCode}; this keeps the two from drifting apart. */
class DiagnosticsDocTest {

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
      assertThat(md).contains("| [" + c + "](#" + c.name().toLowerCase(Locale.ROOT) + ") | ");
    }
  }
}
