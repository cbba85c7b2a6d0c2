package dev.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriorityTest {

  @ParameterizedTest
  @EnumSource(Priority.class)
  void parse_enumName_returnsThatPriority(Priority p) {
    assertThat(Priority.parse(p.name())).isSameAs(p);
  }

  @ParameterizedTest
  @EnumSource(Priority.class)
  void parse_falcoLabel_returnsThatPriority(Priority p) {
    assertThat(Priority.parse(p.label())).isSameAs(p);
  }

  @ParameterizedTest
  @CsvSource({
      "critical, CRITICAL",
      "CrItIcAl, CRITICAL",
      "emergency, EMERGENCY",
      "debug, DEBUG",
      "notice, NOTICE",
      "'  Error  ', ERROR",
      "warning, WARNING"
  })
  void parse_anyCaseAndSurroundingBlanks_isAccepted(String text, Priority expected) {
    assertThat(Priority.parse(text)).isSameAs(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"INFO", "info", "Info", " info "})
  void parse_infoAlias_isInformational(String text) {
    assertThat(Priority.parse(text)).isSameAs(Priority.INFORMATIONAL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"WARN", "warn", "Warn", "\twarn\n"})
  void parse_warnAlias_isWarning(String text) {
    assertThat(Priority.parse(text)).isSameAs(Priority.WARNING);
  }

  @Test
  void parse_unknownWord_throwsNamingTheInputAndAcceptedWords() {
    assertThatThrownBy(() -> Priority.parse("severe"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'severe'")
        .hasMessageContaining("Emergency")
        .hasMessageContaining("Alert")
        .hasMessageContaining("Critical")
        .hasMessageContaining("Error")
        .hasMessageContaining("Warning")
        .hasMessageContaining("Notice")
        .hasMessageContaining("Informational")
        .hasMessageContaining("Debug");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "information", "warnings", "crit", "INFO2"})
  void parse_nearMissesAndBlank_areRejected(String text) {
    assertThatThrownBy(() -> Priority.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown priority");
  }

  @Test
  void labels_areFalcosExactWords() {
    assertThat(Arrays.stream(Priority.values()).map(Priority::label)).containsExactly(
        "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug");
  }

  @Test
  void atLeast_moreSevereOrEqual_isTrue() {
    assertThat(Priority.CRITICAL.atLeast(Priority.WARNING)).isTrue();
    assertThat(Priority.EMERGENCY.atLeast(Priority.DEBUG)).isTrue();
    assertThat(Priority.WARNING.atLeast(Priority.WARNING)).isTrue();
    assertThat(Priority.ERROR.atLeast(Priority.WARNING)).isTrue();
  }

  @Test
  void atLeast_lessSevere_isFalse() {
    assertThat(Priority.WARNING.atLeast(Priority.CRITICAL)).isFalse();
    assertThat(Priority.DEBUG.atLeast(Priority.INFORMATIONAL)).isFalse();
    assertThat(Priority.NOTICE.atLeast(Priority.WARNING)).isFalse();
    assertThat(Priority.ALERT.atLeast(Priority.EMERGENCY)).isFalse();
  }

  @Test
  void atLeast_isConsistentWithDeclarationOrderForAllPairs() {
    Priority[] all = Priority.values();
    for (int i = 0; i < all.length; i++) {
      for (int j = 0; j < all.length; j++) {
        assertThat(all[i].atLeast(all[j])).as("%s atLeast %s", all[i], all[j]).isEqualTo(i <= j);
      }
    }
  }
}
