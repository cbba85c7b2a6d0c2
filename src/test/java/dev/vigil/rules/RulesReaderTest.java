package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR001;
import static dev.vigil.rules.lang.DiagnosticCode.VR002;
import static dev.vigil.rules.lang.DiagnosticCode.VR003;
import static dev.vigil.rules.lang.DiagnosticCode.VR004;
import static dev.vigil.rules.lang.DiagnosticCode.VR011;
import static dev.vigil.rules.lang.DiagnosticCode.VW001;
import static dev.vigil.rules.lang.DiagnosticCode.VW002;
import static dev.vigil.rules.lang.DiagnosticCode.VW006;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.rules.lang.Pos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class RulesReaderTest {

  /** Reads the texts as files a.yaml, b.yaml, ... in order. */
  static Defs.Collected read(String... texts) {
    List<RulesReader.Source> sources = new ArrayList<>();
    for (int i = 0; i < texts.length; i++) {
      sources.add(new RulesReader.Source((char) ('a' + i) + ".yaml", texts[i]));
    }
    return RulesReader.read(sources);
  }

  static List<DiagnosticCode> codes(Defs.Collected c) {
    return c.diagnostics().stream().map(Diagnostic::code).toList();
  }

  static Diagnostic only(Defs.Collected c) {
    assertThat(c.diagnostics()).hasSize(1);
    return c.diagnostics().get(0);
  }

  static Defs.RuleDef rule(Defs.Collected c, String name) {
    return c.rules().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  static final String SHELL_RULE = """
      - rule: shell
        desc: a shell ran
        condition: proc.name = bash
        output: "shell (user=%user.name)"
        priority: WARNING
      """;

  @Test
  void emptyFileCommentsAndNullDocument_yieldNothing() {
    Defs.Collected c = read("", "# only a comment\n", "---\n", "- \n");
    assertThat(c.lists()).isEmpty();
    assertThat(c.macros()).isEmpty();
    assertThat(c.rules()).isEmpty();
    assertThat(c.diagnostics()).isEmpty();
  }

  @Test
  void readsListMacroAndRuleWithDefaults() {
    Defs.Collected c = read("""
        - list: shells
          items: [bash, "sh", 80]
        - macro: spawned
          condition: evt.type = execve
        - rule: Shell
          desc: A shell
          condition: spawned and proc.name in (shells)
          output: >
            Shell ran (user=%user.name)
          priority: NOTICE
        """);
    assertThat(c.diagnostics()).isEmpty();
    assertThat(c.lists()).singleElement().satisfies(l -> {
      assertThat(l.name()).isEqualTo("shells");
      assertThat(l.items()).containsExactly("bash", "sh", "80");
      assertThat(l.origin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(1, 3)));
    });
    assertThat(c.macros()).singleElement().satisfies(m -> {
      assertThat(m.condition()).isEqualTo("evt.type = execve");
      assertThat(m.origin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(3, 3)));
      assertThat(m.conditionOrigin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(4, 14)));
    });
    Defs.RuleDef r = rule(c, "Shell");
    assertThat(r.output()).isEqualTo("Shell ran (user=%user.name)");
    assertThat(r.priority()).isEqualTo("NOTICE");
    assertThat(r.enabled()).isTrue();
    assertThat(r.source()).isEqualTo("syscall");
    assertThat(r.skipIfUnknownFilter()).isFalse();
    assertThat(r.tags()).isEmpty();
    assertThat(r.exceptions()).isEmpty();
    assertThat(r.origin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(5, 3)));
  }

  @Test
  void readsOptionalRuleKeys() {
    Defs.Collected c = read("""
        - rule: r
          desc: d
          condition: ka.verb = create
          output: o
          priority: INFO
          source: k8s_audit
          enabled: false
          tags: [k8s, mitre, k8s]
          warn_evttypes: false
          skip-if-unknown-filter: yes
        """);
    assertThat(c.diagnostics()).isEmpty();
    Defs.RuleDef r = rule(c, "r");
    assertThat(r.source()).isEqualTo("k8s_audit");
    assertThat(r.enabled()).isFalse();
    assertThat(r.tags()).containsExactly("k8s", "mitre");
    assertThat(r.skipIfUnknownFilter()).isTrue();
  }

  @Test
  void conditionOrigin_pointsAtTheConditionTextForEveryScalarStyle() {
    Defs.Collected c = read("""
        - macro: plain
          condition: evt.type = open
        - macro: quoted
          condition: "evt.type = open"
        - macro: folded
          condition: >
            evt.type = open
            and fd.num > 0
        - macro: literal
          condition: |

              evt.type = open
        - rule: r
          desc: d
          condition: >-
              plain
          output: o
          priority: INFO
        """);
    assertThat(c.diagnostics()).isEmpty();
    assertThat(c.macros()).extracting(m -> m.conditionOrigin().pos()).containsExactly(
        new Pos(2, 14), new Pos(4, 15), new Pos(7, 5), new Pos(11, 7));
    assertThat(c.macros().get(2).condition()).isEqualTo("evt.type = open and fd.num > 0\n");
    assertThat(rule(c, "r").conditionOrigin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(16, 7)));
  }

  @Test
  void yamlSyntaxError_stopsThatFileOnly() {
    Defs.Collected c = read("- list: first\n  items: [x]\n", """
        - list: ignored
          items: [x]
        - macro: m
          condition: a: b
        """, "- list: third\n  items: [y]\n");
    Diagnostic d = only(c);
    assertThat(d.isError()).isTrue();
    assertThat(d.code()).isEqualTo(VR001);
    assertThat(d.file()).isEqualTo("b.yaml");
    assertThat(d.pos()).isEqualTo(new Pos(4, 15));
    assertThat(d.message()).contains("mapping values are not allowed here").doesNotContain("\n");
    assertThat(c.lists()).extracting(Defs.ListDef::name).containsExactly("first", "third");
  }

  @Test
  void duplicateKey_isVr001AndSkipsOnlyThatItem() {
    Defs.Collected c = read("""
        - list: a
          items: [x]
          items: [y]
        - list: b
          items: [z]
        """);
    assertThat(only(c)).extracting(Diagnostic::code, Diagnostic::pos).containsExactly(VR001, new Pos(3, 3));
    assertThat(c.lists()).extracting(Defs.ListDef::name).containsExactly("b");
  }

  @Test
  void nonSequenceDocumentAndNonMapItems_areVr002() {
    assertThat(only(read("rule: x\n"))).extracting(Diagnostic::code, Diagnostic::pos)
        .containsExactly(VR002, new Pos(1, 1));
    Defs.Collected c = read("- just text\n- [a]\n- list: l\n  items: []\n");
    assertThat(c.diagnostics()).extracting(Diagnostic::code, Diagnostic::pos)
        .containsExactly(tuple(VR002, new Pos(1, 3)), tuple(VR002, new Pos(2, 3)));
    assertThat(c.lists()).extracting(Defs.ListDef::items).containsExactly(List.of());
  }

  @Test
  void versionItemsAreAccepted_unknownItemIsWarned() {
    Defs.Collected c = read("""
        - required_engine_version: 0.57.0
        - required_engine_version: 12
        - required_plugin_versions:
            - name: k8saudit
              version: 0.7.0
        - fancy: thing
        """);
    Diagnostic d = only(c);
    assertThat(d.isError()).isFalse();
    assertThat(d.code()).isEqualTo(VW001);
    assertThat(d.pos()).isEqualTo(new Pos(6, 3));
    assertThat(d.message()).contains("unknown item 'fancy' ignored");
    assertThat(codes(read("- required_engine_version: latest\n"))).containsExactly(VR004);
  }

  @Test
  void ruleMissingOutput_isVr003AtTheItem() {
    Defs.Collected c = read("""
        - rule: no output
          desc: d
          condition: evt.type = open
          priority: WARNING
        """ + SHELL_RULE);
    Diagnostic d = only(c);
    assertThat(d.isError()).isTrue();
    assertThat(d.code()).isEqualTo(VR003);
    assertThat(d.file()).isEqualTo("a.yaml");
    assertThat(d.pos()).isEqualTo(new Pos(1, 3));
    assertThat(d.message()).startsWith("rule 'no output' has no 'output'");
    assertThat(c.rules()).extracting(Defs.RuleDef::name).containsExactly("shell");
  }

  @Test
  void missingRequiredKeys_areVr003() {
    assertThat(codes(read("- rule: r\n  desc: d\n  output: o\n  priority: INFO\n"))).containsExactly(VR003);
    assertThat(codes(read("- rule: r\n  condition: ''\n  desc: d\n  output: o\n  priority: INFO\n")))
        .containsExactly(VR003);
    assertThat(codes(read("- macro: m\n"))).containsExactly(VR003);
    assertThat(codes(read("- list: l\n"))).containsExactly(VR003);
    assertThat(codes(read("- rule:\n  desc: d\n"))).containsExactly(VR003);
    assertThat(codes(read("- rule: r\n  tags: [a]\n"))).containsExactly(VR003);
  }

  @Test
  void wrongTypes_areVr004AtTheValue() {
    Diagnostic tags = only(read(SHELL_RULE + "  tags: mitre\n"));
    assertThat(tags).extracting(Diagnostic::code, Diagnostic::pos).containsExactly(VR004, new Pos(6, 9));
    assertThat(only(read(SHELL_RULE + "  enabled: maybe\n")).code()).isEqualTo(VR004);
    assertThat(only(read(SHELL_RULE + "  skip-if-unknown-filter: [x]\n")).code()).isEqualTo(VR004);
    assertThat(only(read("- list: l\n  items: bash\n")).code()).isEqualTo(VR004);
    assertThat(only(read("- list: l\n  items: [[a]]\n")).code()).isEqualTo(VR004);
    assertThat(only(read("- macro: m\n  condition: [a]\n")).code()).isEqualTo(VR004);
    assertThat(only(read("- rule: [r]\n  enabled: false\n")).code()).isEqualTo(VR004);
  }

  @Test
  void unknownRuleKey_isWarnedAndTheRuleStillRead() {
    Defs.Collected c = read(SHELL_RULE + "  prority: ERROR\n");
    Diagnostic d = only(c);
    assertThat(d.isError()).isFalse();
    assertThat(d.code()).isEqualTo(VW002);
    assertThat(d.pos()).isEqualTo(new Pos(6, 3));
    assertThat(d.message()).contains("'prority'").contains("rule 'shell'");
    assertThat(c.rules()).hasSize(1);
  }

  @Test
  void badListOrMacroName_isWarned() {
    Defs.Collected c = read("- list: my list\n  items: []\n- macro: 9lives\n  condition: a\n");
    assertThat(codes(c)).containsExactly(VW006, VW006);
    assertThat(c.lists()).hasSize(1);
    assertThat(c.macros()).hasSize(1);
  }

  @Test
  void redefinition_replacesInPlaceKeepingTheFirstSlot() {
    Defs.Collected c = read("""
        - list: l1
          items: [a]
        - list: l2
          items: [b]
        - macro: m1
          condition: x
        - macro: m2
          condition: y
        - rule: r1
          desc: first
          condition: c1
          output: o1
          priority: INFO
        - rule: r2
          desc: d
          condition: c2
          output: o2
          priority: INFO
        - list: l1
          items: [z]
        - macro: m1
          condition: z
        """, """
        - rule: r1
          desc: second
          condition: c9
          output: o9
          priority: ERROR
        """);
    assertThat(c.diagnostics()).isEmpty();
    assertThat(c.lists()).extracting(Defs.ListDef::name, Defs.ListDef::items)
        .containsExactly(tuple("l1", List.of("z")), tuple("l2", List.of("b")));
    assertThat(c.lists().get(0).origin()).isEqualTo(new Defs.Origin("a.yaml", new Pos(19, 3)));
    assertThat(c.macros()).extracting(Defs.MacroDef::name, Defs.MacroDef::condition)
        .containsExactly(tuple("m1", "z"), tuple("m2", "y"));
    assertThat(c.rules()).extracting(Defs.RuleDef::name).containsExactly("r1", "r2");
    Defs.RuleDef r1 = c.rules().get(0);
    assertThat(r1.desc()).isEqualTo("second");
    assertThat(r1.priority()).isEqualTo("ERROR");
    assertThat(r1.origin()).isEqualTo(new Defs.Origin("b.yaml", new Pos(1, 3)));
    assertThat(r1.conditionOrigin()).isEqualTo(new Defs.Origin("b.yaml", new Pos(3, 14)));
  }

  @Test
  void redefinitionWithAnotherSource_isVr011() {
    Defs.Collected c = read(SHELL_RULE, SHELL_RULE + "  source: k8s_audit\n");
    assertThat(only(c)).extracting(Diagnostic::code, Diagnostic::file, Diagnostic::pos)
        .containsExactly(VR011, "b.yaml", new Pos(6, 11));
    assertThat(rule(c, "shell").source()).isEqualTo("syscall");
  }

  @Test
  void definitionOrder_followsFilesAndItems() {
    Defs.Collected c = read("""
        - rule: b
          desc: d
          condition: c
          output: o
          priority: INFO
        - rule: a
          desc: d
          condition: c
          output: o
          priority: INFO
        """, """
        - rule: c
          desc: d
          condition: c
          output: o
          priority: INFO
        """);
    assertThat(c.rules()).extracting(Defs.RuleDef::name).containsExactly("b", "a", "c");
  }

  @Test
  void corpus_falcoRulesReadWithoutErrors() throws IOException {
    Path dir = Path.of("/work/shared/falco-rules");
    if (!Files.isDirectory(dir)) {
      Assumptions.abort("Falco rules corpus not found at " + dir + "; put falco_rules.yaml,"
          + " falco-incubating_rules.yaml and falco-sandbox_rules.yaml there to run this test");
    }
    List<RulesReader.Source> sources = new ArrayList<>();
    for (String f : List.of("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml")) {
      sources.add(new RulesReader.Source(f, Files.readString(dir.resolve(f))));
    }
    Defs.Collected c = RulesReader.read(sources);
    assertThat(c.diagnostics()).filteredOn(Diagnostic::isError).isEmpty();
    System.out.printf("Falco corpus: %d lists, %d macros, %d rules, %d warnings%n", c.lists().size(),
        c.macros().size(), c.rules().size(), c.diagnostics().size());
    c.diagnostics().forEach(System.out::println);
    assertThat(c.rules()).isNotEmpty();
    assertThat(c.rules()).allSatisfy(r -> {
      assertThat(r.condition()).isNotBlank();
      assertThat(r.output()).isNotBlank();
    });
  }
}
