package dev.vigil.rules;

import static dev.vigil.rules.RulesReaderTest.SHELL_RULE;
import static dev.vigil.rules.RulesReaderTest.codes;
import static dev.vigil.rules.RulesReaderTest.only;
import static dev.vigil.rules.RulesReaderTest.read;
import static dev.vigil.rules.RulesReaderTest.rule;
import static dev.vigil.rules.lang.DiagnosticCode.VR003;
import static dev.vigil.rules.lang.DiagnosticCode.VR004;
import static dev.vigil.rules.lang.DiagnosticCode.VR008;
import static dev.vigil.rules.lang.DiagnosticCode.VW002;
import static dev.vigil.rules.lang.DiagnosticCode.VW004;
import static dev.vigil.rules.lang.DiagnosticCode.VW005;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.lang.Pos;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rule's {@code exceptions:}: forms, defaults, validation and merging on append. */
class RulesReaderExceptionsTest {

  private static final String WITH_EXCEPTIONS = SHELL_RULE + """
        exceptions:
          - name: known
            fields: [proc.pname, fd.name]
            comps: [=, in]
            values:
              - [sshd, [/etc/a, /etc/b]]
          - name: by_name
            fields: proc.name
            values: [cron, anacron]
          - name: later
            fields: [user.name]
      """;

