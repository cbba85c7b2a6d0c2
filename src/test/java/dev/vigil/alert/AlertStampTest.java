package dev.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The output stage names the host and gives each alert its one id; what a producer set is kept. */
class AlertStampTest {

  private static final Alert RAW = new Alert(Instant.parse("2026-12-01T10:00:00Z"), "r", Priority.ERROR, "out",
      "syscall", List.of("t"), Map.of("k", "v"));

  private final List<Alert> got = new ArrayList<>();
  private final AlertStamp stamp = new AlertStamp("node-7", got::add);

  @Test
  void anAlertFromARuleOrDetector_getsTheHostAndANewIdEachTime() {
    stamp.accept(RAW);
    stamp.accept(RAW);
    assertThat(got).extracting(Alert::hostname).containsExactly("node-7", "node-7");
    assertThat(got.get(0).id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(got.get(0).id()).isNotEqualTo(got.get(1).id());
    assertThat(got.get(0).stamped(null, null)).isEqualTo(RAW);
  }

  @Test
  void anIdOrHostAlreadySet_isKept() {
    stamp.accept(RAW.withId("given"));
    stamp.accept(RAW.stamped("elsewhere", null));
    assertThat(got.get(0).id()).isEqualTo("given");
    assertThat(got.get(0).hostname()).isEqualTo("node-7");
    assertThat(got.get(1).hostname()).isEqualTo("elsewhere");
    assertThat(got.get(1).id()).isNotNull();
  }
}
