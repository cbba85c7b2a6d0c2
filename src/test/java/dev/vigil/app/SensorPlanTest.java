package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.event.Capability;
import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.LoadResult;
import dev.vigil.sensor.SensorDeclaration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The sensor plan is decided from the sensors' declarations alone: probes, stand-ins, capabilities, reasons. */
class SensorPlanTest {

  /** Every sensor of the catalog can run, except those named here (with the reason their probe would give). */
  private static Function<SensorDeclaration, Optional<String>> unavailable(Map<String, String> why) {
    return d -> Optional.ofNullable(why.get(d.name()));
  }

  private static SensorPlan plan(Map<String, String> unavailable, String... disabled) {
    return SensorPlan.decide(SensorCatalog.declarations(), Set.of(disabled), unavailable(unavailable));
  }

  @Test
  void everythingRuns_standInsWaitOrRunReduced_everyCapability() {
    SensorPlan p = plan(Map.of());

    assertThat(p.state("kernel.proc")).isEqualTo(SensorPlan.State.ACTIVE);
    assertThat(p.find("docker.top").orElseThrow().detail()).isEqualTo("kernel.proc sees every process");
    assertThat(p.state("docker.top")).isEqualTo(SensorPlan.State.STANDBY);
    assertThat(p.state("docker.stats")).isEqualTo(SensorPlan.State.STANDBY);
    assertThat(p.state("docker.diff")).isEqualTo(SensorPlan.State.REDUCED);
    assertThat(p.find("docker.diff").orElseThrow().detail()).isEqualTo("deletions only; kernel.fanotify sees writes");
    assertThat(p.runs("docker.diff")).isTrue();
    assertThat(p.runs("docker.top")).isFalse();
    assertThat(p.capabilities()).isEqualTo(EnumSet.allOf(Capability.class));
    assertThat(p.degradedLines()).isEmpty();
  }

  @Test
  void cgroupUnavailable_dockerStatsPollsAsTheNamedFallback() {
    SensorPlan p = plan(Map.of("kernel.cgroup", "unknown cgroup layout under /sys/fs/cgroup"));

    assertThat(p.runs("kernel.cgroup")).isFalse();
    assertThat(p.state("docker.stats")).isEqualTo(SensorPlan.State.FALLBACK);
    assertThat(p.capabilities()).contains(Capability.STATS);
    assertThat(p.degradedLines()).containsExactly("sensor kernel.cgroup unavailable: unknown cgroup layout under "
        + "/sys/fs/cgroup; docker.stats polls the Engine API for resource samples instead (costs the agent and "
        + "dockerd CPU)");
    assertThat(p.decided()).filteredOn(d -> d.state() == SensorPlan.State.UNAVAILABLE)
        .extracting(SensorPlan.Decided::name).containsExactly("kernel.cgroup");
  }

  @Test
  void statsCapability_fromEitherSensor_goneWithBoth() {
    assertThat(plan(Map.of(), "kernel.cgroup").capabilities()).contains(Capability.STATS);
    assertThat(plan(Map.of(), "kernel.cgroup").state("docker.stats")).isEqualTo(SensorPlan.State.FALLBACK);
    assertThat(plan(Map.of(), "kernel.cgroup", "docker.stats").capabilities()).doesNotContain(Capability.STATS);
  }

  @Test
  void procUnavailable_topStandsIn_andOnlyWhatTopProvidesRemains() {
    SensorPlan p = plan(Map.of("kernel.proc", "no CAP_NET_ADMIN"));

    assertThat(p.state("docker.top")).isEqualTo(SensorPlan.State.FALLBACK);
    assertThat(p.capabilities()).contains(Capability.PROCESS, Capability.PROCESS_TREE)
        .doesNotContain(Capability.EXE_LAYER, Capability.PROCESS_FDS, Capability.PROCESS_IDS);
    assertThat(p.degradedLines()).containsExactly("sensor kernel.proc unavailable: no CAP_NET_ADMIN; docker.top "
        + "polls processes instead (short-lived processes may be missed)");
    // the stand-in disabled too: nothing sees processes, and the line says so
    SensorPlan none = plan(Map.of("kernel.proc", "no CAP_NET_ADMIN"), "docker.top");
    assertThat(none.capabilities()).doesNotContain(Capability.PROCESS);
    assertThat(none.degradedLines().get(0)).endsWith("instead (short-lived processes may be missed), but docker.top "
        + "is disabled");
  }

  @Test
  void netUnavailable_nothingStandsIn_theLineSaysWhatIsLost() {
    SensorPlan p = plan(Map.of("kernel.net", "cannot read other processes' /proc/<pid>/net (run as root)"));

    assertThat(p.capabilities()).doesNotContain(Capability.NETWORK);
    assertThat(p.degradedLines()).containsExactly("sensor kernel.net unavailable: cannot read other processes' "
        + "/proc/<pid>/net (run as root); no connection events; rules on connections are disabled");
  }

