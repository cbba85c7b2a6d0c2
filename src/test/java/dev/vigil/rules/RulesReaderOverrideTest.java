package dev.vigil.rules;

import static dev.vigil.rules.RulesReaderTest.SHELL_RULE;
import static dev.vigil.rules.RulesReaderTest.codes;
import static dev.vigil.rules.RulesReaderTest.only;
import static dev.vigil.rules.RulesReaderTest.read;
import static dev.vigil.rules.RulesReaderTest.rule;
import static dev.vigil.rules.lang.DiagnosticCode.VR003;
import static dev.vigil.rules.lang.DiagnosticCode.VR004;
import static dev.vigil.rules.lang.DiagnosticCode.VR005;
import static dev.vigil.rules.lang.DiagnosticCode.VR006;
import static dev.vigil.rules.lang.DiagnosticCode.VR007;
import static dev.vigil.rules.lang.DiagnosticCode.VR010;
import static dev.vigil.rules.lang.DiagnosticCode.VW003;
import static dev.vigil.rules.lang.DiagnosticCode.VW004;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.rules.lang.Pos;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Legacy {@code append: true}, {@code override:} and standalone {@code enabled:} across items and files. */
class RulesReaderOverrideTest {

  private static final String BASE = """
      - list: shells
        items: [bash, sh]
      - macro: spawned
        condition: evt.type = execve
      """ + SHELL_RULE.replace("- rule: shell", "- rule: shell\n  tags: [shell]");

