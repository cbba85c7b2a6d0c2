package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The lanes on one thread: turn order, per-lane order, both bounds, lanes gone when empty. */
class LaneQueueTest {

  private static String take(LaneQueue<String> q) throws InterruptedException {
    return q.poll(0, TimeUnit.NANOSECONDS);
  }

  @Test
  void lanesTakeTurns_oneElementEach_inTheOrderTheyFirstHadElements() throws Exception {
    LaneQueue<String> q = new LaneQueue<>(100, 10);
    for (int i = 0; i < 5; i++) {
      q.offer("a", "a" + i);
    }
    q.offer("b", "b0");
    q.offer("host", "h0");
    q.offer("b", "b1");

    List<String> out = new ArrayList<>();
    for (String s = take(q); s != null; s = take(q)) {
      out.add(s);
    }
    assertThat(out).containsExactly("a0", "b0", "h0", "a1", "b1", "a2", "a3", "a4");
    assertThat(q.size()).isZero();
    assertThat(q.lanes()).isZero();
  }

  @Test
  void aLaneThatEmptied_rejoinsAtTheBack() throws Exception {
    LaneQueue<String> q = new LaneQueue<>(100, 10);
    q.offer("a", "a0");
    q.offer("b", "b0");
    q.offer("b", "b1");
    assertThat(take(q)).isEqualTo("a0"); // lane a is gone
    assertThat(q.lanes()).isEqualTo(1);
    q.offer("a", "a1");
    assertThat(take(q)).isEqualTo("b0");
    assertThat(take(q)).isEqualTo("a1");
    assertThat(take(q)).isEqualTo("b1");
    assertThat(take(q)).isNull();
  }

  @Test
  void aFullLane_refusesOnlyItsOwnElements() {
    LaneQueue<String> q = new LaneQueue<>(100, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(q.offer("a", "a" + i)).isEqualTo(LaneQueue.Outcome.ACCEPTED);
    }
    assertThat(q.offer("a", "a3")).isEqualTo(LaneQueue.Outcome.LANE_FULL);
    assertThat(q.offer("b", "b0")).isEqualTo(LaneQueue.Outcome.ACCEPTED);
    assertThat(q.offer("host", "h0")).isEqualTo(LaneQueue.Outcome.ACCEPTED);
    assertThat(q.size()).isEqualTo(5);
    assertThat(q.lanes()).isEqualTo(3);
  }

  @Test
  void aFullQueue_refusesEveryLane_evenOneWithRoom() {
    LaneQueue<String> q = new LaneQueue<>(6, 3);
    for (int i = 0; i < 3; i++) {
      q.offer("a", "a" + i);
      q.offer("b", "b" + i);
    }
    assertThat(q.offer("c", "c0")).isEqualTo(LaneQueue.Outcome.QUEUE_FULL);
    assertThat(q.offer("a", "a3")).as("its lane is full first").isEqualTo(LaneQueue.Outcome.LANE_FULL);
    assertThat(q.size()).isEqualTo(6);
    assertThat(q.lanes()).isEqualTo(2);
  }

  @Test
  void poll_waitsForAnElement_thenGivesUp() throws Exception {
    LaneQueue<String> q = new LaneQueue<>(4, 4);
    long start = System.nanoTime();
    assertThat(q.poll(50, TimeUnit.MILLISECONDS)).isNull();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(45);
    Thread offerer = new Thread(() -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      q.offer("a", "late");
    });
    offerer.start();
    assertThat(q.poll(5, TimeUnit.SECONDS)).isEqualTo("late");
    offerer.join();
  }

  @Test
  void boundsAreChecked() {
    assertThatThrownBy(() -> new LaneQueue<String>(4, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LaneQueue<String>(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Random offers and polls over 20 lanes, checked against a model after every step: each lane's elements come out
   * in offer order, nothing exceeds either bound, there is a lane only where there are elements, an element is
   * refused exactly when its lane or the queue is full, and an element at the head of its lane is taken after at most
   * (lanes - 1) others.
   */
  @Test
  void randomWorkload_keepsOrderBoundsAndTheTurnBound() throws Exception {
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      int capacity = 8 + rnd.nextInt(60);
      int laneCap = 1 + rnd.nextInt(capacity);
      LaneQueue<String> q = new LaneQueue<>(capacity, laneCap);
      Map<String, ArrayDeque<String>> model = new LinkedHashMap<>();
      Map<String, Integer> waitedSinceHead = new HashMap<>(); // head element of a lane -> polls of others since
      Map<String, Integer> lanesWhenHead = new HashMap<>();
      int size = 0;
      int next = 0;
      for (int step = 0; step < 5_000; step++) {
        if (rnd.nextInt(100) < 55) {
          String lane = rnd.nextInt(4) == 0 ? "busy" : "c" + rnd.nextInt(20);
          String el = lane + ":" + next++;
          ArrayDeque<String> m = model.computeIfAbsent(lane, k -> new ArrayDeque<>());
          LaneQueue.Outcome expected = m.size() >= laneCap ? LaneQueue.Outcome.LANE_FULL
              : size >= capacity ? LaneQueue.Outcome.QUEUE_FULL : LaneQueue.Outcome.ACCEPTED;
          assertThat(q.offer(lane, el)).as("seed %d step %d", seed, step).isEqualTo(expected);
          if (expected == LaneQueue.Outcome.ACCEPTED) {
            m.addLast(el);
            size++;
            if (m.size() == 1) {
              waitedSinceHead.put(el, 0);
              lanesWhenHead.put(el, (int) model.values().stream().filter(d -> !d.isEmpty()).count());
            }
          } else if (m.isEmpty()) {
            model.remove(lane);
          }
        } else {
          String got = take(q);
          if (size == 0) {
            assertThat(got).isNull();
            continue;
          }
          String lane = got.substring(0, got.indexOf(':'));
          ArrayDeque<String> m = model.get(lane);
          assertThat(m.pollFirst()).as("seed %d: per-lane order", seed).isEqualTo(got);
          size--;
          assertThat(waitedSinceHead.remove(got)).as("seed %d: turn bound", seed)
              .isLessThanOrEqualTo(lanesWhenHead.remove(got) - 1);
          waitedSinceHead.replaceAll((k, v) -> v + 1);
          if (m.isEmpty()) {
            model.remove(lane);
          } else {
            waitedSinceHead.put(m.peekFirst(), 0);
            lanesWhenHead.put(m.peekFirst(), model.size());
          }
        }
        assertThat(q.size()).isEqualTo(size).isLessThanOrEqualTo(capacity);
        assertThat(q.lanes()).isEqualTo(model.size()).isLessThanOrEqualTo(Math.max(1, size));
        assertThat(model.values()).allSatisfy(d -> assertThat(d.size()).isLessThanOrEqualTo(laneCap));
      }
    }
  }
}
