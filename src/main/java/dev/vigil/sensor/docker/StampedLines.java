package dev.vigil.sensor.docker;

import java.util.function.Consumer;

/**
 * One container output stream read with {@code timestamps=true}: the engine puts the time each message was logged
 * ({@code 2026-12-07T23:10:00.123456789Z}, RFC 3339 with nanoseconds, then a space) before every message. This takes
 * that stamp off and remembers it ({@link #lastStampNanos()}, what the stream's lag is measured from), and feeds the
 * rest to a {@link LineSplitter}. A message starts after every newline, and at a multiplexed frame that starts with a
 * stamp while a line is open (the engine writes one message per frame, so a line it split into 16 KiB parts is
 * joined again; the client may hand one message over in several frames, so a frame alone does not start one) (a TTY container's
 * raw stream has no frames; there a line over 16 KiB carries the stamps of its later parts inside it, past the
 * default line bound). Text that does not parse as a stamp is kept as output. Not thread-safe: one per stream, fed
 * from one thread.
 */
final class StampedLines {

  /** Longest stamp accepted: 35 bytes for {@code 2026-12-07T23:10:00.123456789+01:00}, with room to spare. */
  static final int MAX_STAMP = 40;
  static final long NO_STAMP = Long.MIN_VALUE;

  private final LineSplitter lines;
  private final byte[] stamp = new byte[MAX_STAMP];
  private int stampLen;
  private boolean atStart = true;
  private long lastStampNanos = NO_STAMP;

  StampedLines(int maxLineBytes) {
    this.lines = new LineSplitter(maxLineBytes);
  }

  /**
   * @param framed true when the chunk is one multiplexed frame (one message), false for a raw stream's chunk
   */
  void feed(byte[] chunk, boolean framed, Consumer<LineSplitter.Line> out) {
    if (framed && !atStart && startsWithStamp(chunk)) {
      // A new message in the middle of a line: the engine split a long line into 16 KiB messages. A frame from the
      // client is not always a whole message (docker-java hands a payload over in as many pieces as its reads
      // return), so a frame starts a message only when it starts with a stamp, and a stamp cut between two frames
      // goes on in the second.
      atStart = true;
      stampLen = 0;
    }
    int i = 0;
    int n = chunk.length;
    while (i < n) {
      if (atStart) {
        while (i < n && chunk[i] != ' ' && stampLen < MAX_STAMP) {
          stamp[stampLen++] = chunk[i++];
        }
        if (i == n && stampLen < MAX_STAMP) {
          return; // the stamp goes on in the next chunk
        }
        atStart = false;
        long t = i < n && chunk[i] == ' ' ? parseNanos(stamp, stampLen) : NO_STAMP;
        if (t == NO_STAMP) {
          lines.feed(stamp, 0, stampLen, out); // not a stamp: it is output
        } else {
          lastStampNanos = t;
          i++; // the space after the stamp
        }
        stampLen = 0;
        continue;
      }
      int nl = i;
      while (nl < n && chunk[nl] != '\n') {
        nl++;
      }
      int end = nl < n ? nl + 1 : n;
      lines.feed(chunk, i, end - i, out);
      i = end;
      atStart = nl < n;
    }
  }

  /** Whether the chunk starts with a stamp and its space, whole. */
  private static boolean startsWithStamp(byte[] chunk) {
    int space = 0;
    while (space < chunk.length && space < MAX_STAMP && chunk[space] != ' ') {
      space++;
    }
    return space < chunk.length && chunk[space] == ' ' && parseNanos(chunk, space) != NO_STAMP;
  }

  /** Emits the pending partial line, if any (the stream ended). */
  void flush(Consumer<LineSplitter.Line> out) {
    lines.flush(out);
  }

  long truncatedLines() {
    return lines.truncatedLines();
  }

  /** The newest stamp read, epoch nanoseconds, or {@link #NO_STAMP}. */
  long lastStampNanos() {
    return lastStampNanos;
  }

  /**
   * Parses {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|+hh:mm|-hh:mm)} to epoch nanoseconds without allocating a
   * formatter; {@link #NO_STAMP} when it is anything else.
   */
  static long parseNanos(byte[] b, int len) {
    if (len < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':') {
      return NO_STAMP;
    }
    int year = digits(b, 0, 4);
    int month = digits(b, 5, 2);
    int day = digits(b, 8, 2);
    int hour = digits(b, 11, 2);
    int minute = digits(b, 14, 2);
    int second = digits(b, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60
        || hour < 0 || minute < 0 || second < 0) {
      return NO_STAMP;
    }
    int i = 19;
    long nanos = 0;
    if (b[i] == '.') {
      i++;
      int start = i;
      while (i < len && i - start < 9 && b[i] >= '0' && b[i] <= '9') {
        nanos = nanos * 10 + (b[i++] - '0');
      }
      if (i == start) {
        return NO_STAMP;
      }
      for (int k = i - start; k < 9; k++) {
        nanos *= 10;
      }
    }
    long offsetSeconds;
    if (i == len - 1 && b[i] == 'Z') {
      offsetSeconds = 0;
    } else if (i == len - 6 && (b[i] == '+' || b[i] == '-') && b[i + 3] == ':') {
      int oh = digits(b, i + 1, 2);
      int om = digits(b, i + 4, 2);
      if (oh < 0 || om < 0) {
        return NO_STAMP;
      }
      offsetSeconds = (b[i] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    } else {
      return NO_STAMP;
    }
    long epochDay;
    try {
      epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
    } catch (java.time.DateTimeException e) {
      return NO_STAMP;
    }
    long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1_000_000_000L + nanos;
  }

  private static int digits(byte[] b, int off, int count) {
    int v = 0;
    for (int i = off; i < off + count; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return -1;
      }
      v = v * 10 + (b[i] - '0');
    }
    return v;
  }
}
