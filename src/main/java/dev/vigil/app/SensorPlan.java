package dev.vigil.app;

import dev.vigil.event.Capability;
import dev.vigil.sensor.SensorDeclaration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which sensors run on this host and what they can observe, decided once at start from the sensors' declarations
 * alone ({@link SensorDeclaration}): each sensor not disabled is probed; a stand-in runs where the sensor it stands
 * in for cannot (and waits in standby, or runs with less to do, where it can); the capabilities are those of the
 * sensors that run, and they decide which rules load enabled. Immutable.
 *
 * @param decided every declared sensor with its state, in catalog order
 * @param capabilities what the sensors that run provide, plus {@link Capability#CORE}
 */
record SensorPlan(List<Decided> decided, Set<Capability> capabilities) {

  /** A sensor's state in the plan; {@link #label} is what status.json and {@code vigil status} show. */
  enum State {
    /** A primary sensor that runs. */
    ACTIVE("active", true),
    /** A stand-in that runs because the sensor it stands in for cannot. */
    FALLBACK("fallback", true),
    /** A stand-in that runs alongside the sensor it stands in for, with less to do. */
    REDUCED("active", true),
    /** A stand-in not needed: the sensor it stands in for runs. */
    STANDBY("standby", false),
    /** Its probe says it cannot run here. */
    UNAVAILABLE("unavailable", false),
    /** Named by {@code --disable-sensor}. */
    DISABLED("disabled", false);

    final String label;
    final boolean runs;

    State(String label, boolean runs) {
      this.label = label;
      this.runs = runs;
    }
  }

  /** One sensor's place in the plan: its declaration, state and the reason shown with the state. */
  record Decided(SensorDeclaration declaration, State state, String detail) {
    String name() {
      return declaration.name();
    }
  }

  SensorPlan {
    decided = List.copyOf(decided);
    capabilities = Set.copyOf(capabilities);
  }

  /** Probes the catalog's sensors that are not disabled, on this host. */
  static SensorPlan probe(Set<String> disabled) {
    return probe(SensorCatalog.declarations(), disabled);
  }

  /** Probes the declared sensors that are not disabled, on this host. */
  static SensorPlan probe(List<SensorDeclaration> declared, Set<String> disabled) {
    return decide(declared, disabled, d -> d.probe().get());
  }

  /**
   * Decides the plan with {@code probe} standing for each sensor's own probe (empty: can run; else why not).
   *
   * @throws IllegalArgumentException when a stand-in names a sensor that is not declared
   */
  static SensorPlan decide(List<SensorDeclaration> declared, Set<String> disabled,
      Function<SensorDeclaration, Optional<String>> probe) {
    Map<String, Optional<String>> canRun = new LinkedHashMap<>();
    for (SensorDeclaration d : declared) {
      canRun.put(d.name(), disabled.contains(d.name()) ? Optional.of("--disable-sensor") : probe.apply(d));
    }
    List<Decided> out = new ArrayList<>();
    Set<Capability> caps = EnumSet.of(Capability.CORE);
    for (SensorDeclaration d : declared) {
      Decided x;
      if (disabled.contains(d.name())) {
        x = new Decided(d, State.DISABLED, "--disable-sensor");
      } else if (canRun.get(d.name()).isPresent()) {
        x = new Decided(d, State.UNAVAILABLE, canRun.get(d.name()).get());
      } else if (d.isStandIn()) {
        Optional<String> primary = canRun.get(d.standsInFor());
        if (primary == null) {
          throw new IllegalArgumentException(d.name() + " stands in for undeclared sensor " + d.standsInFor());
        }
        x = primary.isPresent() ? new Decided(d, State.FALLBACK, "polling the Engine API")
            : d.alongside() ? new Decided(d, State.REDUCED, d.whilePrimaryRuns())
            : new Decided(d, State.STANDBY, d.whilePrimaryRuns());
      } else {
        x = new Decided(d, State.ACTIVE, "");
      }
      if (x.state().runs) {
        caps.addAll(d.provides());
      }
      out.add(x);
    }
    return new SensorPlan(out, caps);
  }

  Optional<Decided> find(String sensor) {
    return decided.stream().filter(d -> d.name().equals(sensor)).findFirst();
  }

  /** True when {@code sensor} is to be started (active, a fallback, or a stand-in running alongside). */
  boolean runs(String sensor) {
    return find(sensor).map(d -> d.state().runs).orElse(false);
  }

  State state(String sensor) {
    return find(sensor).map(Decided::state).orElseThrow(() -> new IllegalArgumentException("no sensor " + sensor));
  }

  /** Log lines, one per sensor that cannot run, naming its stand-in or what is lost without it. */
  List<String> degradedLines() {
    List<String> out = new ArrayList<>();
    for (Decided d : decided) {
      if (d.state() == State.UNAVAILABLE) {
        out.add("sensor " + d.name() + " unavailable: " + d.detail() + "; " + consequence(d.declaration()));
      }
    }
    return out;
  }

  /** What happens where {@code sensor} cannot run: its stand-in's work, or what is lost. */
  private String consequence(SensorDeclaration sensor) {
    for (Decided d : decided) {
      if (sensor.name().equals(d.declaration().standsInFor())) {
        return d.state().runs ? d.declaration().whileStandingIn()
            : d.declaration().whileStandingIn() + ", but " + d.name() + " is " + d.state().label;
      }
    }
    return sensor.withoutIt().isEmpty() ? "nothing stands in for it" : sensor.withoutIt();
  }

  /** Each sensor's state for status.json, in catalog order. */
  List<AgentStatus.SensorState> states() {
    return decided.stream().map(d -> new AgentStatus.SensorState(d.name(), d.state().label, d.detail())).toList();
  }
}
