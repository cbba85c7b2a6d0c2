package dev.vigil.rules;

import static dev.vigil.rules.RuleTestKit.allOptions;
import static dev.vigil.rules.RuleTestKit.compile;
import static dev.vigil.rules.RuleTestKit.compileClean;
import static dev.vigil.rules.RuleTestKit.exec;
import static dev.vigil.rules.RuleTestKit.file;
import static dev.vigil.rules.RuleTestKit.matches;
import static dev.vigil.rules.RuleTestKit.rule;
import static dev.vigil.rules.RuleTestKit.withCode;
import static dev.vigil.rules.lang.DiagnosticCode.VR110;
import static dev.vigil.rules.lang.DiagnosticCode.VR111;
import static dev.vigil.rules.lang.DiagnosticCode.VR112;
import static dev.vigil.rules.lang.DiagnosticCode.VR113;
import static dev.vigil.rules.lang.DiagnosticCode.VR114;
import static dev.vigil.rules.lang.DiagnosticCode.VR115;
import static dev.vigil.rules.lang.DiagnosticCode.VR118;
import static dev.vigil.rules.lang.DiagnosticCode.VR119;
import static dev.vigil.rules.lang.DiagnosticCode.VR120;
import static dev.vigil.rules.lang.DiagnosticCode.VW010;
import static dev.vigil.rules.lang.DiagnosticCode.VW020;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.Capability;
import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.rules.lang.Pos;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stage 2: lists and macros expanded, conditions type-checked, unsupported rules disabled, user switches applied. */
class RuleCompilerTest {

  /** Line and column (1-based) where {@code needle} first occurs in {@code text}. */
  private static Pos posOf(String text, String needle) {
    int at = text.indexOf(needle);
    assertThat(at).as("'" + needle + "' in the test YAML").isNotNegative();
    String before = text.substring(0, at);
    int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
    return new Pos(line, at - (before.lastIndexOf('\n') + 1) + 1);
  }

  private static Diagnostic single(LoadResult r, DiagnosticCode code) {
    List<Diagnostic> found = withCode(r, code);
    assertThat(found).as(code + " among " + r.diagnostics()).hasSize(1);
    return found.get(0);
  }

  private static String oneRule(String condition) {
    return """
        - rule: under test
          desc: d
          condition: %s
          output: out
          priority: WARNING
        """.formatted(condition);
  }

  // --- lists and macros -----------------------------------------------------------------------------------------

  @Test
  void compile_nestedListsAndMacro_expandToEveryItem() {
    LoadResult r = compileClean("""
        - list: shells
          items: [bash, sh]
        - list: interpreters
          items: [shells, python3]
        - macro: interpreter_started
          condition: evt.type = execve and proc.name in (interpreters, perl)
        - rule: interpreter
          desc: d
          condition: interpreter_started
          output: out
          priority: WARNING
        """);

    assertThat(matches(r, exec("bash"))).containsExactly("interpreter");
    assertThat(matches(r, exec("sh"))).containsExactly("interpreter");
    assertThat(matches(r, exec("python3"))).containsExactly("interpreter");
    assertThat(matches(r, exec("perl"))).containsExactly("interpreter");
    assertThat(matches(r, exec("zsh"))).isEmpty();
    assertThat(matches(r, exec("shells"))).as("a list name is not itself an item").isEmpty();
  }

  @Test
  void compile_bareListNameAfterIn_expandsLikeParenthesisedList() {
    LoadResult r = compileClean("""
        - list: shells
          items: [bash, sh]
        - rule: shell
          desc: d
          condition: evt.type = execve and proc.name in shells
          output: out
          priority: WARNING
        """);

    assertThat(matches(r, exec("sh"))).containsExactly("shell");
    assertThat(matches(r, exec("shells"))).isEmpty();
  }

