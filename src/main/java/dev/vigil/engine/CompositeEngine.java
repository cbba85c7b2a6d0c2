package dev.vigil.engine;

import dev.vigil.alert.AlertSink;
import dev.vigil.event.Event;
import java.util.ArrayList;
import java.util.List;

/** Runs several engines (the rules, then the stateful detectors) on each event, in order. Single-threaded. */
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
