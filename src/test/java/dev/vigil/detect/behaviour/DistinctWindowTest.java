package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DistinctWindowTest {

  @Test
  void countsDistinctKeys_andExpiresThemWithTheWindow() {
    DistinctWindow w = new DistinctWindow(100, 1);
    w.add(80, 1000);
    w.add(443, 2000);
    w.add(80, 3000); // seen again: still one key, now stamped 3000
    assertThat(w.distinct()).isEqualTo(2);
    assertThat(w.min()).isEqualTo(80);
    assertThat(w.max()).isEqualTo(443);

    w.expire(2500); // 443 (2000) leaves; 80 was seen at 3000
    assertThat(w.distinct()).isEqualTo(1);
    assertThat(w.min()).isEqualTo(80);
    w.expire(3001);
    assertThat(w.distinct()).isZero();
    assertThat(w.min()).isEqualTo(-1);
    assertThat(w.max()).isEqualTo(-1);
  }

  @Test
  void refusesNewKeysBeyondTheCap_butAcceptsKnownOnes() {
    DistinctWindow w = new DistinctWindow(3, 1);
    assertThat(w.add(1, 10)).isTrue();
    assertThat(w.add(2, 10)).isTrue();
    assertThat(w.add(3, 10)).isTrue();
    assertThat(w.full()).isTrue();
    assertThat(w.add(4, 11)).isFalse();
    assertThat(w.add(2, 12)).isTrue();
    assertThat(w.distinct()).isEqualTo(3);
    w.expire(11); // 1 and 3 leave, 2 was re-stamped at 12
    assertThat(w.add(4, 13)).isTrue();
    assertThat(w.distinct()).isEqualTo(2);
  }

  @Test
  void keySeenAgainWithinTheRestampTime_keepsItsFirstStamp() {
    DistinctWindow w = new DistinctWindow(10, 100);
    w.add(7, 1000);
    w.add(7, 1050); // within 100 ms: not re-stamped
    w.expire(1001);
    assertThat(w.distinct()).isZero();
    w.add(7, 2000);
    w.add(7, 2150); // re-stamped
    w.expire(2001);
    assertThat(w.distinct()).isEqualTo(1);
  }

  @Test
  void ringIsBounded_oldestSightingsDropFirst() {
    DistinctWindow w = new DistinctWindow(2, 1);
    for (int t = 0; t < 100; t++) {
      w.add(t % 2, t); // a busy pair of keys: the ring holds at most 4 * 2 sightings
    }
    assertThat(w.distinct()).isEqualTo(2);
    w.expire(98);
    assertThat(w.distinct()).isEqualTo(2);
    w.expire(99);
    assertThat(w.distinct()).isEqualTo(1);
  }

  @Test
  void matchesAReferenceModel_underRandomAddsAndExpiries() {
    Random r = new Random(42);
    DistinctWindow w = new DistinctWindow(10_000, 1);
    Map<Integer, Long> model = new HashMap<>();
    long t = 0;
    for (int i = 0; i < 50_000; i++) {
      t += r.nextInt(3);
      int key = r.nextInt(500) - 100; // negative keys too (host hashes)
      w.add(key, t);
      model.merge(key, t, Math::max);
      if (i % 7 == 0) {
        long cutoff = t - 200;
        w.expire(cutoff);
        model.values().removeIf(v -> v < cutoff);
        assertThat(w.distinct()).as("after %d operations", i).isEqualTo(model.size());
      }
    }
    int min = model.keySet().stream().mapToInt(Integer::intValue).min().orElse(-1);
    int max = model.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    assertThat(w.min()).isEqualTo(min);
    assertThat(w.max()).isEqualTo(max);
  }

  @Test
  void clear_forgetsEverything_andTheWindowIsUsableAgain() {
    DistinctWindow w = new DistinctWindow(10, 1);
    for (int p = 1; p <= 10; p++) {
      w.add(p, p);
    }
    w.clear();
    assertThat(w.distinct()).isZero();
    w.add(5, 100);
    assertThat(w.distinct()).isEqualTo(1);
  }
}