  @Test
  void compile_quotedListNames_areLiteralItemsNotExpanded() {
    LoadResult r = compileClean("""
        - list: shells
          items: [bash, sh]
        - list: literal_names
          items: ["'shells'", zsh]
        - rule: quoted in list
          desc: d
          condition: evt.type = execve and proc.name in (literal_names)
          output: out
          priority: WARNING
        - rule: quoted in condition
          desc: d
          condition: evt.type = execve and proc.name in ("shells", fish)
          output: out
          priority: WARNING
        """);

    assertThat(matches(r, exec("shells"))).containsExactly("quoted in list", "quoted in condition");
    assertThat(matches(r, exec("bash"))).isEmpty();
    assertThat(matches(r, exec("zsh"))).containsExactly("quoted in list");
    assertThat(matches(r, exec("fish"))).containsExactly("quoted in condition");
  }

  @Test
  void compile_listsReferringToEachOther_reportVR115() {
    LoadResult r = compile("""
        - list: a_list
          items: [b_list, x]
        - list: b_list
          items: [a_list, y]
        - rule: uses lists
          desc: d
          condition: proc.name in (a_list)
          output: out
          priority: WARNING
        """);

    assertThat(withCode(r, VR115)).isNotEmpty()
        .allSatisfy(d -> assertThat(d.message()).contains("a_list").contains("b_list"));
  }

  @Test
  void compile_macroCycle_reportsVR111NamingTheChain() {
    LoadResult r = compile("""
        - macro: a_macro
          condition: b_macro or proc.name = x
        - macro: b_macro
          condition: a_macro
        - rule: cyclic
          desc: d
          condition: evt.type = execve and a_macro
          output: out
          priority: WARNING
        """);

    Diagnostic d = single(r, VR111);
    assertThat(d.isError()).isTrue();
    assertThat(d.message()).contains("a_macro -> b_macro -> a_macro");
    assertThat(r.enabled()).isEmpty();
  }

  @Test
  void compile_macroReferringToItself_reportsVR111() {
    LoadResult r = compile("""
        - macro: self_ref
          condition: proc.name = x or self_ref
        - rule: cyclic
          desc: d
          condition: evt.type = execve and self_ref
          output: out
          priority: WARNING
        """);

    assertThat(single(r, VR111).message()).contains("self_ref -> self_ref");
  }

  @Test
  void compile_undefinedMacroOnFirstLineOfFoldedCondition_reportsVR110AtItsPosition() {
    String yaml = """
        - rule: undefined
          desc: d
          condition: >
            evt.type = execve and no_such_macro
          output: out
          priority: WARNING
        """;

    Diagnostic d = single(compile(yaml), VR110);

    assertThat(d.isError()).isTrue();
    assertThat(d.file()).isEqualTo("t.yaml");
    assertThat(d.pos()).isEqualTo(posOf(yaml, "no_such_macro"));
    assertThat(d.message()).contains("undefined macro 'no_such_macro'");
  }

  @Test
  void compile_unusedMacro_warnsVW020NamingIt_butNotForMacrosUsedThroughOtherMacros() {
    LoadResult r = compileClean("""
        - macro: inner_macro
          condition: proc.name = bash
        - macro: outer_macro
          condition: evt.type = execve and inner_macro
        - macro: forgotten_macro
          condition: proc.name = zsh
        - rule: uses outer
          desc: d
          condition: outer_macro
          output: out
          priority: WARNING
        """);

    Diagnostic d = single(r, VW020);
    assertThat(d.isError()).isFalse();
    assertThat(d.message()).contains("'forgotten_macro'");
    assertThat(d.pos()).isEqualTo(new Pos(5, 3));
  }

  // --- field and value checks -----------------------------------------------------------------------------------

  @Test
  void compile_unknownField_reportsVR112AtLineAndColumn() {
    String yaml = oneRule("evt.type = execve and log.lien contains error");

    Diagnostic d = single(compile(yaml), VR112);

    assertThat(d.isError()).isTrue();
    assertThat(d.pos()).isEqualTo(posOf(yaml, "log.lien"));
    assertThat(d.message()).contains("'log.lien'");
  }

