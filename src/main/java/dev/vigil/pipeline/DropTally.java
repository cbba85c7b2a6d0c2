package dev.vigil.pipeline;

/**
 * Which lane lost the most events since the last {@link #takeTop}, in bounded memory whatever the number of lanes
 * (container ids are not a bounded set, so they are neither map keys kept forever nor metric tags). It keeps
 * {@value #SLOTS} counters with the Space-Saving scheme (Metwally, Agrawal and El Abbadi, 2005): a lane without a
 * counter takes over the smallest one and adds to its count, so a lane that lost more than a {@value #SLOTS}th of
 * the drops always holds a counter, and the largest counter names it (its count may be over-estimated by at most
 * the count it took over). Thread-safe (synchronized; only called when an event is dropped).
 */
final class DropTally {

  static final int SLOTS = 8;

  /** The lane with the largest count, and that count. */
  record Top(String lane, long count) {}

  private final String[] lanes = new String[SLOTS];
  private final long[] counts = new long[SLOTS];

  synchronized void record(String lane) {
    int smallest = 0;
    for (int i = 0; i < SLOTS; i++) {
      if (lane.equals(lanes[i]) || lanes[i] == null) {
        lanes[i] = lane;
        counts[i]++;
        return;
      }
      if (counts[i] < counts[smallest]) {
        smallest = i;
      }
    }
    lanes[smallest] = lane;
    counts[smallest]++;
  }

  /** The lane with the most drops since the last call, or null if none was recorded; starts a new tally. */
  synchronized Top takeTop() {
    int top = -1;
    for (int i = 0; i < SLOTS && lanes[i] != null; i++) {
      if (top < 0 || counts[i] > counts[top]) {
        top = i;
      }
    }
    Top result = top < 0 ? null : new Top(lanes[top], counts[top]);
    java.util.Arrays.fill(lanes, null);
    java.util.Arrays.fill(counts, 0);
    return result;
  }
}
