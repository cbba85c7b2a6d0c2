package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VW010;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Priority;
import dev.vigil.event.Capability;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Metadata of every built-in rule, coverage of the DefaultRules*Test classes, and sensor-dependent disabling. */
class DefaultRulesCatalogTest {

  private static final Pattern TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");

  static List<Defs.RuleDef> definitions() {
    return RulesReader.read(List.of(RulesLoader.builtin())).rules();
  }

  /** The rules about containers; rules about the agent itself (source vigil) are tested in SensorHealthRuleTest. */
  static Stream<String> ruleNames() {
    return definitions().stream().filter(r -> !"vigil".equals(r.source())).map(Defs.RuleDef::name);
  }

  @Test
  void builtinRules_loadWithoutErrorsOrWarnings_allEnabledWithEverySensor() {
    LoadResult all = DefaultRulesFixture.ALL;
    assertThat(all.errors()).isEmpty();
    assertThat(all.warnings()).isEmpty();
    assertThat(all.rules()).hasSize(definitions().size()).allMatch(CompiledRule::enabled);
    assertThat(ruleNames().toList()).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ruleNames")
  void rule_hasDescPriorityAndMitreTags(String name) {
    Defs.RuleDef def = definitions().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    assertThat(def.desc()).as("desc").isNotBlank();
    assertThat(def.priority()).as("priority").isNotBlank();
    assertThat(Priority.parse(def.priority())).isEqualTo(DefaultRulesFixture.rule(name).priority());
    assertThat(def.output()).as("output").isNotBlank().contains("%container.name");
    assertThat(def.tags()).as("tags").anyMatch(t -> t.startsWith("mitre_"))
        .anyMatch(t -> TECHNIQUE.matcher(t).matches()).contains("container");
  }

  @Test
  void dockerSensors_disableExactlyTheRulesNeedingFileReadsSocketFdsOrTheExeLayer() {
    LoadResult docker = RulesLoader.load(true, List.of(),
        new RuleCompiler.Options(Capability.dockerSensors(), List.of(), List.of(), Priority.DEBUG));
    assertThat(docker.errors()).isEmpty();
    Set<String> disabled = docker.rules().stream().filter(r -> !r.enabled()).map(CompiledRule::name)
        .collect(Collectors.toSet());
    assertThat(disabled).containsExactlyInAnyOrderElementsOf(DefaultRulesFixture.SENSOR_GATED.keySet());
    assertThat(docker.enabled()).hasSize(docker.rules().size() - DefaultRulesFixture.SENSOR_GATED.size());

    assertThat(docker.warnings()).hasSize(DefaultRulesFixture.SENSOR_GATED.size());
    DefaultRulesFixture.SENSOR_GATED.forEach((rule, field) -> {
      CompiledRule r = docker.rules().stream().filter(x -> x.name().equals(rule)).findFirst().orElseThrow();
      assertThat(r.disabledReason()).contains(field);
      assertThat(docker.warnings()).as("warning for '%s'", rule).anySatisfy(w -> {
        assertThat(w.code()).isEqualTo(VW010);
        assertThat(w.message()).contains("rule '" + rule + "' disabled", field);
      });
    });
  }

  @Test
  void dockerSensors_reasonsNameTheMissingSensor() {
    LoadResult docker = RulesLoader.load(true, List.of(), RuleCompiler.Options.defaults());
    assertThat(docker.rules()).filteredOn(r -> !r.enabled()).extracting(CompiledRule::disabledReason)
        .allMatch(reason -> reason.contains("EXE_LAYER") || reason.contains("PROCESS_FDS")
            || reason.contains("FILE_OPEN") || reason.contains("evt.type setuid"));
  }

  /** Every rule has positive cases in a DefaultRules*Test class. */
  @Test
  void everyRule_hasPositiveCases() {
    Set<String> covered = new HashSet<>();
    Stream.of(DefaultRulesProcessTest.positives(), DefaultRulesFileTest.positives(),
        DefaultRulesContainerTest.positives()).flatMap(s -> s).forEach(a -> covered.add((String) a.get()[0]));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(ruleNames().toList());
  }

  @Test
  void everyRule_hasBenignLookAlikes() {
    Set<String> covered = new HashSet<>();
    Stream.of(DefaultRulesProcessTest.benign(), DefaultRulesFileTest.benign(), DefaultRulesContainerTest.benign())
        .flatMap(s -> s).forEach(a -> covered.add((String) a.get()[0]));
    assertThat(covered).containsExactlyInAnyOrderElementsOf(ruleNames().toList());
  }
}
