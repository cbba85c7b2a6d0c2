package dev.vigil.engine;

import dev.vigil.alert.AlertSink;
import dev.vigil.event.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Several engines seeing every event in order: the rules, then the stateful detectors. Each gets the same event and
 * the same alert sink, so rule and detector alerts leave by one path. Single-threaded, like its parts.
 */
public final class CompositeEngine implements Engine {

  private final List<Engine> engines;

  public CompositeEngine(List<Engine> engines) {
    this.engines = List.copyOf(engines);
  }

  @Override
  public void process(Event event, AlertSink out) {
    for (Engine e : engines) {
      e.process(event, out);
    }
  }

  @Override
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    engines.forEach(e -> out.addAll(e.describe()));
    return out;
  }
}