  @Test
  void compile_falcoFieldVigilLacks_disablesRuleWithVW010NamingField_notError() {
    LoadResult r = compile(oneRule("evt.type = execve and k8s.ns.name = kube-system"));

    assertThat(r.errors()).isEmpty();
    CompiledRule c = rule(r, "under test");
    assertThat(c.enabled()).isFalse();
    assertThat(c.disabledReason()).contains("k8s.ns.name");
    assertThat(single(r, VW010).message()).contains("'under test'").contains("k8s.ns.name");
  }

  @Test
  void compile_fieldOfSensorNotRunning_disablesRuleNamingFieldAndCapability() {
    RuleCompiler.Options noTree = new RuleCompiler.Options(EnumSet.of(Capability.CORE, Capability.PROCESS),
        List.of(), List.of(), Priority.DEBUG);
    LoadResult r = compile(noTree, """
        - rule: needs tree
          desc: d
          condition: evt.type = execve and proc.pname = sshd
          output: out
          priority: WARNING
        - rule: needs process only
          desc: d
          condition: evt.type = execve and proc.name = bash
          output: out
          priority: WARNING
        """);

    assertThat(r.errors()).isEmpty();
    assertThat(rule(r, "needs tree").enabled()).isFalse();
    assertThat(rule(r, "needs process only").enabled()).isTrue();
    assertThat(single(r, VW010).message()).contains("'needs tree'").contains("proc.pname")
        .contains("PROCESS_TREE");
  }

  @Test
  void compile_fdNumWithDockerSensors_disablesRuleNamingFieldAndFileOpenSensor() {
    LoadResult r = compile(RuleCompiler.Options.defaults(),
        oneRule("evt.type = openat and fd.num = 3"));

    assertThat(r.errors()).isEmpty();
    assertThat(rule(r, "under test").enabled()).isFalse();
    assertThat(single(r, VW010).message()).contains("fd.num").contains("FILE_OPEN");
  }

  @Test
  void compile_stringOperatorOnNumber_reportsVR113() {
    String yaml = oneRule("evt.type = execve and proc.pid contains 1");

    Diagnostic d = single(compile(yaml), VR113);

    assertThat(d.isError()).isTrue();
    assertThat(d.pos()).isEqualTo(posOf(yaml, "proc.pid"));
    assertThat(d.message()).contains("contains").contains("proc.pid");
  }

  @Test
  void compile_orderingOperatorOnString_reportsVR113() {
    assertThat(single(compile(oneRule("proc.name > 3")), VR113).message()).contains("'>'");
  }

  @Test
  void compile_nonNumberForNumericField_reportsVR114() {
    assertThat(single(compile(oneRule("proc.pid = abc")), VR114).message()).contains("'abc'");
    assertThat(single(compile(oneRule("user.uid in (0, root)")), VR114).message()).contains("'root'");
  }

  @Test
  void compile_nonBooleanForBoolField_reportsVR114() {
    assertThat(single(compile(oneRule("evt.is_open_write = yes")), VR114).message()).contains("'yes'");
  }

  @Test
  void compile_invalidRegex_reportsVR119() {
    String yaml = oneRule("proc.name regex \"[a-\"");

    Diagnostic d = single(compile(yaml), VR119);

    assertThat(d.isError()).isTrue();
    assertThat(d.message()).contains("[a-");
  }

  @Test
  void compile_unknownPriority_reportsVR120() {
    LoadResult r = compile("""
        - rule: bad priority
          desc: d
          condition: proc.name = bash
          output: out
          priority: SEVERE
        """);

    Diagnostic d = single(r, VR120);
    assertThat(d.isError()).isTrue();
    assertThat(d.pos().line()).isEqualTo(1);
    assertThat(d.message()).contains("SEVERE");
  }

