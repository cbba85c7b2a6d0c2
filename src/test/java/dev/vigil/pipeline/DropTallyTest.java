package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lane that lost most is named, in eight counters, however many lanes lost something. */
class DropTallyTest {

  @Test
  void theHeaviestLane_isNamed_amongAThousandOthers() {
    DropTally t = new DropTally();
    for (int i = 0; i < 1_000; i++) {
      t.record("lane" + i); // each of a thousand containers loses one event
      if (i % 4 == 0) {
        t.record("flood"); // one container loses 250, interleaved with them
      }
    }
    DropTally.Top top = t.takeTop();
    assertThat(top.lane()).isEqualTo("flood");
    // Space-Saving over-estimates by at most what a taken-over counter held: 1,250 drops over 8 counters.
    assertThat(top.count()).isBetween(250L, 250L + 1_250 / DropTally.SLOTS);
  }

  @Test
  void aFewLanes_areCountedExactly_andTakingTheTopStartsAgain() {
    DropTally t = new DropTally();
    for (int i = 0; i < 3; i++) {
      t.record("a");
    }
    t.record("b");
    assertThat(t.takeTop()).isEqualTo(new DropTally.Top("a", 3));
    assertThat(t.takeTop()).isNull();
    t.record("b");
    assertThat(t.takeTop()).isEqualTo(new DropTally.Top("b", 1));
  }
}
