package dev.vigil.rules;

import static dev.vigil.rules.RuleTestKit.compileClean;
import static dev.vigil.rules.RuleTestKit.deleted;
import static dev.vigil.rules.RuleTestKit.exec;
import static dev.vigil.rules.RuleTestKit.file;
import static dev.vigil.rules.RuleTestKit.matches;
import static dev.vigil.rules.RuleTestKit.rule;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RuleSet#rulesFor}: a rule is indexed only under the {@code evt.type} values its condition allows. */
class EventTypeIndexTest {

  private static final List<String> SYSCALL_TYPES = List.of("execve", "openat", "unlinkat");

  private static RuleSet ruleSet(String prelude, String condition) {
    LoadResult r = compileClean(prelude + """
        - rule: under test
          desc: d
          condition: %s
          output: out
          priority: WARNING
        """.formatted(condition));
    assertThat(r.enabled()).hasSize(1);
    return new RuleSet(r, null);
  }

  private static List<Integer> counts(RuleSet set) {
    return SYSCALL_TYPES.stream().map(set::rulesFor).toList();
  }

  @Test
  void evtTypeIn_singleType_indexedUnderThatTypeOnly() {
    RuleSet set = ruleSet("", "evt.type in (execve) and proc.name = bash");

    assertThat(counts(set)).containsExactly(1, 0, 0);
    assertThat(set.rulesFor("log")).isZero();
    assertThat(matches(set, exec("bash"))).containsExactly("under test");
  }

  @Test
  void evtTypeEquals_indexedUnderThatType() {
    assertThat(counts(ruleSet("", "evt.type = unlinkat"))).containsExactly(0, 0, 1);
  }

  @Test
  void evtTypeInNamedList_expandsTheList() {
    String list = """
        - list: file_events
          items: [openat, unlinkat]
        """;

    assertThat(counts(ruleSet(list, "evt.type in (file_events)"))).containsExactly(0, 1, 1);
  }

  @Test
  void spawnedProcessMacro_isResolvedToExecve() {
    String macro = """
        - macro: spawned_process
          condition: (evt.type in (execve, execveat) and evt.dir=<)
        """;

    RuleSet set = ruleSet(macro, "spawned_process and proc.name = bash");

    assertThat(counts(set)).containsExactly(1, 0, 0);
    assertThat(matches(set, exec("bash"))).containsExactly("under test");
  }

  @Test
  void negatedEvtType_staysUnconstrained() {
    RuleSet set = ruleSet("", "not evt.type = execve");

    assertThat(counts(set)).containsExactly(1, 1, 1);
    assertThat(matches(set, exec("bash"))).isEmpty();
    assertThat(matches(set, file("/etc/passwd"))).containsExactly("under test");
  }

  @Test
  void orOfConstrainedAndUnconstrained_isUnconstrained() {
    RuleSet set = ruleSet("", "evt.type = execve or fd.name startswith /etc");

    assertThat(counts(set)).containsExactly(1, 1, 1);
    assertThat(matches(set, deleted("/etc/shadow"))).containsExactly("under test");
  }

  @Test
  void orOfTwoConstraints_isTheirUnion() {
    assertThat(counts(ruleSet("", "evt.type = execve or evt.type = unlinkat"))).containsExactly(1, 0, 1);
  }

  @Test
  void andOfTwoConstraints_isTheirIntersection() {
    RuleSet set = ruleSet("", "evt.type in (execve, openat) and evt.type in (openat, unlinkat)");

    assertThat(counts(set)).containsExactly(0, 1, 0);
  }

  @Test
  void andWithUnconstrainedTerm_keepsTheConstraint() {
    assertThat(counts(ruleSet("", "proc.name = bash and evt.type = execve"))).containsExactly(1, 0, 0);
  }

  @Test
  void eventTypesOfCompiledRule_matchTheIndex() {
    LoadResult r = compileClean("""
        - rule: writes
          desc: d
          condition: evt.type in (openat, unlinkat) and fd.name startswith /etc
          output: out
          priority: WARNING
        - rule: logs
          desc: d
          condition: log.line contains panic
          output: out
          priority: WARNING
          source: log
        """);

    assertThat(rule(r, "writes").eventTypes()).containsExactlyInAnyOrder("openat", "unlinkat");
    assertThat(rule(r, "logs").eventTypes()).containsExactly("log");
    RuleSet set = new RuleSet(r, null);
    assertThat(set.rulesFor("openat")).isEqualTo(1);
    assertThat(set.rulesFor("log")).isEqualTo(1);
    assertThat(set.rulesFor("execve")).isZero();
    assertThat(set.size()).isEqualTo(2);
  }
}
