package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogLagTest {

  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private final LogLag lag = new LogLag(10 * S);

  @Test
  void lag_isReadTimeMinusStamp_overTheFastestDelivery_andNothingIsSkippedWithinTheBound() {
    assertThat(lag.observe(100 * S, 100 * S + 2 * MS)).isZero();
    assertThat(lag.lagMillis()).as("the first message sets the floor").isZero();
    assertThat(lag.observe(101 * S, 101 * S + 252 * MS)).isZero();
    assertThat(lag.lagMillis()).isEqualTo(250);
    assertThat(lag.observe(102 * S, 112 * S + 2 * MS)).as("exactly the bound").isZero();
    assertThat(lag.lagMillis()).isEqualTo(10_000);
    assertThat(lag.sheds()).isZero();
  }

  @Test
  void passingTheBound_countsTheLagAsSkipped_andStartsAgainFromNow() {
    lag.observe(100 * S, 100 * S);
    assertThat(lag.observe(100 * S, 112 * S + 500 * MS)).isEqualTo(12 * S + 500 * MS);
    assertThat(lag.sheds()).isEqualTo(1);
    assertThat(lag.skippedMillis()).isEqualTo(12_500);
    assertThat(lag.lagMillis()).isZero();
    assertThat(lag.observe(200 * S, 211 * S)).isEqualTo(11 * S);
    assertThat(lag.sheds()).isEqualTo(2);
    assertThat(lag.skippedMillis()).isEqualTo(23_500);
  }

  @Test
  void anEngineClockOffTheAgentsByMoreThanTheBound_isNoLag_eitherWay() {
    assertThat(lag.observe(100 * S, 130 * S)).as("engine 30 s behind").isZero();
    assertThat(lag.observe(101 * S, 131 * S + 40 * MS)).isZero();
    assertThat(lag.lagMillis()).isEqualTo(40);
    LogLag ahead = new LogLag(10 * S);
    assertThat(ahead.observe(100 * S, 70 * S)).as("engine 30 s ahead").isZero();
    assertThat(ahead.observe(101 * S, 71 * S + 15 * MS)).isZero();
    assertThat(ahead.lagMillis()).isEqualTo(15);
    assertThat(ahead.observe(102 * S, 84 * S)).as("then 12 s behind").isEqualTo(12 * S);
  }

  @Test
  void noStamp_isNoLag() {
    assertThat(lag.observe(StampedLines.NO_STAMP, 500 * S)).isZero();
    assertThat(lag.sheds()).isZero();
  }
}
