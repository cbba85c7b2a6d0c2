package dev.vigil.app;

import dev.vigil.alert.AlertSink;
import dev.vigil.engine.Engine;
import dev.vigil.event.ContainerActivity;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.Event;
import dev.vigil.pipeline.ExecDeduplicator;
import dev.vigil.pipeline.ExecSessions;
import dev.vigil.pipeline.ProcessEnricher;
import dev.vigil.record.EventRecorder;
import java.util.function.Consumer;

/**
 * What happens to every event, in order, on the pipeline's dispatch thread. The same chain serves
 * {@code vigil monitor} (events from the sensors) and {@code vigil replay} (events from a recording):
 *
 * <pre>
 *  sensor ──► Pipeline (bounded queue, one dispatch thread) ──► this chain:
 *    1. resolve     the container reference gets its name and image (inventory; inspected if unknown)
 *    2. enrich      file and network events get the name of the process that caused them (ProcessEnricher)
 *    3. sessions    processes of a `docker exec` session get the exec's id (ExecSessions)
 *    4. dedup       one exec seen by two sensors is one event (ExecDeduplicator)
 *    5. activity    counts activity per container, so idle containers are polled less (ContainerActivity)
 *    6. record      --record-events: queued to the recorder's own thread, never written here
 *    7. engines     rules, then detectors (Engine), each match an Alert
 *    8. alerts      aggregation ──► stamp (host name, alert id) ──► fan-out ──► sinks (AlertOutputs)
 * </pre>
 *
 * Not thread-safe: the dispatch thread (or the replay loop) is its only caller.
 */
final class EventChain implements Consumer<Event> {

  private final ContainerDirectory containers;
  private final ProcessEnricher processes = new ProcessEnricher();
  private final ExecSessions sessions = new ExecSessions();
  private final ExecDeduplicator dedup = new ExecDeduplicator();
  private final ContainerActivity activity;
  private final EventRecorder recorder;
  private final Engine engine;
  private final AlertSink alerts;

  /**
   * @param containers resolves container references (the live inventory, or a recording's container records)
   * @param activity per-container activity counts, shared with the diff sensor
   * @param recorder where events are recorded, or null
   * @param engine rules and detectors
   * @param alerts the head of the alert path (aggregation, stamping, sinks)
   */
  EventChain(ContainerDirectory containers, ContainerActivity activity, EventRecorder recorder, Engine engine,
      AlertSink alerts) {
    this.containers = containers;
    this.activity = activity;
    this.recorder = recorder;
    this.engine = engine;
    this.alerts = alerts;
  }

  @Override
  public void accept(Event sensed) {
    Event e = sensed.container().isResolved() ? sensed : sensed.withContainer(containers.resolve(
        sensed.container().id()));
    e = processes.enrich(e);
    e = sessions.annotate(e);
    if (dedup.isDuplicate(e)) {
      return;
    }
    activity.record(e);
    if (recorder != null) {
      recorder.record(e, containers);
    }
    engine.process(e, alerts);
  }
}
