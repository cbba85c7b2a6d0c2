package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR112;
import static dev.vigil.rules.lang.DiagnosticCode.VW020;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.rules.lang.Pos;
import org.junit.jupiter.api.Test;

/** The printed form users and scripts read, and the severity taken from the code. */
class DiagnosticTest {

  @Test
  void error_printsFileLineColumnSeverityCodeAndMessage() {
    Diagnostic d = new Diagnostic(VR112, "my.yaml", new Pos(8, 34), "rule 'typo': unknown field 'proc.nmae'");
    assertThat(d).hasToString("my.yaml:8:34: error VR112: rule 'typo': unknown field 'proc.nmae'");
    assertThat(d.isError()).isTrue();
    assertThat(d.severity()).isEqualTo(DiagnosticCode.Severity.ERROR);
  }

  @Test
  void warningWithoutPosition_printsFileOnly() {
    Diagnostic d = new Diagnostic(VW020, "my.yaml", null, "macro 'm' is not used by any rule");
    assertThat(d).hasToString("my.yaml: warning VW020: macro 'm' is not used by any rule");
    assertThat(d.isError()).isFalse();
  }

  @Test
  void aDiagnosticNeedsACode() {
    assertThatNullPointerException().isThrownBy(() -> new Diagnostic(null, "f", null, "m"));
  }
}
