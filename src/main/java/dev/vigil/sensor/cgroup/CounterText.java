package dev.vigil.sensor.cgroup;

import java.nio.ByteBuffer;

/**
 * Parsers for the counter files the cgroup stats sensor re-reads every few seconds for every container (cgroup
 * values and key-value lists, {@code blkio}/{@code io.stat}, {@code /proc/<pid>/net/dev}). They work on the bytes
 * of a reused buffer, between index 0 and a length, without regexes, strings or splitting, because this runs
 * hundreds of times per tick on a host with many containers and garbage there is idle CPU. Missing values come back
 * as {@link #MISSING}; numbers are unsigned decimal, saturating at {@link Long#MAX_VALUE}. Stateless.
 */
final class CounterText {

  /** What a parser returns when the file does not hold the value asked for. */
  static final long MISSING = -1;
  /** What {@link #value} returns for cgroup v2's {@code max} (no limit). */
  static final long UNLIMITED = Long.MAX_VALUE;

  private CounterText() {}

  /**
   * The number at the start of a one-value file ({@code cpuacct.usage}, {@code memory.current}, ...), after
   * leading blanks; {@link #UNLIMITED} for {@code max}; {@link #MISSING} when there is no number.
   */
  static long value(ByteBuffer b, int len) {
    int i = skipBlanks(b, 0, len);
    if (i + 3 <= len && b.get(i) == 'm' && b.get(i + 1) == 'a' && b.get(i + 2) == 'x') {
      return UNLIMITED;
    }
    return number(b, i, len);
  }

  /**
   * In a {@code key value} per line file ({@code memory.stat}, v2 {@code cpu.stat}), the value of the line whose
   * first word is exactly {@code key} (ASCII); {@link #MISSING} when no line has it.
   */
  static long keyed(ByteBuffer b, int len, byte[] key) {
    int pos = 0;
    while (pos < len) {
      int eol = endOfLine(b, pos, len);
      if (eol - pos > key.length && startsWith(b, pos, eol, key) && isBlank(b.get(pos + key.length))) {
        return number(b, skipBlanks(b, pos + key.length, eol), eol);
      }
      pos = eol + 1;
    }
    return MISSING;
  }

  /**
   * Sums of cgroup v1 {@code blkio.*io_service_bytes*} lines {@code MAJ:MIN Read|Write N} into {@code out[0]} (read)
   * and {@code out[1]} (write); other operations and the closing {@code Total N} line are skipped.
   */
  static void blkioV1(ByteBuffer b, int len, long[] out) {
    out[0] = 0;
    out[1] = 0;
    int pos = 0;
    while (pos < len) {
      int eol = endOfLine(b, pos, len);
      int op = skipBlanks(b, skipWord(b, pos, eol), eol);
      int opEnd = skipWord(b, op, eol);
      if (opEnd > op && pos < op) {
        long n = number(b, skipBlanks(b, opEnd, eol), eol);
        if (n >= 0) {
          if (wordIs(b, op, opEnd, READ)) {
            out[0] = add(out[0], n);
          } else if (wordIs(b, op, opEnd, WRITE)) {
            out[1] = add(out[1], n);
          }
        }
      }
      pos = eol + 1;
    }
  }

  /** Sums of cgroup v2 {@code io.stat} lines {@code MAJ:MIN rbytes=N wbytes=N ...} into out[0] and out[1]. */
  static void ioStatV2(ByteBuffer b, int len, long[] out) {
    out[0] = 0;
    out[1] = 0;
    int pos = 0;
    while (pos < len) {
      int eol = endOfLine(b, pos, len);
      int w = skipBlanks(b, skipWord(b, pos, eol), eol);
      while (w < eol) {
        int end = skipWord(b, w, eol);
        if (startsWith(b, w, end, RBYTES)) {
          out[0] = add(out[0], Math.max(0, number(b, w + RBYTES.length, end)));
        } else if (startsWith(b, w, end, WBYTES)) {
          out[1] = add(out[1], Math.max(0, number(b, w + WBYTES.length, end)));
        }
        w = skipBlanks(b, end, eol);
      }
      pos = eol + 1;
    }
  }

  /**
   * Sums of received (out[0]) and sent (out[1]) bytes over the interfaces of a {@code /proc/<pid>/net/dev} table,
   * except {@code lo}, as {@code docker stats} counts them. The two header lines have no number after the colon
   * and are skipped by shape, not by position.
   */
  static void netDev(ByteBuffer b, int len, long[] out) {
    out[0] = 0;
    out[1] = 0;
    int pos = 0;
    while (pos < len) {
      int eol = endOfLine(b, pos, len);
      int colon = pos;
      while (colon < eol && b.get(colon) != ':') {
        colon++;
      }
      int name = skipBlanks(b, pos, colon);
      if (colon < eol && !(colon - name == 2 && b.get(name) == 'l' && b.get(name + 1) == 'o')) {
        // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes ...
        int f = skipBlanks(b, colon + 1, eol);
        long rx = number(b, f, eol);
        for (int i = 0; i < 8 && f < eol; i++) {
          f = skipBlanks(b, skipWord(b, f, eol), eol);
        }
        long tx = number(b, f, eol);
        if (rx >= 0 && tx >= 0) {
          out[0] = add(out[0], rx);
          out[1] = add(out[1], tx);
        }
      }
      pos = eol + 1;
    }
  }

  private static final byte[] READ = {'R', 'e', 'a', 'd'};
  private static final byte[] WRITE = {'W', 'r', 'i', 't', 'e'};
  private static final byte[] RBYTES = {'r', 'b', 'y', 't', 'e', 's', '='};
  private static final byte[] WBYTES = {'w', 'b', 'y', 't', 'e', 's', '='};

  /** Unsigned decimal from {@code i} up to the first non-digit; {@link #MISSING} when no digit is there. */
  static long number(ByteBuffer b, int i, int end) {
    long v = 0;
    int start = i;
    while (i < end) {
      int d = b.get(i) - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : v * 10 + d;
      i++;
    }
    return i == start ? MISSING : v;
  }

  private static long add(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  private static int endOfLine(ByteBuffer b, int pos, int len) {
    while (pos < len && b.get(pos) != '\n') {
      pos++;
    }
    return pos;
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t';
  }

  private static int skipBlanks(ByteBuffer b, int i, int end) {
    while (i < end && isBlank(b.get(i))) {
      i++;
    }
    return i;
  }

  private static int skipWord(ByteBuffer b, int i, int end) {
    while (i < end && !isBlank(b.get(i))) {
      i++;
    }
    return i;
  }

  private static boolean startsWith(ByteBuffer b, int pos, int end, byte[] prefix) {
    if (pos + prefix.length > end) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (b.get(pos + k) != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean wordIs(ByteBuffer b, int from, int to, byte[] word) {
    return to - from == word.length && startsWith(b, from, to, word);
  }
}
