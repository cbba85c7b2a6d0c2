package dev.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class AlertIdsTest {

  private static final String FORMAT = "[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  @Test
  void idsAreVersion8UuidsWithTheSequenceInTheLastGroup() {
    AlertIds ids = new AlertIds(new Random(1), 0);
    String first = ids.nextId();
    String second = ids.nextId();
    assertThat(first).matches(FORMAT);
    assertThat(second).matches(FORMAT);
    UUID u = UUID.fromString(first);
    assertThat(u.version()).isEqualTo(8);
    assertThat(u.variant()).isEqualTo(2); // RFC 4122 / 9562
    // one generator: the same random part, sequence numbers 0 and 1
    assertThat(first.substring(0, 23)).isEqualTo(second.substring(0, 23));
    assertThat(first.substring(24)).isEqualTo("000000000000");
    assertThat(second.substring(24)).isEqualTo("000000000001");
  }

  @Test
  void twoGeneratorsDrawDifferentRandomParts() {
    String a = new AlertIds(new Random(1), 0).nextId();
    String b = new AlertIds(new Random(2), 0).nextId();
    assertThat(a.substring(24)).isEqualTo(b.substring(24)); // same sequence number ...
    assertThat(a).isNotEqualTo(b); // ... told apart by the per-generator random bits
  }

  @Test
  void anExhaustedSequenceDrawsNewRandomBits_andNeverRepeatsAnId() {
    AlertIds ids = new AlertIds(new Random(3), AlertIds.SEQUENCE_MASK - 1);
    String beforeLast = ids.nextId();
    String last = ids.nextId();
    String afterWrap = ids.nextId();
    assertThat(last.substring(24)).isEqualTo("ffffffffffff");
    assertThat(afterWrap.substring(24)).isEqualTo("000000000000");
    assertThat(afterWrap.substring(0, 23)).isNotEqualTo(last.substring(0, 23));
    assertThat(Set.of(beforeLast, last, afterWrap)).hasSize(3);
    assertThat(afterWrap).matches(FORMAT);
  }

  @Test
  void concurrentCallersNeverGetTheSameId() throws Exception {
    AlertIds ids = new AlertIds(new Random(4), 0);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          seen.add(ids.nextId());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(seen).hasSize(40_000);
  }

  @Test
  void theSharedGeneratorIsOneSequence() {
    Set<String> s = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      s.add(AlertIds.next());
    }
    assertThat(s).hasSize(1000).allMatch(x -> x.matches(FORMAT));
  }
}