  @Test
  void legacyAppend_extendsListMacroAndRuleCondition() {
    Defs.Collected c = read(BASE, """
        - list: shells
          append: true
          items: [zsh]
        - macro: spawned
          append: true
          condition: or evt.type = execveat
        - rule: shell
          append: true
          condition: and not user.name = root
        """);
    assertThat(codes(c)).containsExactly(VW004, VW004, VW004);
    assertThat(c.diagnostics()).noneMatch(Diagnostic::isError);
    assertThat(c.lists().get(0).items()).containsExactly("bash", "sh", "zsh");
    assertThat(c.lists().get(0).origin().file()).isEqualTo("a.yaml");
    Defs.MacroDef m = c.macros().get(0);
    assertThat(m.condition()).isEqualTo("evt.type = execve or evt.type = execveat");
    assertThat(m.conditionOrigin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(4, 14)));
    Defs.RuleDef r = rule(c, "shell");
    assertThat(r.condition()).isEqualTo("proc.name = bash and not user.name = root");
    assertThat(r.origin().file()).isEqualTo("a.yaml");
    assertThat(r.conditionOrigin().file()).isEqualTo("a.yaml");
  }

  @Test
  void legacyRuleAppend_ignoresOtherKeysWithAWarning() {
    Defs.Collected c = read(BASE + """
        - rule: shell
          append: true
          output: extra
          condition: and x
        """);
    assertThat(codes(c)).containsExactly(VW004, VW003);
    assertThat(c.diagnostics().get(1).pos()).isEqualTo(new Pos(13, 3));
    assertThat(rule(c, "shell").output()).isEqualTo("shell (user=%user.name)");
  }

  @Test
  void legacyRuleAppend_withNothingToAppend_isVr005() {
    Defs.Collected c = read(BASE + "- rule: shell\n  append: true\n");
    assertThat(c.diagnostics()).filteredOn(Diagnostic::isError).extracting(Diagnostic::code)
        .containsExactly(VR005);
  }

  @Test
  void appendToUndefinedItem_isVr010AtTheItem() {
    Defs.Collected c = read(BASE, """
        - rule: missing
          append: true
          condition: and x
        - list: nolist
          override:
            items: append
          items: [a]
        - macro: nomacro
          append: true
          condition: x
        """);
    List<Diagnostic> errors = c.diagnostics().stream().filter(Diagnostic::isError).toList();
    assertThat(errors).extracting(Diagnostic::code).containsExactly(VR010, VR010, VR010);
    Diagnostic d = errors.get(0);
    assertThat(d.file()).isEqualTo("b.yaml");
    assertThat(d.pos()).isEqualTo(new Pos(1, 3));
    assertThat(d.message()).startsWith("rule 'missing' has 'append' but no rule by that name is defined");
  }

  @Test
  void updateOfAnItemThatFailedToLoad_doesNotAddASecondError() {
    Defs.Collected c = read("- rule: broken\n  desc: d\n", "- rule: broken\n  append: true\n  condition: x\n");
    assertThat(c.diagnostics()).filteredOn(Diagnostic::isError).extracting(Diagnostic::code)
        .containsExactly(VR003);
  }

  @Test
  void overrideListAndMacro_appendOrReplace() {
    Defs.Collected c = read(BASE, """
        - list: shells
          items: [zsh]
          override:
            items: append
        - macro: spawned
          condition: evt.type = clone
          override:
            condition: replace
        - list: fresh
          items: [x]
          override:
            items: replace
        """);
    assertThat(c.diagnostics()).isEmpty();
    assertThat(c.lists()).extracting(Defs.ListDef::items)
        .containsExactly(List.of("bash", "sh", "zsh"), List.of("x"));
    Defs.MacroDef m = c.macros().get(0);
    assertThat(m.condition()).isEqualTo("evt.type = clone");
    assertThat(m.origin()).isEqualTo(new Defs.Origin("b.yaml", new Pos(5, 3)));
    assertThat(m.conditionOrigin()).isEqualTo(new Defs.Origin("b.yaml", new Pos(6, 14)));
  }

  @Test
  void overrideRule_appendsAndReplacesChosenKeys() {
    Defs.Collected c = read(BASE, """
        - rule: shell
          condition: and not proc.pname = sshd
          output: (pid=%proc.pid)
          desc: more
          tags: [mitre, shell]
          priority: CRITICAL
          enabled: false
          skip-if-unknown-filter: true
          override:
            condition: append
            output: append
            desc: append
            tags: append
            priority: replace
            enabled: replace
            skip-if-unknown-filter: replace
        """);
    assertThat(c.diagnostics()).isEmpty();
    Defs.RuleDef r = rule(c, "shell");
    assertThat(r.condition()).isEqualTo("proc.name = bash and not proc.pname = sshd");
    assertThat(r.conditionOrigin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(8, 14)));
    assertThat(r.output()).isEqualTo("shell (user=%user.name) (pid=%proc.pid)");
    assertThat(r.desc()).isEqualTo("a shell ran more");
    assertThat(r.tags()).containsExactly("shell", "mitre");
    assertThat(r.priority()).isEqualTo("CRITICAL");
    assertThat(r.enabled()).isFalse();
    assertThat(r.skipIfUnknownFilter()).isTrue();
    assertThat(r.origin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(5, 3)));
  }

  @Test
  void overrideRule_replaceConditionMovesItsOrigin_andReplaceTagsDropsOldOnes() {
    Defs.Collected c = read(BASE, """
        - rule: shell
          condition: >
            proc.name = zsh
          tags: [new]
          override:
            condition: replace
            tags: replace
        """);
    assertThat(c.diagnostics()).isEmpty();
    Defs.RuleDef r = rule(c, "shell");
    assertThat(r.condition()).isEqualTo("proc.name = zsh\n");
    assertThat(r.conditionOrigin()).isEqualTo(new Defs.Origin("b.yaml", new Pos(3, 5)));
    assertThat(r.tags()).containsExactly("new");
  }

  @Test
  void overrideMismatches_areVr006() {
    assertThat(codes(read(BASE + "- rule: shell\n  priority: INFO\n  override:\n    priority: append\n")))
        .containsExactly(VR006);
    assertThat(codes(read(BASE + "- rule: shell\n  source: x\n  override:\n    source: replace\n")))
        .containsExactly(VR006);
    assertThat(codes(read(BASE + "- rule: shell\n  output: o\n  override:\n    output: merge\n")))
        .containsExactly(VR006);
    Diagnostic missing = only(read(BASE + "- rule: shell\n  override:\n    output: replace\n"));
    assertThat(missing.code()).isEqualTo(VR006);
    assertThat(missing.message()).contains("overrides 'output' but has no 'output'");
    Diagnostic extra = only(read(BASE + "- rule: shell\n  output: o\n  priority: INFO\n"
        + "  override:\n    output: replace\n"));
    assertThat(extra).extracting(Diagnostic::code, Diagnostic::pos).containsExactly(VR006, new Pos(13, 3));
    assertThat(extra.message()).contains("'priority'");
    assertThat(codes(read(BASE + "- list: shells\n  items: [a]\n  override:\n    items: prepend\n")))
        .containsExactly(VR006);
    assertThat(codes(read(BASE + "- rule: shell\n  output: o\n  override: replace\n"))).containsExactly(VR004);
  }

  @Test
  void appendAndOverrideTogether_isVr007() {
    Defs.Collected c = read(BASE + """
        - rule: shell
          append: true
          condition: and x
          override:
            condition: append
        """);
    assertThat(only(c)).extracting(Diagnostic::code, Diagnostic::pos).containsExactly(VR007, new Pos(12, 3));
    assertThat(rule(c, "shell").condition()).isEqualTo("proc.name = bash");
    assertThat(codes(read(BASE + "- list: shells\n  append: true\n  items: [a]\n  override:\n    items: append\n")))
        .containsExactly(VR007);
  }

  @Test
  void overrideOfUndefinedRule_isVr010() {
    Diagnostic d = only(read(BASE + "- rule: other\n  enabled: false\n  override:\n    enabled: replace\n"));
    assertThat(d).extracting(Diagnostic::code, Diagnostic::pos).containsExactly(VR010, new Pos(11, 3));
  }

  @Test
  void standaloneEnabled_switchesAnExistingRule() {
    Defs.Collected c = read(BASE, "- rule: shell\n  enabled: false\n");
    assertThat(codes(c)).containsExactly(VW004);
    assertThat(rule(c, "shell").enabled()).isFalse();
    assertThat(rule(c, "shell").origin().file()).isEqualTo("a.yaml");
    Defs.Collected missing = read(BASE, "- rule: nope\n  enabled: false\n");
    assertThat(missing.diagnostics()).filteredOn(Diagnostic::isError)
        .extracting(Diagnostic::code, Diagnostic::file, Diagnostic::pos)
        .containsExactly(tuple(VR010, "b.yaml", new Pos(1, 3)));
  }

  @Test
  void secondFile_appendsOverridesAndReplacesFirstFilesItems_keepingOrder() {
    Defs.Collected c = read(BASE + """
        - rule: second
          desc: d
          condition: evt.type = open
          output: o
          priority: INFO
        """, """
        - list: shells
          items: [fish]
          override:
            items: append
        - rule: shell
          desc: replaced entirely
          condition: spawned and proc.name in (shells)
          output: o2
          priority: ERROR
        - rule: second
          enabled: false
          override:
            enabled: replace
        - rule: third
          desc: d
          condition: c
          output: o
          priority: INFO
        """);
    assertThat(c.diagnostics()).isEmpty();
    assertThat(c.lists().get(0).items()).containsExactly("bash", "sh", "fish");
    assertThat(c.rules()).extracting(Defs.RuleDef::name).containsExactly("shell", "second", "third");
    Defs.RuleDef shell = c.rules().get(0);
    assertThat(shell.desc()).isEqualTo("replaced entirely");
    assertThat(shell.tags()).isEmpty();
    assertThat(shell.origin()).isEqualTo(new Defs.Origin("b.yaml", new Pos(5, 3)));
    assertThat(c.rules().get(1).enabled()).isFalse();
    assertThat(c.rules().get(1).origin().file()).isEqualTo("a.yaml");
  }
}
