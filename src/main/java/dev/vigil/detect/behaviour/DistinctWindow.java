package dev.vigil.detect.behaviour;

import java.util.Arrays;

/**
 * The distinct int keys (ports, host hashes) seen in a sliding time window, in primitive arrays: a hash table from
 * key to the time it was last seen, and a ring of (key, time) sightings in arrival order, from which keys expire.
 * Bounded: at most {@code maxKeys} keys (more are refused, and the caller counts them) and {@code 4 * maxKeys}
 * sightings; a key seen again within {@code restampMillis} is not re-stamped, so a busy key costs one ring slot per
 * {@code restampMillis} and may leave the window up to that much early. Empty windows hold no arrays, so an idle
 * container costs a few words. Not thread-safe.
 */
public final class DistinctWindow {

  private static final long EMPTY = Long.MIN_VALUE;
  private static final int INITIAL = 16;

  private final int maxKeys;
  private final long restampMillis;
  // hash table (linear probing, backward-shift deletion); times[i] == EMPTY marks a free slot
  private int[] keys;
  private long[] times;
  private int size;
  // ring of sightings
  private int[] ringKeys;
  private long[] ringTimes;
  private int head;
  private int count;

  public DistinctWindow(int maxKeys, long restampMillis) {
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
    }
    this.maxKeys = maxKeys;
    this.restampMillis = restampMillis;
  }

  /**
   * Records {@code key} seen at {@code t}.
   *
   * @return false when the key is new but the window already holds {@code maxKeys} keys (not recorded)
   */
  public boolean add(int key, long t) {
    if (keys == null) {
      keys = new int[INITIAL];
      times = new long[INITIAL];
      Arrays.fill(times, EMPTY);
      ringKeys = new int[INITIAL];
      ringTimes = new long[INITIAL];
    }
    int i = slot(key);
    if (times[i] != EMPTY) {
      if (t - times[i] < restampMillis) {
        return true;
      }
      times[i] = t;
    } else {
      if (size >= maxKeys) {
        return false;
      }
      keys[i] = key;
      times[i] = t;
      size++;
      if (size * 2 > keys.length) {
        rehash(keys.length * 2);
      }
    }
    push(key, t);
    return true;
  }

  /** Forgets sightings older than {@code cutoff}; keys not seen since leave the window. */
  public void expire(long cutoff) {
    while (count > 0 && ringTimes[head] < cutoff) {
      popOldest();
    }
    if (size == 0 && keys != null && count == 0) {
      keys = null;
      times = null;
      ringKeys = null;
      ringTimes = null;
      head = 0;
    }
  }

  /** Number of distinct keys in the window. */
  public int distinct() {
    return size;
  }

  /** True when a new key was refused for lack of room. */
  public boolean full() {
    return size >= maxKeys;
  }

  /** Smallest key in the window, or -1 when empty (for ports). */
  public int min() {
    int m = Integer.MAX_VALUE;
    for (int i = 0; keys != null && i < keys.length; i++) {
      if (times[i] != EMPTY && keys[i] < m) {
        m = keys[i];
      }
    }
    return size == 0 ? -1 : m;
  }

  /** Largest key in the window, or -1 when empty (for ports). */
  public int max() {
    int m = Integer.MIN_VALUE;
    for (int i = 0; keys != null && i < keys.length; i++) {
      if (times[i] != EMPTY && keys[i] > m) {
        m = keys[i];
      }
    }
    return size == 0 ? -1 : m;
  }

  /** Forgets everything. */
  public void clear() {
    expire(Long.MAX_VALUE);
  }

  private void push(int key, long t) {
    if (count == ringKeys.length) {
      if (count >= 4 * maxKeys) {
        popOldest();
      } else {
        int[] k = new int[ringKeys.length * 2];
        long[] tt = new long[k.length];
        for (int j = 0; j < count; j++) {
          int from = (head + j) % ringKeys.length;
          k[j] = ringKeys[from];
          tt[j] = ringTimes[from];
        }
        ringKeys = k;
        ringTimes = tt;
        head = 0;
      }
    }
    int at = (head + count) % ringKeys.length;
    ringKeys[at] = key;
    ringTimes[at] = t;
    count++;
  }

  private void popOldest() {
    int k = ringKeys[head];
    long t = ringTimes[head];
    head = (head + 1) % ringKeys.length;
    count--;
    int i = slot(k);
    if (times[i] == t) {
      delete(i);
    }
  }

  /** The slot holding {@code key}, or the free slot where it would go. */
  private int slot(int key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (times[i] != EMPTY && keys[i] != key) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private void delete(int i) {
    int mask = keys.length - 1;
    times[i] = EMPTY;
    size--;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (times[j] == EMPTY) {
        return;
      }
      int home = mix(keys[j]) & mask;
      // move j back to i when i lies cyclically in [home, j)
      boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        keys[i] = keys[j];
        times[i] = times[j];
        times[j] = EMPTY;
        i = j;
      }
    }
  }

  private void rehash(int capacity) {
    int[] oldKeys = keys;
    long[] oldTimes = times;
    keys = new int[capacity];
    times = new long[capacity];
    Arrays.fill(times, EMPTY);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldTimes[i] != EMPTY) {
        int s = slot(oldKeys[i]);
        keys[s] = oldKeys[i];
        times[s] = oldTimes[i];
      }
    }
  }

  private static int mix(int k) {
    int h = k * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
