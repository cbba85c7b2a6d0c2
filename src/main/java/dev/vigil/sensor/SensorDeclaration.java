package dev.vigil.sensor;

import dev.vigil.event.Capability;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a sensor says about itself, before anything runs: its name, what it can observe, whether it can run on this
 * host (and why not), and which real-time sensor it stands in for. Each sensor class holds its own declaration as a
 * constant ({@code DECLARATION}); the agent's sensor catalog lists them with their factories, and the sensor plan,
 * the {@code --disable-sensor} help, the disabled-rule reasons and {@code vigil status} are all derived from these
 * declarations. Immutable.
 *
 * @param name stable name, the {@code sensor} tag of its events and metrics
 * @param summary one line saying what it observes, for help texts and docs
 * @param provides what rules may rely on while this sensor runs
 * @param standsInFor the sensor this one replaces where that one cannot run, or null for a primary sensor
 * @param alongside for a stand-in: true when it keeps running (with less to do) while the sensor it stands in for
 *     runs, false when it waits in standby
 * @param whileStandingIn what the stand-in does instead, completing "sensor X unavailable: why; ..."
 * @param whilePrimaryRuns for a stand-in: why it is in standby, or what it still does alongside, for the status
 * @param withoutIt for a primary sensor without a stand-in: what is lost where it cannot run
 * @param disableable whether {@code --disable-sensor} may name it
 * @param probe empty when the sensor can run here, else the reason it cannot (cheap: no threads, no sockets kept)
 */
public record SensorDeclaration(
    String name, String summary, Set<Capability> provides, String standsInFor, boolean alongside,
    String whileStandingIn, String whilePrimaryRuns, String withoutIt, boolean disableable,
    Supplier<Optional<String>> probe) {

  public SensorDeclaration {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(summary, "summary");
    provides = provides.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(provides));
    Objects.requireNonNull(probe, "probe");
  }

  /** A primary sensor that can always run (the Engine API sensors). */
  public static SensorDeclaration engine(String name, String summary, Set<Capability> provides) {
    return new SensorDeclaration(name, summary, provides, null, false, "", "", "", true, Optional::empty);
  }

  /** A primary sensor that needs the host's kernel interfaces; {@code withoutIt} says what is lost without it. */
  public static SensorDeclaration kernel(String name, String summary, Set<Capability> provides,
      Supplier<Optional<String>> probe, String withoutIt) {
    return new SensorDeclaration(name, summary, provides, null, false, "", "", withoutIt, true, probe);
  }

  /**
   * A polling sensor that runs only where {@code primary} cannot.
   *
   * @param instead completes "sensor PRIMARY unavailable: why; ...", e.g. "docker.top polls processes instead"
   * @param standby why it waits while the primary runs, e.g. "kernel.proc sees every process"
   */
  public static SensorDeclaration standIn(String name, String summary, Set<Capability> provides, String primary,
      String instead, String standby) {
    return new SensorDeclaration(name, summary, provides, primary, false, instead, standby, "", true,
        Optional::empty);
  }

  /** A polling sensor that runs either way: fully where {@code primary} cannot, with less to do where it can. */
  public static SensorDeclaration alongside(String name, String summary, Set<Capability> provides, String primary,
      String instead, String reduced) {
    return new SensorDeclaration(name, summary, provides, primary, true, instead, reduced, "", true,
        Optional::empty);
  }

  /** This declaration, which {@code --disable-sensor} may not name (the agent needs it). */
  public SensorDeclaration required() {
    return new SensorDeclaration(name, summary, provides, standsInFor, alongside, whileStandingIn,
        whilePrimaryRuns, withoutIt, false, probe);
  }

  public boolean isStandIn() {
    return standsInFor != null;
  }
}
