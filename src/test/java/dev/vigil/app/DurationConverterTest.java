package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

  @Test
  void parse_milliseconds() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void parse_seconds() {
    assertThat(DurationConverter.parse("5s")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void parse_minutes() {
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void parse_hours() {
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void parse_iso8601() {
    assertThat(DurationConverter.parse("PT3S")).isEqualTo(Duration.ofSeconds(3));
    assertThat(DurationConverter.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void parse_caseAndSurroundingSpaceIgnored() {
    assertThat(DurationConverter.parse(" 5S ")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void parse_bareMultiDigitNumber_isSeconds() {
    assertThat(DurationConverter.parse("70")).isEqualTo(Duration.ofSeconds(70));
  }

  @Test
  void parse_bareSingleDigitNumber_isSeconds() {
    assertThat(DurationConverter.parse("7")).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void parse_zero_isZeroDuration() {
    // --wait-for-engine's fallbackValue
    assertThat(DurationConverter.parse("0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void parse_letters_throwsNotADuration() {
    assertThatThrownBy(() -> DurationConverter.parse("abc"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("not a duration")
        .hasMessageContaining("'abc'");
  }

  @Test
  void parse_unknownUnit_throwsNotADuration() {
    assertThatThrownBy(() -> DurationConverter.parse("5x"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("not a duration");
  }

  @Test
  void parse_emptyOrUnitOnly_throwsNotADuration() {
    assertThatThrownBy(() -> DurationConverter.parse(""))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> DurationConverter.parse("ms"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> DurationConverter.parse("P"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("not a duration");
  }

  @Test
  void convert_delegatesToParse() {
    assertThat(new DurationConverter().convert("2m")).isEqualTo(Duration.ofMinutes(2));
  }
}
