package dev.vigil.rules;

import static dev.vigil.rules.RuleTestKit.WEB;
import static dev.vigil.rules.RuleTestKit.allOptions;
import static dev.vigil.rules.RuleTestKit.compileClean;
import static dev.vigil.rules.RuleTestKit.execIn;
import static dev.vigil.rules.RuleTestKit.file;
import static dev.vigil.rules.RuleTestKit.matches;
import static dev.vigil.rules.RuleTestKit.rule;
import static dev.vigil.rules.RuleTestKit.withCode;
import static dev.vigil.rules.lang.DiagnosticCode.VR010;
import static dev.vigil.rules.lang.DiagnosticCode.VW004;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.Capability;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exceptions, appends, overrides and redefinitions across files, end to end: read and merged by
 * {@link RulesReader}, compiled by {@link RuleCompiler}, verified by evaluating events with {@link RuleSet}.
 */
class ExceptionsAndOverridesTest {

  private static final ContainerRef QUAY = new ContainerRef("feedfacefeedface", "api", "quay.io/acme/api", "2",
      "");

  private static final String SHELL_RULE = """
      - rule: shell in container
        desc: a shell started in a container
        condition: evt.type = execve and proc.name in (bash, sh)
        output: shell %proc.name under %proc.pname
        priority: WARNING
        exceptions:
          - name: known_parent_image
            fields: [proc.pname, container.image.repository]
            comps: [=, startswith]
            values:
              - [nginx, docker.io/library/]
              - [cron, quay.io/]
      """;

  private static ProcessExec bashUnder(String parent) {
    return execIn(WEB, "bash", parent);
  }

  private static boolean fires(LoadResult r, Event e) {
    return !matches(r, e).isEmpty();
  }

  // --- exceptions -----------------------------------------------------------------------------------------------

  @Test
  void listFormException_excludesEventsMatchingEveryFieldOfARow() {
    LoadResult r = compileClean(SHELL_RULE);

    assertThat(fires(r, bashUnder("sshd"))).as("no row matches").isTrue();
    assertThat(fires(r, bashUnder("nginx"))).as("row 1: nginx parent, docker.io/library image").isFalse();
    assertThat(fires(r, execIn(QUAY, "bash", "nginx"))).as("row 1 parent but other image").isTrue();
    assertThat(fires(r, execIn(QUAY, "sh", "cron"))).as("row 2").isFalse();
    assertThat(fires(r, bashUnder("cron"))).as("row 2 parent but other image").isTrue();
  }

  @Test
  void listFormException_listValueCell_comparesWithIn() {
    LoadResult r = compileClean("""
        - rule: shell in container
          desc: d
          condition: evt.type = execve and proc.name in (bash, sh)
          output: out
          priority: WARNING
          exceptions:
            - name: web_servers_run_bash
              fields: [proc.pname, proc.name]
              comps: [in, =]
              values:
                - [[nginx, apache2], bash]
        """);

    assertThat(fires(r, execIn(WEB, "bash", "apache2"))).isFalse();
    assertThat(fires(r, execIn(WEB, "bash", "nginx"))).isFalse();
    assertThat(fires(r, execIn(WEB, "sh", "apache2"))).as("second field differs").isTrue();
    assertThat(fires(r, execIn(WEB, "bash", "sshd"))).as("parent not in the cell's list").isTrue();
  }

  @Test
  void singleFieldException_defaultsToIn_overItsValues() {
    LoadResult r = compileClean("""
        - rule: shell in container
          desc: d
          condition: evt.type = execve and proc.name = bash
          output: out
          priority: WARNING
          exceptions:
            - name: parents
              fields: proc.pname
              values: [nginx, apache2]
        """);

    assertThat(fires(r, bashUnder("nginx"))).isFalse();
    assertThat(fires(r, bashUnder("apache2"))).isFalse();
    assertThat(fires(r, bashUnder("cron"))).isTrue();
  }

