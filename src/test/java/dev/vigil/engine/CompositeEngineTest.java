package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.SensorNotice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeEngineTest {

  private static Engine named(String name, List<String> seen) {
    return new Engine() {
      @Override
      public void process(Event event, AlertSink out) {
        seen.add(name);
        out.accept(new Alert(event.time(), name, Priority.NOTICE, name, "vigil", List.of(), "h", Map.of()));
      }

      @Override
      public List<String> describe() {
        return List.of(name);
      }
    };
  }

  @Test
  void everyEngineSeesEveryEvent_inOrder_throughOneSink() {
    List<String> seen = new ArrayList<>();
    CompositeEngine c = new CompositeEngine(List.of(named("rules", seen), named("detectors", seen)));
    List<Alert> alerts = new ArrayList<>();
    c.process(new SensorNotice(Instant.EPOCH, ContainerRef.HOST, "s", "dropped", 1, "m"), alerts::add);
    assertThat(seen).containsExactly("rules", "detectors");
    assertThat(alerts).extracting(Alert::rule).containsExactly("rules", "detectors");
    assertThat(c.describe()).containsExactly("rules", "detectors");
  }
}
