package dev.vigil.alert;

import java.security.SecureRandom;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes alert ids: one per alert, the same in every sink (see {@link Alert#id()}), so people can find one alert in
 * the alerts file, the store, a webhook receiver and Elasticsearch/OpenSearch by the same text.
 *
 * <p>An id is a UUID in its usual text form, of version 8 (RFC 9562's "custom" layout, which says it is not random
 * and not time-based): 74 random bits drawn once per generator from {@link SecureRandom}, then a 48-bit sequence
 * number, the last group of 12 hex digits:
 *
 * <pre>
 *   rrrrrrrr-rrrr-8rrr-Vrrr-ssssssssssss     r random (per generator), 8 the version,
 *                                            V the variant (8, 9, a or b), s the sequence number
 * </pre>
 *
 * <p>Why not {@link UUID#randomUUID()}: that asks {@code SecureRandom} for 16 bytes per alert, under a lock shared by
 * the whole process. Here one draw per agent run is enough, and an id costs an atomic increment and formatting.
 *
 * <p>Uniqueness: two ids of one generator differ in their sequence numbers (when the 2^48 numbers are used up, which
 * at a million alerts a second takes nine years, the generator draws new random bits). Ids of two generators (two
 * agent runs, on one host or many) can only be equal if both drew the same 74 random bits: for a million runs, the
 * chance that any two did is about 10^12 / 2^75, below 3 in 10^11. The same argument as for random UUIDs (122 random
 * bits per id), applied per run instead of per alert.
 *
 * <p>A side effect worth knowing: the ids of one run share their first 20 hex digits and count up in the last 12, so
 * within one run a gap in a sink's ids means that sink missed alerts (or filtered them by priority), and string order
 * is issue order. Thread-safe.
 */
public final class AlertIds {

  /** The generator the agent uses, so every caller of {@link #next()} draws from one sequence. */
  private static final AlertIds SHARED = new AlertIds(new SecureRandom(), 0);

  static final long SEQUENCE_BITS = 48;
  static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

  private final Random random;
  private volatile Block block;

  /** One set of random bits and the sequence numbers used under it. */
  private static final class Block {
    final long msb;
    final long lsbHigh;
    final AtomicLong next;

    Block(Random random, long firstSequence) {
      long hi = random.nextLong();
      long lo = random.nextLong();
      // version 8 in bits 12-15 of the high half; variant 0b10 in the top bits of the low half
      this.msb = (hi & ~0xF000L) | 0x8000L;
      this.lsbHigh = ((lo & 0x3FFFL) << SEQUENCE_BITS) | 0x8000_0000_0000_0000L;
      this.next = new AtomicLong(firstSequence);
    }
  }

  /**
   * A generator of its own; the agent uses {@link #next()}.
   *
   * @param random where the per-generator bits come from (a {@link SecureRandom} outside tests)
   * @param firstSequence the first sequence number (0 outside tests)
   */
  AlertIds(Random random, long firstSequence) {
    this.random = random;
    this.block = new Block(random, firstSequence);
  }

  /** A new id from the process-wide generator. */
  public static String next() {
    return SHARED.nextId();
  }

  /** A new id from this generator. */
  String nextId() {
    while (true) {
      Block b = block;
      long s = b.next.getAndIncrement();
      if (s <= SEQUENCE_MASK) {
        return new UUID(b.msb, b.lsbHigh | s).toString();
      }
      synchronized (this) {
        if (block == b) {
          block = new Block(random, 0);
        }
      }
    }
  }
}