  @Test
  void singleFieldException_withPmatch_excludesPathsUnderPrefixes() {
    LoadResult r = compileClean("""
        - rule: write below etc
          desc: d
          condition: evt.type = openat and fd.name startswith /etc
          output: out
          priority: WARNING
          exceptions:
            - name: allowed_dirs
              fields: fd.name
              comps: pmatch
              values: [/etc/nginx, /etc/ssl]
        """);

    assertThat(fires(r, file("/etc/nginx/nginx.conf"))).isFalse();
    assertThat(fires(r, file("/etc/ssl/certs/ca.pem"))).isFalse();
    assertThat(fires(r, file("/etc/nginxx/evil"))).isTrue();
    assertThat(fires(r, file("/etc/passwd"))).isTrue();
  }

  @Test
  void exceptionValuesAppendedByLaterFile_withLegacyAppend_excludeMoreEvents() {
    String more = """
        - rule: shell in container
          append: true
          exceptions:
            - name: known_parent_image
              values:
                - [sshd, docker.io/]
        """;

    assertThat(fires(compileClean(SHELL_RULE), bashUnder("sshd"))).isTrue();
    LoadResult r = compileClean(SHELL_RULE, more);
    assertThat(fires(r, bashUnder("sshd"))).isFalse();
    assertThat(fires(r, bashUnder("nginx"))).as("earlier values kept").isFalse();
    assertThat(fires(r, bashUnder("tini"))).isTrue();
    assertThat(withCode(r, VW004)).as("legacy append is deprecated").hasSize(1);
  }

  @Test
  void exceptionValuesAppendedByLaterFile_withOverrideAppend_excludeMoreEvents() {
    String more = """
        - rule: shell in container
          override:
            exceptions: append
          exceptions:
            - name: known_parent_image
              values:
                - [sshd, docker.io/]
        """;

    LoadResult r = compileClean(SHELL_RULE, more);

    assertThat(fires(r, bashUnder("sshd"))).isFalse();
    assertThat(fires(r, bashUnder("nginx"))).isFalse();
    assertThat(fires(r, bashUnder("tini"))).isTrue();
    assertThat(withCode(r, VW004)).isEmpty();
  }

  @Test
  void newExceptionAppendedByLaterFile_isAddedBesideExistingOnes() {
    String more = """
        - rule: shell in container
          override:
            exceptions: append
          exceptions:
            - name: trusted_parent
              fields: [proc.pname]
              values:
                - [tini]
        """;

    LoadResult r = compileClean(SHELL_RULE, more);

    assertThat(fires(r, bashUnder("tini"))).isFalse();
    assertThat(fires(r, bashUnder("nginx"))).isFalse();
    assertThat(fires(r, bashUnder("sshd"))).isTrue();
  }

  @Test
  void singleFieldExceptionValuesAppendedByLaterFile_excludeMoreEvents() {
    String base = """
        - rule: shell in container
          desc: d
          condition: evt.type = execve and proc.name = bash
          output: out
          priority: WARNING
          exceptions:
            - name: parents
              fields: proc.pname
              values: [nginx]
        """;
    String more = """
        - rule: shell in container
          override:
            exceptions: append
          exceptions:
            - name: parents
              values: [cron]
        """;

    assertThat(fires(compileClean(base), bashUnder("cron"))).isTrue();
    LoadResult r = compileClean(base, more);
    assertThat(fires(r, bashUnder("cron"))).isFalse();
    assertThat(fires(r, bashUnder("nginx"))).isFalse();
    assertThat(fires(r, bashUnder("sshd"))).isTrue();
  }

  @Test
  void exceptionsReplacedByLaterFile_dropEarlierValues() {
    String more = """
        - rule: shell in container
          override:
            exceptions: replace
          exceptions:
            - name: only_tini
              fields: proc.pname
              values: [tini]
        """;

    LoadResult r = compileClean(SHELL_RULE, more);

    assertThat(fires(r, bashUnder("tini"))).isFalse();
    assertThat(fires(r, bashUnder("nginx"))).as("old exception gone").isTrue();
  }

  // --- lists ----------------------------------------------------------------------------------------------------

  private static final String SHELL_LIST_RULE = """
      - list: shell_binaries
        items: [bash, sh]
      - rule: shell
        desc: d
        condition: evt.type = execve and proc.name in (shell_binaries)
        output: out
        priority: WARNING
      """;

