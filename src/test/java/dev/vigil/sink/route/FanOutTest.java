package dev.vigil.sink.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.file.StreamSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanOutTest {

  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

  private final Metrics metrics = Metrics.inMemory();

  private static Alert alert(String rule, Priority p) {
    return new Alert(T, rule, p, "o", "syscall", List.of(), "h", Map.of());
  }

  private static final class Collecting implements AlertSink {
    final List<Alert> got = new ArrayList<>();

    @Override
    public void accept(Alert alert) {
      got.add(alert);
    }
  }

  private static final class Broken implements AlertSink {
    int calls;

    @Override
    public void accept(Alert alert) {
      calls++;
      throw new IllegalStateException("sink down");
    }
  }

  @Test
  void accept_deliversToEverySinkInOrder() {
    List<String> order = new ArrayList<>();
    FanOut fan = new FanOut(List.of(a -> order.add("first:" + a.rule()), a -> order.add("second:" + a.rule())),
        metrics);
    fan.accept(alert("r", Priority.NOTICE));
    assertThat(order).containsExactly("first:r", "second:r");
  }

  @Test
  void accept_throwingSink_doesNotStopTheNext() {
    Collecting before = new Collecting();
    Broken broken = new Broken();
    Collecting after = new Collecting();
    FanOut fan = new FanOut(List.of(before, broken, after), metrics);
    Alert a = alert("r", Priority.ERROR);

    assertThatCode(() -> fan.accept(a)).doesNotThrowAnyException();
    assertThatCode(() -> fan.accept(a)).doesNotThrowAnyException();

    // both sinks got the same object each time
    assertThat(before.got).hasSize(2).allSatisfy(x -> assertThat(x).isSameAs(a));
    assertThat(after.got).hasSize(2).allSatisfy(x -> assertThat(x).isSameAs(a));
    assertThat(broken.calls).isEqualTo(2);
    assertThat(metrics.count("vigil.sink.failures", "sink", "Broken")).isEqualTo(2);
  }

  @Test
  void accept_countsAlertsByPriorityLabel() {
    FanOut fan = new FanOut(List.of(new Collecting()), metrics);
    fan.accept(alert("a", Priority.CRITICAL));
    fan.accept(alert("b", Priority.CRITICAL));
    fan.accept(alert("c", Priority.WARNING));
    assertThat(metrics.count("vigil.alerts", "priority", "Critical")).isEqualTo(2);
    assertThat(metrics.count("vigil.alerts", "priority", "Warning")).isEqualTo(1);
    assertThat(metrics.count("vigil.alerts", "priority", "Notice")).isZero();
  }

  @Test
  void accept_countsAlertsByRule() {
    FanOut fan = new FanOut(List.of(), metrics);
    fan.accept(alert("Shell in container", Priority.NOTICE));
    fan.accept(alert("Shell in container", Priority.WARNING));
    fan.accept(alert("Other", Priority.NOTICE));
    assertThat(metrics.count("vigil.alerts.rule", "rule", "Shell in container")).isEqualTo(2);
    assertThat(metrics.count("vigil.alerts.rule", "rule", "Other")).isEqualTo(1);
  }

  @Test
  void accept_alertIsCountedEvenWhenEverySinkFails() {
    FanOut fan = new FanOut(List.of(new Broken()), metrics);
    fan.accept(alert("r", Priority.ALERT));
    assertThat(metrics.count("vigil.alerts", "priority", "Alert")).isEqualTo(1);
    assertThat(metrics.count("vigil.sink.failures", "sink", "Broken")).isEqualTo(1);
  }

  @Test
  void constructor_copiesSinkList() {
    Collecting c = new Collecting();
    List<AlertSink> sinks = new ArrayList<>(List.of(c));
    FanOut fan = new FanOut(sinks, metrics);
    sinks.clear();
    fan.accept(alert("r", Priority.NOTICE));
    assertThat(c.got).hasSize(1);
  }

  @Test
  void accept_withRealStreamSinkAfterBrokenSink_stillWrites() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    FanOut fan = new FanOut(List.of(new Broken(),
        new StreamSink(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8))), metrics);
    fan.accept(alert("r", Priority.NOTICE));
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8)).startsWith("{\"hostname\":\"h\"")
        .contains("\"rule\":\"r\"").endsWith("\n");
  }
}
