package dev.vigil.rules;

import static dev.vigil.rules.DefaultRulesFixture.WEB;
import static dev.vigil.rules.DefaultRulesFixture.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.SensorNotice;
import dev.vigil.rules.field.FieldTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Events found at the agent's start go through the same rules as live ones; their alerts say so
 * ({@code evt.found_at_start}, "(found at start)"), live ones do not; a blind window is an alert.
 */
class FoundAtStartRuleTest {

  private static final Instant T = Instant.parse("2026-12-07T22:00:00Z");

  private static ProcessExec miner() {
    return new ProcessExec(T, WEB, "kernel.proc", 4242, 4200, "xmrig", "/tmp/xmrig", List.of("/tmp/xmrig", "-o",
        "pool"), 0, "", "", ExecOrigin.CONTAINER, "");
  }

  @Test
  void containerFoundAtStart_isAssessedByConfigurationRules_andMarked() {
    ContainerLifecycle found = new ContainerLifecycle(T, WEB, "docker.events", "start", "", Map.of(), true);
    List<Alert> alerts = DefaultRulesFixture.run(DefaultRulesFixture.ALL, found,
        config().capAdd("SYS_PTRACE").bind("/etc", "/host-etc").build(WEB));
    assertThat(DefaultRulesFixture.names(alerts)).contains("Container with dangerous capabilities",
        "Container with sensitive host mount");
    assertThat(alerts).allSatisfy(a -> {
      assertThat(a.outputFields()).containsEntry("evt.found_at_start", true);
      assertThat(a.output()).endsWith(RuleEngine.FOUND_AT_START_SUFFIX);
    });
  }

  @Test
  void processFoundAtStart_alertsMarked_liveProcess_unmarked() {
    List<Alert> found = DefaultRulesFixture.run(miner().asFoundAtStart());
    List<Alert> live = DefaultRulesFixture.run(miner());
    assertThat(DefaultRulesFixture.names(found)).contains("Crypto miner launched in container");
    assertThat(DefaultRulesFixture.names(live)).isEqualTo(DefaultRulesFixture.names(found));
    assertThat(found).allSatisfy(a -> assertThat(a.outputFields()).containsEntry("evt.found_at_start", true));
    assertThat(live).allSatisfy(a -> {
      assertThat(a.outputFields()).doesNotContainKey("evt.found_at_start");
      assertThat(a.output()).doesNotContain("found at start");
    });
  }

  @Test
  void markSurvivesContainerResolutionAndExecIds() {
    ProcessExec p = miner().asFoundAtStart();
    assertThat(p.withContainer(ContainerRef.unresolved("x")).foundAtStart()).isTrue();
    assertThat(p.withExecId("e1").foundAtStart()).isTrue();
    assertThat(new ContainerLifecycle(T, WEB, "docker.events", "start", "", Map.of(), true)
        .withContainer(WEB).foundAtStart()).isTrue();
  }

  @Test
  void fieldIsInTheTable_andUsableInConditions() {
    var def = FieldTable.standard().find("evt.found_at_start").orElseThrow();
    assertThat(def.extractor().get(miner().asFoundAtStart(), null, null)).isEqualTo(true);
    assertThat(def.extractor().get(miner(), null, null)).isEqualTo(false);
  }

  @Test
  void gapAndLostPosition_alertAsBlindWindow_withSecondsAndDetail() {
    for (String what : List.of("gap", "position_lost")) {
      List<Alert> out = new ArrayList<>();
      new RuleEngine(DefaultRulesFixture.ALL, null).process(new SensorNotice(T, ContainerRef.HOST, "docker.events",
          what, 5400, "the agent was down for 1h30m00s"), out::add);
      assertThat(out).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo("Agent blind window");
        assertThat(a.output()).contains("what=" + what, "seconds=5400", "down for 1h30m00s");
        assertThat(a.source()).isEqualTo("vigil");
      });
    }
  }
}
