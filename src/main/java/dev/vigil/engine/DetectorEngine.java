package dev.vigil.engine;

import dev.vigil.alert.AlertSink;
import dev.vigil.detect.Detector;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Engine} made of {@link Detector}s, indexed by event kind so an event only meets the detectors that
 * asked for its kind. A detector that throws is logged and counted, and the others still run. Single-threaded.
 */
public final class DetectorEngine implements Engine {

  private static final Logger LOG = LoggerFactory.getLogger(DetectorEngine.class);

  private final List<Detector> detectors;
  private final Map<EventKind, List<Detector>> byKind = new EnumMap<>(EventKind.class);
  private long failures;

  public DetectorEngine(List<Detector> detectors) {
    this.detectors = List.copyOf(detectors);
    for (EventKind k : EventKind.values()) {
      List<Detector> list = new ArrayList<>();
      for (Detector d : detectors) {
        if (d.kinds().contains(k)) {
          list.add(d);
        }
      }
      byKind.put(k, List.copyOf(list));
    }
  }

  @Override
  public void process(Event event, AlertSink out) {
    for (Detector d : byKind.get(event.kind())) {
      try {
        d.onEvent(event, out);
      } catch (RuntimeException | StackOverflowError e) {
        failures++;
        LOG.warn("detector {} failed on {} event: {}", d.name(), event.kind(), e.toString());
      }
    }
  }

  @Override
  public List<String> describe() {
    return detectors.stream().map(Detector::name).toList();
  }

  /** Number of detector invocations that threw. */
  public long failures() {
    return failures;
  }
}
