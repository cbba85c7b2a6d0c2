package dev.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputTemplateTest {

  @Test
  void render_substitutesFieldsBetweenLiterals() {
    OutputTemplate t = OutputTemplate.parse("Shell spawned (user=%user.name cmd=%proc.cmdline)");
    assertThat(t.render(Map.of("user.name", "root", "proc.cmdline", "bash -i")))
        .isEqualTo("Shell spawned (user=root cmd=bash -i)");
  }

  @Test
  void render_fieldAtStartAndEnd_isSubstituted() {
    OutputTemplate t = OutputTemplate.parse("%a.b and %c_d");
    assertThat(t.render(Map.of("a.b", "X", "c_d", "Y"))).isEqualTo("X and Y");
  }

  @Test
  void render_adjacentFields_areBothSubstituted() {
    OutputTemplate t = OutputTemplate.parse("image=%container.image.repository:%container.image.tag");
    assertThat(t.fields()).containsExactly("container.image.repository", "container.image.tag");
    assertThat(t.render(Map.of("container.image.repository", "nginx", "container.image.tag", "1.25")))
        .isEqualTo("image=nginx:1.25");
  }

  @Test
  void render_missingField_printsNA() {
    OutputTemplate t = OutputTemplate.parse("user=%user.name pid=%proc.pid");
    assertThat(t.render(Map.of("proc.pid", 42))).isEqualTo("user=<NA> pid=42");
  }

  @Test
  void render_nullField_printsNA() {
    Map<String, Object> values = new HashMap<>();
    values.put("user.name", null);
    assertThat(OutputTemplate.parse("user=%user.name").render(values)).isEqualTo("user=<NA>");
  }

  @Test
  void render_emptyStringValue_isKeptEmptyNotNA() {
    assertThat(OutputTemplate.parse("[%x]").render(Map.of("x", ""))).isEqualTo("[]");
  }

  @Test
  void render_nonStringValues_useToString() {
    OutputTemplate t = OutputTemplate.parse("pid=%proc.pid cpu=%stats.cpu trunc=%log.truncated");
    assertThat(t.render(Map.of("proc.pid", 1234L, "stats.cpu", 12.5, "log.truncated", true)))
        .isEqualTo("pid=1234 cpu=12.5 trunc=true");
  }

  @Test
  void render_fieldWithBracketArgument_usesWholeNameWithArgument() {
    OutputTemplate t = OutputTemplate.parse("parent=%proc.aname[2] next");
    assertThat(t.fields()).containsExactly("proc.aname[2]");
    assertThat(t.render(Map.of("proc.aname[2]", "sshd", "proc.aname", "wrong"))).isEqualTo("parent=sshd next");
  }

  @Test
  void parse_bracketArgumentWithDotsAndSlashes_isKeptVerbatim() {
    OutputTemplate t = OutputTemplate.parse("%container.label[com.docker.compose.project] x");
    assertThat(t.fields()).containsExactly("container.label[com.docker.compose.project]");
  }

  @Test
  void parse_unclosedBracket_isLiteral() {
    OutputTemplate t = OutputTemplate.parse("v=%evt.arg[name rest");
    assertThat(t.fields()).containsExactly("evt.arg");
    assertThat(t.render(Map.of("evt.arg", "A"))).isEqualTo("v=A[name rest");
  }

  @Test
  void render_trailingDot_isNotPartOfField() {
    OutputTemplate t = OutputTemplate.parse("Launched by %user.name.");
    assertThat(t.fields()).containsExactly("user.name");
    assertThat(t.render(Map.of("user.name", "bob"))).isEqualTo("Launched by bob.");
  }

  @Test
  void render_severalTrailingDots_areAllLiteral() {
    OutputTemplate t = OutputTemplate.parse("wait for %proc.name...");
    assertThat(t.fields()).containsExactly("proc.name");
    assertThat(t.render(Map.of("proc.name", "sh"))).isEqualTo("wait for sh...");
  }

  @Test
  void render_trailingDotAfterBracket_isLiteral() {
    OutputTemplate t = OutputTemplate.parse("see %a.b[1].");
    assertThat(t.fields()).containsExactly("a.b[1]");
    assertThat(t.render(Map.of("a.b[1]", "v"))).isEqualTo("see v.");
  }

  @Test
  void render_dotFollowedByMoreText_staysInsideFieldName() {
    OutputTemplate t = OutputTemplate.parse("%fd.name.suffix end");
    assertThat(t.fields()).containsExactly("fd.name.suffix");
  }

  @Test
  void render_percentNotFollowedByLetter_isKeptLiterally() {
    OutputTemplate t = OutputTemplate.parse("cpu 95% (%stats.cpu%) 100%% %1 % x %_y %.z %");
    assertThat(t.fields()).containsExactly("stats.cpu");
    assertThat(t.render(Map.of("stats.cpu", 95.0))).isEqualTo("cpu 95% (95.0%) 100%% %1 % x %_y %.z %");
  }

  @Test
  void render_doublePercentBeforeLetter_keepsFirstPercentAndSubstitutesField() {
    OutputTemplate t = OutputTemplate.parse("%%proc.name");
    assertThat(t.fields()).containsExactly("proc.name");
    assertThat(t.render(Map.of("proc.name", "sh"))).isEqualTo("%sh");
  }

  @Test
  void render_noFields_returnsLiteral() {
    OutputTemplate t = OutputTemplate.parse("plain text");
    assertThat(t.fields()).isEmpty();
    assertThat(t.render(Map.of())).isEqualTo("plain text");
  }

  @Test
  void render_emptyTemplate_isEmpty() {
    OutputTemplate t = OutputTemplate.parse("");
    assertThat(t.fields()).isEmpty();
    assertThat(t.render(Map.of("a", 1))).isEmpty();
  }

  @Test
  void render_valueContainingPercentField_isNotExpandedAgain() {
    OutputTemplate t = OutputTemplate.parse("cmd=%proc.cmdline");
    assertThat(t.render(Map.of("proc.cmdline", "echo %user.name", "user.name", "root")))
        .isEqualTo("cmd=echo %user.name");
  }

  @Test
  void fields_listsReferencesInOrderWithDuplicates() {
    OutputTemplate t = OutputTemplate.parse("%b %a %b.");
    assertThat(t.fields()).containsExactly("b", "a", "b");
  }

  @Test
  void fields_isUnmodifiable() {
    OutputTemplate t = OutputTemplate.parse("%a");
    assertThatThrownBy(() -> t.fields().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void render_sameTemplateTwice_givesIndependentResults() {
    OutputTemplate t = OutputTemplate.parse("n=%n");
    assertThat(t.render(Map.of("n", 1))).isEqualTo("n=1");
    assertThat(t.render(Map.of("n", 2))).isEqualTo("n=2");
  }

  @Test
  void na_isFalcosMarker() {
    assertThat(OutputTemplate.NA).isEqualTo("<NA>");
  }
}