  @Test
  void listAppendedByLaterFile_legacyAppend_keepsOldItemsAndAddsNew() {
    String more = """
        - list: shell_binaries
          items: [zsh]
          append: true
        """;

    assertThat(fires(compileClean(SHELL_LIST_RULE), execIn(WEB, "zsh"))).isFalse();
    LoadResult r = compileClean(SHELL_LIST_RULE, more);
    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "bash"))).isTrue();
  }

  @Test
  void listAppendedByLaterFile_overrideAppend_keepsOldItemsAndAddsNew() {
    String more = """
        - list: shell_binaries
          items: [zsh]
          override:
            items: append
        """;

    LoadResult r = compileClean(SHELL_LIST_RULE, more);

    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "sh"))).isTrue();
  }

  @Test
  void listRedefinedByLaterFile_replacesItems() {
    String more = """
        - list: shell_binaries
          items: [zsh]
        """;

    LoadResult r = compileClean(SHELL_LIST_RULE, more);

    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "bash"))).isFalse();
  }

  @Test
  void listReplacedByLaterFile_overrideReplace_replacesItems() {
    String more = """
        - list: shell_binaries
          items: [zsh]
          override:
            items: replace
        """;

    LoadResult r = compileClean(SHELL_LIST_RULE, more);

    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "bash"))).isFalse();
  }

  @Test
  void listAppendedInLaterFile_reachesListsThatNestIt() {
    String base = """
        - list: shell_binaries
          items: [bash]
        - list: interpreters
          items: [shell_binaries, python3]
        - rule: interpreter
          desc: d
          condition: evt.type = execve and proc.name in (interpreters)
          output: out
          priority: WARNING
        """;
    String more = """
        - list: shell_binaries
          items: [zsh]
          override:
            items: append
        """;

    LoadResult r = compileClean(base, more);

    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "python3"))).isTrue();
  }

  // --- macros ---------------------------------------------------------------------------------------------------

  private static final String SHELL_MACRO_RULE = """
      - macro: shell_procs
        condition: proc.name = bash
      - rule: shell
        desc: d
        condition: evt.type = execve and shell_procs
        output: out
        priority: WARNING
      """;

  @Test
  void macroConditionAppendedByLaterFile_widensMacro() {
    String more = """
        - macro: shell_procs
          condition: or proc.name = zsh
          override:
            condition: append
        """;

    assertThat(fires(compileClean(SHELL_MACRO_RULE), execIn(WEB, "zsh"))).isFalse();
    LoadResult r = compileClean(SHELL_MACRO_RULE, more);
    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "bash"))).isTrue();
    assertThat(fires(r, file("/etc/passwd"))).as("macro still grouped under the rule's 'and'").isFalse();
  }

  @Test
  void macroConditionAppendedByLaterFile_legacyAppend_widensMacro() {
    String more = """
        - macro: shell_procs
          condition: or proc.name = zsh
          append: true
        """;

    LoadResult r = compileClean(SHELL_MACRO_RULE, more);

    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "bash"))).isTrue();
  }

  @Test
  void macroConditionReplacedByLaterFile_dropsOldCondition() {
    String more = """
        - macro: shell_procs
          condition: proc.name = zsh
          override:
            condition: replace
        """;

    LoadResult r = compileClean(SHELL_MACRO_RULE, more);

    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(fires(r, execIn(WEB, "bash"))).isFalse();
  }

  // --- rules ----------------------------------------------------------------------------------------------------

  private static final String BASH_RULE = """
      - rule: shell
        desc: d
        condition: evt.type = execve and proc.name = bash
        output: shell %proc.name
        priority: NOTICE
      """;

  @Test
  void ruleConditionAppendedByLaterFile_narrowsRule() {
    String more = """
        - rule: shell
          condition: and not proc.pname = nginx
          override:
            condition: append
        """;

    assertThat(fires(compileClean(BASH_RULE), bashUnder("nginx"))).isTrue();
    LoadResult r = compileClean(BASH_RULE, more);
    assertThat(fires(r, bashUnder("nginx"))).isFalse();
    assertThat(fires(r, bashUnder("sshd"))).isTrue();
  }

  @Test
  void ruleConditionAppendedByLaterFile_legacyAppend_narrowsRule() {
    String more = """
        - rule: shell
          condition: and not proc.pname = nginx
          append: true
        """;

    LoadResult r = compileClean(BASH_RULE, more);

    assertThat(fires(r, bashUnder("nginx"))).isFalse();
    assertThat(fires(r, bashUnder("sshd"))).isTrue();
  }

  @Test
  void rulePriorityOverridden_changesWhetherMinPriorityKeepsIt() {
    RuleCompiler.Options warningAndUp = new RuleCompiler.Options(Capability.all(), List.of(), List.of(),
        Priority.WARNING);
    String more = """
        - rule: shell
          priority: CRITICAL
          override:
            priority: replace
        """;

    assertThat(fires(compileClean(warningAndUp, BASH_RULE), bashUnder("sshd"))).isFalse();
    LoadResult r = compileClean(warningAndUp, BASH_RULE, more);
    assertThat(rule(r, "shell").priority()).isEqualTo(Priority.CRITICAL);
    assertThat(fires(r, bashUnder("sshd"))).isTrue();
  }

  @Test
  void ruleOutputOverridden_replacedOrAppended_changesRenderedAlert() {
    String replace = """
        - rule: shell
          output: new shell by %user.name
          override:
            output: replace
        """;
    String append = """
        - rule: shell
          output: (parent %proc.pname)
          override:
            output: append
        """;

    assertThat(render(compileClean(BASH_RULE))).containsExactly("shell bash");
    assertThat(render(compileClean(BASH_RULE, replace))).containsExactly("new shell by root");
    assertThat(render(compileClean(BASH_RULE, append))).containsExactly("shell bash (parent sshd)");
  }

  private static List<String> render(LoadResult r) {
    List<Alert> alerts = new ArrayList<>();
    new RuleEngine(r, null).process(bashUnder("sshd"), alerts::add);
    return alerts.stream().map(Alert::output).toList();
  }

  @Test
  void ruleEnabledOverridden_switchesRuleOn() {
    String off = BASH_RULE + "  enabled: false\n";
    String on = """
        - rule: shell
          enabled: true
          override:
            enabled: replace
        """;

    assertThat(fires(compileClean(off), bashUnder("sshd"))).isFalse();
    assertThat(fires(compileClean(off, on), bashUnder("sshd"))).isTrue();
  }

  @Test
  void standaloneEnabledFalse_inLaterFile_switchesRuleOff() {
    String off = """
        - rule: shell
          enabled: false
        """;

    LoadResult r = compileClean(BASH_RULE, off);

    assertThat(fires(r, bashUnder("sshd"))).isFalse();
    assertThat(rule(r, "shell").disabledReason()).isEqualTo("enabled: false");
  }

  @Test
  void ruleRedefinedByLaterFile_replacesWholeDefinition() {
    String redefined = """
        - rule: shell
          desc: redefined
          condition: evt.type = execve and proc.name = zsh
          output: zsh %proc.name
          priority: ERROR
        """;

    LoadResult r = compileClean(BASH_RULE, redefined);

    assertThat(r.rules()).extracting(CompiledRule::name).containsExactly("shell");
    assertThat(fires(r, bashUnder("sshd"))).isFalse();
    assertThat(fires(r, execIn(WEB, "zsh"))).isTrue();
    assertThat(rule(r, "shell").priority()).isEqualTo(Priority.ERROR);
    assertThat(rule(r, "shell").desc()).isEqualTo("redefined");
  }

  @Test
  void overrideOfUndefinedRule_reportsVR010_andChangesNothing() {
    String stray = """
        - rule: no such rule
          condition: and proc.pname = x
          override:
            condition: append
        """;

    LoadResult r = RuleTestKit.compile(allOptions(), BASH_RULE, stray);

    assertThat(withCode(r, VR010)).singleElement().satisfies(d -> {
      assertThat(d.file()).isEqualTo("f2.yaml");
      assertThat(d.message()).contains("no such rule");
    });
    assertThat(fires(r, bashUnder("sshd"))).isTrue();
  }
}