  @Test
  void fanotifyUnavailable_diffPollsEverything_fileOpenRulesLoadDisabledWithTheFieldNamed() {
    SensorPlan p = plan(Map.of("kernel.fanotify", "fanotify_init: EPERM"));
    assertThat(p.state("docker.diff")).isEqualTo(SensorPlan.State.FALLBACK);
    assertThat(p.capabilities()).contains(Capability.FILE_CHANGE).doesNotContain(Capability.FILE_OPEN);

    LoadResult withFanotify = builtinRules(plan(Map.of()).capabilities());
    LoadResult without = builtinRules(p.capabilities());
    List<CompiledRule> lost = without.rules().stream().filter(r -> !r.disabledReason().isEmpty())
        .filter(r -> withFanotify.enabled().stream().anyMatch(e -> e.name().equals(r.name()))).toList();
    assertThat(lost).isNotEmpty();
    assertThat(lost).allSatisfy(r -> assertThat(r.disabledReason()).contains("needs the FILE_OPEN sensor"));
  }

  private static LoadResult builtinRules(Set<Capability> caps) {
    return dev.vigil.rules.RulesLoader.load(true, List.of(), new dev.vigil.rules.RuleCompiler.Options(caps, List.of(),
        List.of(), dev.vigil.alert.Priority.DEBUG));
  }

  @Test
  void statusStates_areTheDecisions_inCatalogOrder() {
    SensorPlan p = plan(Map.of("kernel.proc", "no netlink"), "docker.logs");

    assertThat(p.states()).extracting(AgentStatus.SensorState::name)
        .containsExactlyElementsOf(SensorCatalog.declarations().stream().map(SensorDeclaration::name).toList());
    assertThat(p.states()).contains(new AgentStatus.SensorState("docker.logs", "disabled", "--disable-sensor"),
        new AgentStatus.SensorState("kernel.proc", "unavailable", "no netlink"),
        new AgentStatus.SensorState("docker.top", "fallback", "polling the Engine API"),
        new AgentStatus.SensorState("docker.stats", "standby", "kernel.cgroup reads the cgroup counters"));
    assertThat(p.capabilities()).doesNotContain(Capability.LOG);
  }

  @Test
  void thePlanKnowsOnlyDeclarations_aNewSensorAndItsStandInNeedNoOtherCode() {
    SensorDeclaration primary = SensorDeclaration.kernel("test.primary", "sees sockets", Set.of(Capability.NETWORK),
        () -> Optional.of("not here"), "");
    SensorDeclaration standIn = SensorDeclaration.standIn("test.poll", "polls sockets", Set.of(Capability.NETWORK),
        "test.primary", "test.poll polls instead", "test.primary runs");

    SensorPlan p = SensorPlan.probe(List.of(primary, standIn), Set.of());

    assertThat(p.state("test.poll")).isEqualTo(SensorPlan.State.FALLBACK);
    assertThat(p.capabilities()).containsExactlyInAnyOrder(Capability.CORE, Capability.NETWORK);
    assertThat(p.degradedLines()).containsExactly("sensor test.primary unavailable: not here; test.poll polls instead");
    SensorDeclaration orphan = SensorDeclaration.standIn("test.orphan", "x", Set.of(), "test.none", "", "");
    assertThatThrownBy(() -> SensorPlan.probe(List.of(orphan), Set.of()))
        .hasMessageContaining("test.none");
  }

  @Test
  void catalog_namesUnique_standInsNameDeclaredSensors_everyCapabilityProvided_eventsRequired() {
    List<SensorDeclaration> all = SensorCatalog.declarations();
    Set<String> names = new java.util.LinkedHashSet<>();
    Set<Capability> provided = EnumSet.of(Capability.CORE);
    for (SensorDeclaration d : all) {
      assertThat(names.add(d.name())).as("unique name %s", d.name()).isTrue();
      provided.addAll(d.provides());
      assertThat(d.summary()).isNotBlank();
    }
    for (SensorDeclaration d : all) {
      if (d.isStandIn()) {
        assertThat(names).contains(d.standsInFor());
        assertThat(d.whileStandingIn()).startsWith(d.name() + " ");
      }
    }
    assertThat(provided).isEqualTo(EnumSet.allOf(Capability.class));
    assertThat(SensorCatalog.disableable()).doesNotContain("docker.events").contains("kernel.cgroup", "docker.top");
    assertThat(MonitorCommand.SENSORS).isEqualTo(SensorCatalog.disableable());
    assertThat(SensorCatalog.ENTRIES).extracting(SensorCatalog.Entry::name).containsExactlyElementsOf(names);
  }
}
