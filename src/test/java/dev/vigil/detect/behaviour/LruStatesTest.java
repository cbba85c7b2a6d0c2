package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.Test;

class LruStatesTest {

  static final class S extends LruStates.Slot {
    final long created;

    S(long created) {
      this.created = created;
    }
  }

  private final Metrics metrics = Metrics.inMemory();
  private final Counter evicted = metrics.counter("evicted", "detector", "t");

  @Test
  void keepsAtMostMax_droppingTheLeastRecentlyUsed_andCountsIt() {
    LruStates<S> s = new LruStates<>(2, Long.MAX_VALUE, evicted);
    s.get("a", 1, S::new);
    s.get("b", 2, S::new);
    s.get("a", 3, S::new); // a is now the most recent
    s.get("c", 4, S::new); // b goes
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.peek("b")).isNull();
    assertThat(s.peek("a")).isNotNull();
    assertThat(metrics.count("evicted", "detector", "t")).isEqualTo(1);
  }

  @Test
  void dropsEntriesIdleLongerThanTheLimit_whenLaterEventsCome() {
    LruStates<S> s = new LruStates<>(10, 1000, evicted);
    s.get("gone", 0, S::new);
    s.get("alive", 500, S::new);
    s.get("alive", 1200, S::new);
    assertThat(s.peek("gone")).isNull(); // idle 1200 ms > 1000
    assertThat(s.size()).isEqualTo(1);
    assertThat(metrics.count("evicted", "detector", "t")).isZero(); // expiry is not a drop
  }

  @Test
  void now_isTheLatestEventTime_evenWhenEventsComeSlightlyOutOfOrder() {
    LruStates<S> s = new LruStates<>(10, Long.MAX_VALUE, evicted);
    S a = s.get("a", 1000, S::new);
    s.get("a", 900, S::new);
    assertThat(a.now()).isEqualTo(1000);
    assertThat(a.created).isEqualTo(1000);
    assertThat(s.remove("a")).isSameAs(a);
    assertThat(s.size()).isZero();
  }
}
