package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.detect.Detector;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.FileChange;
import dev.vigil.event.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DetectorEngineTest {

  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
  private static final ContainerRef APP = new ContainerRef("eeeeeeeeeeee", "app", "img", "1", "");

  /** Records the events it sees and emits one alert per event. */
  private static final class Recording implements Detector {
    final String name;
    final Set<EventKind> kinds;
    final List<Event> seen = new ArrayList<>();

    Recording(String name, EventKind... kinds) {
      this.name = name;
      this.kinds = Set.of(kinds);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Set<EventKind> kinds() {
      return kinds;
    }

    @Override
    public void onEvent(Event event, AlertSink out) {
      seen.add(event);
      out.accept(new Alert(event.time(), name, Priority.NOTICE, name, event.kind().source(), List.of(), "h", Map.of()));
    }
  }

  /** Always throws. */
  private static final class Throwing implements Detector {
    int calls;

    @Override
    public String name() {
      return "boom";
    }

    @Override
    public Set<EventKind> kinds() {
      return Set.of(EventKind.FILE_CHANGE, EventKind.LOG_LINE);
    }

    @Override
    public void onEvent(Event event, AlertSink out) {
      calls++;
      throw new IllegalStateException("detector bug");
    }
  }

  private static FileChange fileChange() {
    return new FileChange(T, APP, "s", "/etc/x", FileChange.Kind.ADDED);
  }

  private static LogLine logLine() {
    return new LogLine(T, APP, "s", LogLine.Stream.STDOUT, "hi", false, 2);
  }

  @Test
  void process_callsOnlyDetectorsWhoseKindsContainTheEventKind() {
    Recording files = new Recording("files", EventKind.FILE_CHANGE);
    Recording logs = new Recording("logs", EventKind.LOG_LINE);
    Recording both = new Recording("both", EventKind.FILE_CHANGE, EventKind.LOG_LINE);
    Recording none = new Recording("none");
    DetectorEngine engine = new DetectorEngine(List.of(files, logs, both, none));
    List<Alert> alerts = new ArrayList<>();

    FileChange fc = fileChange();
    engine.process(fc, alerts::add);

    assertThat(files.seen).containsExactly(fc);
    assertThat(both.seen).containsExactly(fc);
    assertThat(logs.seen).isEmpty();
    assertThat(none.seen).isEmpty();
    assertThat(alerts).extracting(Alert::rule).containsExactly("files", "both");

    LogLine ll = logLine();
    engine.process(ll, alerts::add);
    assertThat(logs.seen).containsExactly(ll);
    assertThat(both.seen).containsExactly(fc, ll);
    assertThat(files.seen).containsExactly(fc);
  }

  @Test
  void process_eventKindWithoutDetectors_doesNothing() {
    Recording files = new Recording("files", EventKind.FILE_CHANGE);
    DetectorEngine engine = new DetectorEngine(List.of(files));
    List<Alert> alerts = new ArrayList<>();
    engine.process(logLine(), alerts::add);
    assertThat(files.seen).isEmpty();
    assertThat(alerts).isEmpty();
    assertThat(engine.failures()).isZero();
  }

  @Test
  void process_noDetectors_isFine() {
    DetectorEngine engine = new DetectorEngine(List.of());
    List<Alert> alerts = new ArrayList<>();
    engine.process(fileChange(), alerts::add);
    assertThat(alerts).isEmpty();
    assertThat(engine.describe()).isEmpty();
  }

  @Test
  void process_throwingDetector_isCountedAndOthersStillRun() {
    Recording before = new Recording("before", EventKind.FILE_CHANGE);
    Throwing boom = new Throwing();
    Recording after = new Recording("after", EventKind.FILE_CHANGE);
    DetectorEngine engine = new DetectorEngine(List.of(before, boom, after));
    List<Alert> alerts = new ArrayList<>();

    engine.process(fileChange(), alerts::add);

    assertThat(engine.failures()).isEqualTo(1);
    assertThat(boom.calls).isEqualTo(1);
    assertThat(before.seen).hasSize(1);
    assertThat(after.seen).hasSize(1);
    assertThat(alerts).extracting(Alert::rule).containsExactly("before", "after");

    engine.process(logLine(), alerts::add);
    engine.process(fileChange(), alerts::add);
    assertThat(engine.failures()).isEqualTo(3);
    assertThat(after.seen).hasSize(2);
  }

  @Test
  void process_throwingAlertSink_isCountedAsDetectorFailure() {
    Recording first = new Recording("first", EventKind.FILE_CHANGE);
    Recording second = new Recording("second", EventKind.FILE_CHANGE);
    DetectorEngine engine = new DetectorEngine(List.of(first, second));
    engine.process(fileChange(), a -> {
      throw new IllegalStateException("sink down");
    });
    assertThat(engine.failures()).isEqualTo(2);
    assertThat(second.seen).hasSize(1);
  }

  @Test
  void failures_startsAtZero() {
    assertThat(new DetectorEngine(List.of(new Throwing())).failures()).isZero();
  }

  @Test
  void describe_listsDetectorNamesInOrder() {
    DetectorEngine engine = new DetectorEngine(
        List.of(new Recording("a", EventKind.STATS), new Throwing(), new Recording("c")));
    assertThat(engine.describe()).containsExactly("a", "boom", "c");
  }

  @Test
  void constructor_copiesDetectorList() {
    Recording files = new Recording("files", EventKind.FILE_CHANGE);
    List<Detector> list = new ArrayList<>(List.of(files));
    DetectorEngine engine = new DetectorEngine(list);
    list.clear();
    List<Alert> alerts = new ArrayList<>();
    engine.process(fileChange(), alerts::add);
    assertThat(files.seen).hasSize(1);
    assertThat(engine.describe()).containsExactly("files");
  }
}