  @Test
  void compile_priorityAliasesAndCase_areAccepted() {
    LoadResult r = compileClean("""
        - rule: info
          desc: d
          condition: proc.name = bash
          output: out
          priority: info
        - rule: warn
          desc: d
          condition: proc.name = bash
          output: out
          priority: WARN
        """);

    assertThat(rule(r, "info").priority()).isEqualTo(Priority.INFORMATIONAL);
    assertThat(rule(r, "warn").priority()).isEqualTo(Priority.WARNING);
  }

  // --- sources and event types ----------------------------------------------------------------------------------

  @Test
  void compile_unknownSource_disablesRuleWithWarningNamingSource() {
    LoadResult r = compile("""
        - rule: k8s audit
          desc: d
          condition: ka.verb = create
          output: out
          priority: NOTICE
          source: k8s_audit
        """);

    assertThat(r.errors()).isEmpty();
    assertThat(rule(r, "k8s audit").enabled()).isFalse();
    assertThat(single(r, VW010).message()).contains("k8s_audit");
  }

  @Test
  void compile_ruleOnlyForEventTypesVigilNeverProduces_disabledWithWarningNamingType() {
    LoadResult r = compile(oneRule("evt.type = ptrace and proc.name = gdb"));

    assertThat(r.errors()).isEmpty();
    assertThat(rule(r, "under test").enabled()).isFalse();
    assertThat(single(r, VW010).message()).contains("evt.type").contains("ptrace");
  }

  @Test
  void compile_ruleForProducedAndUnproducedTypes_indexedUnderProducedOnly() {
    LoadResult r = compileClean(oneRule("evt.type in (ptrace, execve) and proc.name = gdb"));

    CompiledRule c = rule(r, "under test");
    assertThat(c.enabled()).isTrue();
    assertThat(c.eventTypes()).containsExactly("execve");
    assertThat(withCode(r, VW010)).isEmpty();
  }

  @Test
  void compile_unconstrainedSyscallRule_indexedUnderEverySyscallType() {
    LoadResult r = compileClean(oneRule("container.name = web"));

    assertThat(rule(r, "under test").eventTypes())
        .containsExactlyInAnyOrder("execve", "setuid", "setgid", "setsid", "openat", "unlinkat", "connect", "accept",
            "listen");
    RuleSet set = new RuleSet(r, null);
    assertThat(set.rulesFor("execve")).isEqualTo(1);
    assertThat(set.rulesFor("openat")).isEqualTo(1);
    assertThat(set.rulesFor("unlinkat")).isEqualTo(1);
    assertThat(set.rulesFor("log")).isZero();
    assertThat(set.rulesFor("container")).isZero();
    assertThat(matches(set, exec("bash"))).containsExactly("under test");
    assertThat(matches(set, file("/etc/passwd"))).containsExactly("under test");
  }

  @Test
  void compile_unconstrainedSyscallRuleWithoutFileSensors_indexedUnderExecveOnly() {
    RuleCompiler.Options processOnly = new RuleCompiler.Options(EnumSet.of(Capability.CORE, Capability.PROCESS),
        List.of(), List.of(), Priority.DEBUG);

    LoadResult r = compileClean(processOnly, oneRule("container.name = web"));

    assertThat(rule(r, "under test").eventTypes()).isEqualTo(Set.of("execve"));
  }

  // --- rules switched off ---------------------------------------------------------------------------------------

  private static final String THREE_RULES = """
      - rule: Terminal Shell in Container
        desc: d
        condition: evt.type = execve and proc.name = bash
        output: out
        priority: NOTICE
        tags: [shell, mitre_execution]
      - rule: Write below etc
        desc: d
        condition: evt.type = openat and fd.name startswith /etc/
        output: out
        priority: ERROR
        tags: [filesystem]
      - rule: Curl in container
        desc: d
        condition: evt.type = execve and proc.name = bash
        output: out
        priority: WARNING
        tags: [network]
      """;

