package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VW010;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Falco's public rules (stable, incubating, sandbox, in that order) load without errors with the Docker sensors'
 * capabilities, and every rule that is not enabled says why in terms of a field, an operator, a source or an event
 * type. The files are read from the shared folder, never copied into the project.
 */
class FalcoCorpusCompileTest {

  private static final Path CORPUS = Path.of("/work/shared/falco-rules");
  private static final List<String> FILES = List.of("falco_rules.yaml", "falco-incubating_rules.yaml",
      "falco-sandbox_rules.yaml");
  private static final Pattern RULE_LINE = Pattern.compile("(?m)^- rule: *(.+?) *$");
  // What an unsupported-rule warning must name (see RuleCompiler and ExprCompiler).
  private static final Pattern NAMES_A_CAUSE = Pattern.compile(
      "uses (field|operator) \\S+|source '[^']+'|evt\\.type \\S+");

  private static List<Path> corpus() {
    List<Path> paths = FILES.stream().map(CORPUS::resolve).toList();
    if (!paths.stream().allMatch(Files::isRegularFile)) {
      Assumptions.abort("Falco corpus not found in " + CORPUS + " (expected " + FILES + "): FalcoCorpusCompileTest"
          + " did NOT run");
    }
    return paths;
  }

  @Test
  void falcoRules_loadWithoutErrors_andEveryRuleIsEnabledOrDisabledForANamedReason() throws IOException {
    List<Path> paths = corpus();
    Set<String> defined = new LinkedHashSet<>();
    for (Path p : paths) {
      Matcher m = RULE_LINE.matcher(Files.readString(p));
      while (m.find()) {
        defined.add(m.group(1));
      }
    }

    LoadResult r = RulesLoader.load(false, paths, RuleCompiler.Options.defaults());

    assertThat(r.errors()).as("errors loading the Falco corpus").isEmpty();
    assertThat(r.rules()).extracting(CompiledRule::name).as("every defined rule is in the result")
        .containsExactlyInAnyOrderElementsOf(defined);

    List<String> unexplained = new ArrayList<>();
    int enabled = 0;
    int disabled = 0;
    int switchedOff = 0;
    for (CompiledRule c : r.rules()) {
      if (c.enabled()) {
        enabled++;
        continue;
      }
      disabled++;
      String prefix = "rule '" + c.name() + "' disabled: ";
      boolean warned = r.warnings().stream().anyMatch(d -> d.code() == VW010
          && d.message().startsWith(prefix) && NAMES_A_CAUSE.matcher(d.message()).find());
      if (warned) {
        continue;
      }
      if (c.disabledReason().equals("enabled: false")) {
        switchedOff++; // the corpus itself ships the rule disabled and Vigil could run it
        continue;
      }
      unexplained.add(c.name() + " (" + c.disabledReason() + ")");
    }
    System.out.println("Falco corpus: " + r.rules().size() + " rules, " + enabled + " compiled enabled, "
        + disabled + " disabled (" + switchedOff + " of them by the corpus' own enabled: false)");

    assertThat(unexplained).as("disabled rules without a VW010 warning naming a field, operator, source or"
        + " evt.type").isEmpty();
    assertThat(r.rules().size()).isGreaterThan(80);
    assertThat(enabled).isGreaterThanOrEqualTo(1);
  }

  @Test
  void falcoRules_disabledRuleWarnings_pointIntoTheCorpusFiles() {
    List<Path> paths = corpus();

    LoadResult r = RulesLoader.load(false, paths, RuleCompiler.Options.defaults());

    List<String> files = paths.stream().map(Path::toString).toList();
    assertThat(r.warnings()).filteredOn(d -> d.code() == VW010).isNotEmpty()
        .allSatisfy(d -> {
          assertThat(files).contains(d.file());
          assertThat(d.pos()).isNotNull();
        });
  }
}
