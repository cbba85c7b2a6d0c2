package dev.vigil.pipeline;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue of lanes served round-robin: each element is offered to a named lane (the pipeline names one per
 * container, and one for the host), each lane is first-in first-out and holds at most {@code laneCapacity}
 * elements, all lanes together at most {@code capacity}. {@link #poll} takes one element from the lane whose turn it
 * is and moves that lane to the back of the turn order, so with N lanes holding elements, the element at the head
 * of a lane is taken after at most N - 1 others, however many a busy lane holds. A lane exists only while it holds
 * elements (so there are never more lanes than elements), and a lane that empties keeps no state, so it rejoins at
 * the back of the turn order.
 *
 * <p>Thread-safe: one lock guards everything, held only for constant-time work; {@link #offer} never waits for
 * room, only for that lock (as {@link java.util.concurrent.ArrayBlockingQueue#offer} does).
 *
 * @param <E> the elements
 */
final class LaneQueue<E> {

  /** What {@link #offer} did with an element. */
  enum Outcome {
    ACCEPTED,
    /** the element's lane held {@code laneCapacity} elements already */
    LANE_FULL,
    /** all lanes together held {@code capacity} elements already */
    QUEUE_FULL
  }

  /** One lane: its elements, oldest first. */
  private static final class Lane<E> {
    final String key;
    final ArrayDeque<E> elements = new ArrayDeque<>();

    Lane(String key) {
      this.key = key;
    }
  }

  private final int capacity;
  private final int laneCapacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Map<String, Lane<E>> lanes = new HashMap<>();
  private final ArrayDeque<Lane<E>> turns = new ArrayDeque<>();
  private int size;

  /**
   * @param capacity the most elements all lanes hold together
   * @param laneCapacity the most elements one lane holds; at most {@code capacity}
   */
  LaneQueue(int capacity, int laneCapacity) {
    if (capacity < 1 || laneCapacity < 1 || laneCapacity > capacity) {
      throw new IllegalArgumentException("capacity " + capacity + ", lane capacity " + laneCapacity);
    }
    this.capacity = capacity;
    this.laneCapacity = laneCapacity;
  }

  /** Adds {@code element} at the back of lane {@code key} if both the lane and the queue have room; never waits. */
  Outcome offer(String key, E element) {
    lock.lock();
    try {
      Lane<E> lane = lanes.get(key);
      if (lane != null && lane.elements.size() >= laneCapacity) {
        return Outcome.LANE_FULL;
      }
      if (size >= capacity) {
        return Outcome.QUEUE_FULL;
      }
      if (lane == null) {
        lane = new Lane<>(key);
        lanes.put(key, lane);
        turns.addLast(lane);
      }
      lane.elements.addLast(element);
      size++;
      notEmpty.signal();
      return Outcome.ACCEPTED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the oldest element of the lane whose turn it is, waiting up to {@code timeout} for one; null if none came.
   */
  E poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (size == 0) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      Lane<E> lane = turns.pollFirst();
      E element = lane.elements.pollFirst();
      size--;
      if (lane.elements.isEmpty()) {
        lanes.remove(lane.key);
      } else {
        turns.addLast(lane);
      }
      return element;
    } finally {
      lock.unlock();
    }
  }

  /** Elements held now, all lanes together. */
  int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Lanes holding elements now. */
  int lanes() {
    lock.lock();
    try {
      return lanes.size();
    } finally {
      lock.unlock();
    }
  }

  int capacity() {
    return capacity;
  }

  int laneCapacity() {
    return laneCapacity;
  }
}
