package dev.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void readsTheUsualUnits() {
    assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse(" 5m ")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("2H")).isEqualTo(Duration.ofHours(2));
    assertThat(DurationText.parse("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(DurationText.parse("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(DurationText.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void rejectsOtherTextNamingIt() {
    for (String bad : new String[] {"", "s", "10x", "ten seconds", "1.5h", "2026-11-29"}) {
      assertThatThrownBy(() -> DurationText.parse(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "' is not a duration");
    }
  }
}