  @Test
  void readsListAndSingleFieldForms_withDefaults() {
    Defs.Collected c = read(WITH_EXCEPTIONS);
    assertThat(c.diagnostics()).isEmpty();
    List<Defs.ExceptionDef> ex = rule(c, "shell").exceptions();
    assertThat(ex).extracting(Defs.ExceptionDef::name).containsExactly("known", "by_name", "later");
    Defs.ExceptionDef known = ex.get(0);
    assertThat(known.fields()).containsExactly("proc.pname", "fd.name");
    assertThat(known.comps()).containsExactly("=", "in");
    assertThat(known.values()).containsExactly(List.of("sshd", List.of("/etc/a", "/etc/b")));
    assertThat(known.singleField()).isFalse();
    assertThat(known.origin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(7, 7)));
    Defs.ExceptionDef byName = ex.get(1);
    assertThat(byName.singleField()).isTrue();
    assertThat(byName.fields()).containsExactly("proc.name");
    assertThat(byName.comps()).containsExactly("in");
    assertThat(byName.values()).containsExactly(List.of("cron"), List.of("anacron"));
    Defs.ExceptionDef later = ex.get(2);
    assertThat(later.comps()).containsExactly("=");
    assertThat(later.values()).isEmpty();
  }

  @Test
  void rowOfWrongLength_isVr008AtTheRow() {
    Diagnostic d = only(read(SHELL_RULE + """
          exceptions:
            - name: pairs
              fields: [proc.name, fd.name]
              values:
                - [a, b]
                - [c]
        """));
    assertThat(d.isError()).isTrue();
    assertThat(d.code()).isEqualTo(VR008);
    assertThat(d.pos()).isEqualTo(new Pos(11, 11));
    assertThat(d.message()).contains("exception 'pairs' of rule 'shell'").contains("has 2 fields")
        .contains("has 1");
  }

  @Test
  void malformedExceptions_areVr008() {
    Diagnostic comps = only(read(SHELL_RULE + """
          exceptions:
            - name: e
              fields: [proc.name, fd.name]
              comps: [=]
        """));
    assertThat(comps).extracting(Diagnostic::code, Diagnostic::pos).containsExactly(VR008, new Pos(9, 14));
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - name: e\n      values: [[a]]\n")))
        .containsExactly(VR008);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - name: e\n      fields: proc.name\n      comps: =\n")))
        .containsExactly(VR008);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - name: e\n      fields: proc.name\n"
        + "      values: [[a]]\n"))).containsExactly(VR008);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - name: e\n      fields: [proc.name]\n"
        + "      values: [a]\n"))).containsExactly(VR008);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - name: e\n      fields: [a]\n      comps: in\n")))
        .containsExactly(VR008);
  }

  @Test
  void wrongExceptionTypes_areVr004_missingName_isVr003() {
    assertThat(codes(read(SHELL_RULE + "  exceptions: nope\n"))).containsExactly(VR004);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - just text\n"))).containsExactly(VR004);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - name: e\n      fields: [a]\n      values: {a: b}\n")))
        .containsExactly(VR004);
    assertThat(codes(read(SHELL_RULE + "  exceptions:\n    - fields: [a]\n"))).containsExactly(VR003);
  }

  @Test
  void duplicateNamesAndUnknownKeys_areWarned() {
    Defs.Collected c = read(SHELL_RULE + """
          exceptions:
            - name: e
              fields: [a]
            - name: e
              fields: [b]
              valus: [[x]]
        """);
    assertThat(codes(c)).containsExactly(VW005, VW002);
    assertThat(rule(c, "shell").exceptions()).hasSize(2);
  }

  @Test
  void append_addsValuesToSameNamedExceptionAndAddsNewOnes() {
    Defs.Collected c = read(WITH_EXCEPTIONS, """
        - rule: shell
          append: true
          exceptions:
            - name: known
              values:
                - [cron, /etc/c]
            - name: by_name
              values: [atd]
        - rule: shell
          exceptions:
            - name: later
              values: [[root]]
            - name: brand_new
              fields: [proc.exe]
              comps: [startswith]
              values: [[/opt/]]
          override:
            exceptions: append
        """);
    assertThat(codes(c)).containsExactly(VW004);
    List<Defs.ExceptionDef> ex = rule(c, "shell").exceptions();
    assertThat(ex).extracting(Defs.ExceptionDef::name).containsExactly("known", "by_name", "later", "brand_new");
    assertThat(ex.get(0).values()).containsExactly(List.of("sshd", List.of("/etc/a", "/etc/b")),
        List.of("cron", "/etc/c"));
    assertThat(ex.get(0).origin().file()).isEqualTo("a.yaml");
    assertThat(ex.get(1).values()).containsExactly(List.of("cron"), List.of("anacron"), List.of("atd"));
    assertThat(ex.get(2).values()).containsExactly(List.of("root"));
    assertThat(ex.get(3).comps()).containsExactly("startswith");
    assertThat(ex.get(3).origin().file()).isEqualTo("b.yaml");
  }

  @Test
  void append_checksValuesAgainstTheExistingFields() {
    Diagnostic d = only(read(WITH_EXCEPTIONS, """
        - rule: shell
          exceptions:
            - name: known
              values: [[only_one]]
          override:
            exceptions: append
        """));
    assertThat(d).extracting(Diagnostic::code, Diagnostic::file, Diagnostic::pos)
        .containsExactly(VR008, "b.yaml", new Pos(4, 16));
  }

  @Test
  void appendRejectsFieldsOnExistingAndNewWithoutValuesOrFields() {
    String append = "- rule: shell\n  append: true\n  exceptions:\n";
    assertThat(codes(read(WITH_EXCEPTIONS, append + "    - name: known\n      fields: [a, b]\n"
        + "      values: [[x, y]]\n"))).containsExactly(VW004, VR008);
    assertThat(codes(read(WITH_EXCEPTIONS, append + "    - name: fresh\n      fields: [a]\n")))
        .containsExactly(VW004, VR008);
    assertThat(codes(read(WITH_EXCEPTIONS, append + "    - name: fresh\n      values: [[x]]\n")))
        .containsExactly(VW004, VR008);
  }

  @Test
  void overrideReplace_replacesAllExceptions() {
    Defs.Collected c = read(WITH_EXCEPTIONS, """
        - rule: shell
          exceptions:
            - name: only
              fields: proc.name
              comps: pmatch
              values: [/usr]
          override:
            exceptions: replace
        """);
    assertThat(c.diagnostics()).isEmpty();
    assertThat(rule(c, "shell").exceptions()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo("only");
      assertThat(e.comps()).containsExactly("pmatch");
      assertThat(e.values()).containsExactly(List.of("/usr"));
    });
  }
}
