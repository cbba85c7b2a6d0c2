package dev.vigil.rules;

import static dev.vigil.rules.RuleTestKit.compile;
import static dev.vigil.rules.RuleTestKit.withCode;
import static dev.vigil.rules.lang.DiagnosticCode.VR100;
import static dev.vigil.rules.lang.DiagnosticCode.VR101;
import static dev.vigil.rules.lang.DiagnosticCode.VR105;
import static dev.vigil.rules.lang.DiagnosticCode.VR110;
import static dev.vigil.rules.lang.DiagnosticCode.VR112;
import static dev.vigil.rules.lang.DiagnosticCode.VR114;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.rules.lang.Pos;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Diagnostics inside multi-line and appended conditions point at the exact file, line and column. */
class RuleCompilerPositionsTest {

  private static Pos posOf(String text, String needle) {
    int at = text.indexOf(needle);
    String before = text.substring(0, at);
    int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
    return new Pos(line, at - (before.lastIndexOf('\n') + 1) + 1);
  }

  private static Diagnostic single(LoadResult r, DiagnosticCode code) {
    List<Diagnostic> found = withCode(r, code);
    assertThat(found).as(code + " among " + r.diagnostics()).hasSize(1);
    return found.get(0);
  }

  @Test
  void compile_undefinedMacroOnLaterLineOfFoldedCondition_reportsVR110AtItsLineAndColumn() {
    String yaml = """
        - rule: undefined
          desc: d
          condition: >
            evt.type = execve
            and proc.name = bash
            and no_such_macro
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR110);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + posOf(yaml, "no_such_macro"));
  }

  @Test
  void compile_undefinedMacroOnLaterLineOfLiteralCondition_reportsVR110AtItsLineAndColumn() {
    String yaml = """
        - rule: undefined
          desc: d
          condition: |
            evt.type = execve
              and no_such_macro
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR110);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + posOf(yaml, "no_such_macro"));
  }

  @Test
  void compile_unknownFieldOnLaterLineOfPlainMultiLineCondition_reportsVR112AtItsLineAndColumn() {
    String yaml = """
        - rule: plain
          desc: d
          condition: evt.type = execve
              and proc.name = bash
                and proc.nmae = sh
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR112);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + posOf(yaml, "proc.nmae"));
  }

  @Test
  void compile_unknownFieldInFoldedMacroAfterBlankAndMoreIndentedLines_reportsVR112AtItsLineAndColumn() {
    String yaml = """
        - macro: m
          condition: >-
            evt.type = execve

            and (proc.name = bash
                 or proc.name = sh)
            and  proc.nmae = zsh
        - rule: r
          desc: d
          condition: m
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR112);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + posOf(yaml, "proc.nmae"));
  }

  @Test
  void compile_badValueOnLaterLineOfDoubleQuotedCondition_reportsVR114AtItsLineAndColumn() {
    String yaml = """
        - rule: quoted
          desc: d
          condition: "evt.type = execve
            and proc.pid = abc"
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR114);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + posOf(yaml, "proc.pid"));
  }

  @Test
  void compile_unexpectedTokenOnLaterLineOfFoldedCondition_reportsVR101AtTheToken() {
    String yaml = """
        - rule: broken
          desc: d
          condition: >
            evt.type = execve
            and proc.name = bash
            and and proc.name = sh
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR101);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + posOf(yaml, "and proc.name = sh"));
  }

  @Test
  void compile_conditionEndingEarlyInLiteralMacro_reportsVR100JustAfterItsLastWord() {
    String yaml = """
        - macro: m
          condition: |
            evt.type = execve and
              proc.name = bash and
        - rule: r
          desc: d
          condition: m
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR100);

    Pos lastAnd = posOf(yaml, "and\n- rule");
    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:" + new Pos(lastAnd.line(), lastAnd.col() + 3));
  }

  @Test
  void compile_undefinedMacroInConditionAppendedFromSecondFile_reportsVR110InTheAppendingFile() {
    String base = """
        - rule: shell
          desc: d
          condition: >
            evt.type = execve
            and proc.name = bash
          output: out
          priority: WARNING
        """;
    String local = """
        - list: unrelated
          items: [a]
        - rule: shell
          condition: >
            and not proc.pname = sshd
            and not no_such_macro
          override:
            condition: append
        """;

    Diagnostic d = single(compile(RuleTestKit.allOptions(), base, local), VR110);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("f2.yaml:" + posOf(local, "no_such_macro"));
  }

  @Test
  void compile_errorsInBothPartsOfAnAppendedMacro_reportEachInItsOwnFile() {
    String base = """
        - macro: m
          condition: |
            evt.type = execve
            and proc.nmae = bash
        - rule: r
          desc: d
          condition: m
          output: out
          priority: WARNING
        """;
    String local = """
        - macro: m
          append: true
          condition: or
            proc.pnmae = sh
        """;

    List<Diagnostic> found = withCode(compile(RuleTestKit.allOptions(), base, local), VR112);

    assertThat(found).extracting(d -> d.file() + ":" + d.pos()).containsExactly(
        "f1.yaml:" + posOf(base, "proc.nmae"), "f2.yaml:" + posOf(local, "proc.pnmae"));
  }

  @Test
  void compile_parseErrorInLegacyAppendedPart_reportsItInTheAppendingFile() {
    String base = """
        - rule: shell
          desc: d
          condition: evt.type = execve
          output: out
          priority: WARNING
        """;
    String local = """
        - rule: shell
          append: true
          condition: >
            and proc.name = bash
            and (proc.name = sh
        """;

    Diagnostic d = single(compile(RuleTestKit.allOptions(), base, local), VR105);

    Pos sh = posOf(local, "= sh\n");
    assertThat(d.file() + ":" + d.pos()).isEqualTo("f2.yaml:" + new Pos(sh.line(), sh.col() + 4));
  }

  @Test
  void compile_conditionReplacedFromSecondFile_reportsErrorsInThatFile() {
    String base = """
        - rule: shell
          desc: d
          condition: evt.type = execve
          output: out
          priority: WARNING
        """;
    String local = """
        - rule: shell
          condition: >
            evt.type = execve
            and proc.nmae = bash
          override:
            condition: replace
        """;

    Diagnostic d = single(compile(RuleTestKit.allOptions(), base, local), VR112);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("f2.yaml:" + posOf(local, "proc.nmae"));
  }

  @Test
  void compile_unknownFieldInExceptionAppendedFromSecondFile_reportsVR112AtThatException() {
    String base = """
        - rule: shell
          desc: d
          condition: evt.type = execve and proc.name = bash
          output: out
          priority: WARNING
        """;
    String local = """
        - rule: shell
          exceptions:
            - name: parents
              fields: [proc.pnmae]
              values: [[sshd]]
          override:
            exceptions: append
        """;

    Diagnostic d = single(compile(RuleTestKit.allOptions(), base, local), VR112);

    assertThat(d.file() + ":" + d.pos()).isEqualTo("f2.yaml:" + posOf(local, "name: parents"));
  }
}
