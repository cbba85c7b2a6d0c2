package dev.vigil.rules.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The code table: well-formed, unique codes whose prefix says the severity, each with a title and explanation. */
class DiagnosticCodeTest {

  @Test
  void codes_areVrOrVwAndThreeDigits_andUnique() {
    Set<String> seen = new HashSet<>();
    for (DiagnosticCode c : DiagnosticCode.values()) {
      assertThat(c.toString()).as(c.name()).matches("V[RW][0-9]{3}");
      assertThat(seen.add(c.toString())).as("%s appears once", c).isTrue();
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(38);
  }

  @Test
  void vrCodes_areErrors_andVwCodes_areWarnings() {
    for (DiagnosticCode c : DiagnosticCode.values()) {
      DiagnosticCode.Severity expected = c.name().startsWith("VR") ? DiagnosticCode.Severity.ERROR
          : DiagnosticCode.Severity.WARNING;
      assertThat(c.severity()).as(c.name()).isEqualTo(expected);
      assertThat(c.isError()).as(c.name()).isEqualTo(expected == DiagnosticCode.Severity.ERROR);
    }
  }

  @Test
  void codes_areInAscendingOrder_soTheDocumentationReadsInOrder() {
    String[] names = Arrays.stream(DiagnosticCode.values()).map(Enum::name).toArray(String[]::new);
    assertThat(names).isSorted();
  }

  @Test
  void everyCode_hasAShortTitle_andAOneParagraphExplanation() {
    for (DiagnosticCode c : DiagnosticCode.values()) {
      assertThat(c.title()).as(c.name()).isNotBlank().hasSizeLessThan(70).doesNotContain("|", "\n");
      assertThat(c.explanation()).as(c.name()).hasSizeGreaterThan(80).doesNotContain("\n")
          .doesNotStartWith(" ").doesNotEndWith(" ").doesNotContain("  ").endsWith(".");
    }
  }

  @Test
  void nestingLimitInTheExplanation_isTheParsersLimit() {
    assertThat(DiagnosticCode.VR107.explanation()).contains("more than " + ConditionParser.MAX_DEPTH + " levels");
  }
}
