package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BaselineTest {

  private static final long MIN = 60_000;

  @Test
  void learnsTheMeanOfTheLearningPeriod() {
    Baseline b = new Baseline(0, MIN, 30 * MIN);
    assertThat(b.add(10, 5_000)).isFalse();
    assertThat(b.add(20, 30_000)).isFalse();
    assertThat(b.learned()).isFalse();
    assertThat(b.value()).isEqualTo(15);
    assertThat(b.add(30, 60_000)).isTrue();
    assertThat(b.learned()).isTrue();
    assertThat(b.value()).isEqualTo(20);
  }

  @Test
  void needsMinimumSamples_evenAfterThePeriod() {
    Baseline b = new Baseline(0, MIN, 30 * MIN);
    b.add(1, 120_000);
    b.add(1, 130_000);
    assertThat(b.learned()).isFalse();
    assertThat(b.add(1, 140_000)).isTrue();
  }

  @Test
  void afterLearning_followsWithTheHalfLife() {
    Baseline b = new Baseline(0, 0, MIN);
    b.add(0, 0);
    b.add(0, 0);
    b.add(0, 0);
    assertThat(b.learned()).isTrue();
    b.add(100, MIN); // one half-life later: half-way
    assertThat(b.value()).isCloseTo(50, within(1e-9));
    b.add(100, 2 * MIN);
    assertThat(b.value()).isCloseTo(75, within(1e-9));
  }

  @Test
  void repeatedSamples_equalOneStepOverTheWholeGap() {
    Baseline a = learned(100);
    Baseline b = learned(100);
    for (int i = 1; i <= 6; i++) {
      a.add(0, i * 10_000L);
    }
    b.add(0, 6, 60_000);
    assertThat(b.value()).isCloseTo(a.value(), within(1e-9));
  }

  @Test
  void skippedSamples_doNotTeach_andTheirTimeDoesNotCount() {
    Baseline b = learned(10);
    b.skip(MIN);
    b.skip(10 * MIN);
    assertThat(b.value()).isEqualTo(10);
    b.add(20, 11 * MIN); // one minute after the last skip, with a 1-minute half-life: half-way
    assertThat(b.value()).isCloseTo(15, within(1e-9));
  }

  private static Baseline learned(double v) {
    Baseline b = new Baseline(0, 0, MIN);
    b.add(v, 0);
    b.add(v, 0);
    b.add(v, 0);
    return b;
  }
}