  @Test
  void compile_disableRuleOption_disablesRulesWhoseNameContainsSubstring() {
    LoadResult r = compileClean(new RuleCompiler.Options(Capability.all(), List.of("Shell"), List.of(),
        Priority.DEBUG), THREE_RULES);

    CompiledRule shell = rule(r, "Terminal Shell in Container");
    assertThat(shell.enabled()).isFalse();
    assertThat(shell.disabledReason()).isEqualTo("disabled by --disable-rule Shell");
    assertThat(rule(r, "Write below etc").enabled()).isTrue();
    assertThat(matches(r, exec("bash"))).containsExactly("Curl in container");
  }

  @Test
  void compile_disableTagOption_disablesRulesWithThatTag() {
    LoadResult r = compileClean(new RuleCompiler.Options(Capability.all(), List.of(), List.of("mitre_execution"),
        Priority.DEBUG), THREE_RULES);

    CompiledRule shell = rule(r, "Terminal Shell in Container");
    assertThat(shell.enabled()).isFalse();
    assertThat(shell.disabledReason()).contains("--disable-tag mitre_execution");
    assertThat(r.enabled()).extracting(CompiledRule::name).containsExactly("Write below etc", "Curl in container");
  }

  @Test
  void compile_minPriorityOption_disablesLessSevereRules_keepsEqualAndMoreSevere() {
    LoadResult r = compileClean(new RuleCompiler.Options(Capability.all(), List.of(), List.of(),
        Priority.WARNING), THREE_RULES);

    CompiledRule notice = rule(r, "Terminal Shell in Container");
    assertThat(notice.enabled()).isFalse();
    assertThat(notice.disabledReason()).isEqualTo("below --min-priority Warning");
    assertThat(rule(r, "Write below etc").enabled()).isTrue();
    assertThat(rule(r, "Curl in container").enabled()).isTrue();
  }

  @Test
  void compile_enabledFalse_ruleLoadedDisabledWithoutWarning() {
    LoadResult r = compileClean("""
        - rule: disabled shell
          desc: d
          condition: evt.type = execve and proc.name = bash
          output: out
          priority: WARNING
          enabled: false
        """);

    CompiledRule c = rule(r, "disabled shell");
    assertThat(c.enabled()).isFalse();
    assertThat(c.disabledReason()).isEqualTo("enabled: false");
    assertThat(withCode(r, VW010)).isEmpty();
    assertThat(new RuleSet(r, null).size()).isZero();
    assertThat(matches(r, exec("bash"))).isEmpty();
  }

  // --- output templates -----------------------------------------------------------------------------------------

  @Test
  void compile_outputWithUnknownField_reportsVR118() {
    LoadResult r = compile("""
        - rule: bad output
          desc: d
          condition: evt.type = execve
          output: shell by %usr.name
          priority: WARNING
        """);

    Diagnostic d = single(r, VR118);
    assertThat(d.isError()).isTrue();
    assertThat(d.message()).contains("%usr.name");
  }

  @Test
  void compile_outputWithFalcoFieldVigilLacks_rendersNA_andRuleStaysEnabled() {
    LoadResult r = compileClean("""
        - rule: shell
          desc: d
          condition: evt.type = execve and proc.name = bash
          output: shell %proc.name in pod %k8s.pod.name (user=%user.name)
          priority: WARNING
        """);

    assertThat(rule(r, "shell").enabled()).isTrue();
    assertThat(withCode(r, VR118)).isEmpty();
    List<Alert> alerts = new ArrayList<>();
    new RuleEngine(r, null).process(exec("bash"), alerts::add);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.output()).isEqualTo("shell bash in pod <NA> (user=root)");
      assertThat(a.outputFields()).containsEntry("k8s.pod.name", null);
    });
  }

  @Test
  void compile_defaultsOptions_useDockerSensorCapabilities() {
    assertThat(RuleCompiler.Options.defaults().capabilities()).isEqualTo(Capability.dockerSensors());
    assertThat(allOptions().capabilities()).isEqualTo(Capability.all());
  }
}
