package dev.vigil.detect.behaviour;

import dev.vigil.alert.AlertSink;
import dev.vigil.detect.Detector;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import java.util.EnumSet;
import java.util.Set;

/**
 * Base of the behavioural detectors: keeps one bounded state per container ({@link LruStates}), drops it when the
 * container dies, stops or is destroyed, starts it afresh when the container (re)starts, skips host events and
 * ignored images, and hands each remaining event with its container's state and a monotonic "now" (event time) to
 * {@link #handle}. Single-threaded, like every detector.
 *
 * @param <S> the per-container state
 */
abstract class ContainerDetector<S extends LruStates.Slot> implements Detector {

  protected final DetectorContext ctx;
  protected final LruStates<S> states;
  private final String name;
  private final Set<EventKind> kinds;

  ContainerDetector(String name, DetectorContext ctx, long idleMillis, EventKind... kinds) {
    this.name = name;
    this.ctx = ctx;
    this.states = new LruStates<>(ctx.maxContainers(), idleMillis, ctx.counter("evicted", name));
    EnumSet<EventKind> k = EnumSet.of(EventKind.CONTAINER_LIFECYCLE);
    k.addAll(Set.of(kinds));
    this.kinds = Set.copyOf(k);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<EventKind> kinds() {
    return kinds;
  }

  @Override
  public final void onEvent(Event event, AlertSink out) {
    ContainerRef ref = event.container();
    if (ref.isHost()) {
      return;
    }
    long t = event.time().toEpochMilli();
    if (event instanceof ContainerLifecycle lc) {
      switch (lc.action()) {
        case "die":
        case "stop":
        case "destroy":
          states.remove(ref.id());
          break;
        case "start":
          states.remove(ref.id());
          if (learnsFromStart() && !ctx.ignored(ref)) {
            states.get(ref.id(), t, at -> newState(ref, at));
          }
          break;
        default:
          break;
      }
      return;
    }
    if (!wants(event) || ctx.ignored(ref)) {
      return;
    }
    S st = states.get(ref.id(), t, at -> newState(ref, at));
    handle(event, st, st.now(), out);
  }

  /** Whether a container's state should begin at its start event (its learning period starts there). */
  boolean learnsFromStart() {
    return true;
  }

  /** A cheap filter applied before any state is created (e.g. only outbound connections). */
  abstract boolean wants(Event event);

  abstract S newState(ContainerRef ref, long t);

  /**
   * Handles an event of the container whose state is {@code st}.
   *
   * @param now the latest event time seen for the container (epoch ms), never earlier than a previous call's
   */
  abstract void handle(Event event, S st, long now, AlertSink out);

  /** Number of containers with state (for tests and benchmarks). */
  final int tracked() {
    return states.size();
  }
}
