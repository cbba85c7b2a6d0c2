package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogLagTest {

  private static final long S = 1_000_000_000L;
  private final LogLag lag = new LogLag(10 * S);

  @Test
  void lag_isReadTimeMinusStamp_andNothingIsSkippedWithinTheBound() {
    assertThat(lag.observe(100 * S, 100 * S + 250_000_000L)).isZero();
    assertThat(lag.lagMillis()).isEqualTo(250);
    assertThat(lag.observe(100 * S, 110 * S)).as("exactly the bound").isZero();
    assertThat(lag.lagMillis()).isEqualTo(10_000);
    assertThat(lag.sheds()).isZero();
  }

  @Test
  void passingTheBound_countsTheLagAsSkipped_andStartsAgainFromNow() {
    assertThat(lag.observe(100 * S, 112 * S + 500_000_000L)).isEqualTo(12 * S + 500_000_000L);
    assertThat(lag.sheds()).isEqualTo(1);
    assertThat(lag.skippedMillis()).isEqualTo(12_500);
    assertThat(lag.lagMillis()).isZero();
    assertThat(lag.observe(200 * S, 211 * S)).isEqualTo(11 * S);
    assertThat(lag.sheds()).isEqualTo(2);
    assertThat(lag.skippedMillis()).isEqualTo(23_500);
  }

  @Test
  void aClockBehindTheEngine_orNoStamp_isNoLag() {
    assertThat(lag.observe(100 * S, 99 * S)).isZero();
    assertThat(lag.lagMillis()).isZero();
    assertThat(lag.observe(StampedLines.NO_STAMP, 500 * S)).isZero();
    assertThat(lag.sheds()).isZero();
  }
}
