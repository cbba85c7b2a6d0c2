package dev.vigil.sensor.docker;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns the byte chunks of one container output stream into lines, holding at most {@code maxLineBytes} of any line
 * so that a container printing a huge line cannot exhaust the agent's memory. Not thread-safe: it keeps the partial
 * line between chunks, so use one instance per stream, fed from one thread.
 */
final class LineSplitter {

  /**
   * One output line, without its terminator. {@code text} is UTF-8 with invalid sequences replaced by U+FFFD; when
   * {@code truncated} it holds only the first {@code maxLineBytes} bytes, cut back to a character boundary.
   * {@code originalBytes} is the full length of the line in bytes.
   */
  record Line(String text, boolean truncated, long originalBytes) {}

  private static final int INITIAL_CAPACITY = 256;
  private static final int RETAINED_CAPACITY = 64 * 1024;

  private final int maxLineBytes;
  private byte[] buf;
  /** Bytes of the current line seen so far, including those past the bound that were not kept. */
  private long count;
  /** Whether the most recent byte of the current line was '\r', which may turn out to be half of a CRLF. */
  private boolean lastWasCr;
  private long truncatedLines;

  LineSplitter(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1, got " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.buf = new byte[Math.min(maxLineBytes, INITIAL_CAPACITY)];
  }

  void feed(byte[] chunk, Consumer<Line> out) {
    feed(chunk, 0, chunk.length, out);
  }

  void feed(byte[] chunk, int off, int len, Consumer<Line> out) {
    Objects.checkFromIndexSize(off, len, chunk.length);
    Objects.requireNonNull(out, "out");
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (chunk[i] == '\n') {
        append(chunk, start, i - start);
        emit(count - (lastWasCr ? 1 : 0), out);
        start = i + 1;
      }
    }
    append(chunk, start, end - start);
  }

  /** Emits the pending partial line, if any; a trailing '\r' is kept since no '\n' followed it. */
  void flush(Consumer<Line> out) {
    Objects.requireNonNull(out, "out");
    if (count > 0) {
      emit(count, out);
    }
  }

  long truncatedLines() {
    return truncatedLines;
  }

  private void append(byte[] src, int off, int len) {
    if (len == 0) {
      return;
    }
    if (count < maxLineBytes) {
      int keep = (int) Math.min(len, maxLineBytes - count);
      int needed = (int) count + keep;
      if (needed > buf.length) {
        int grown = (int) Math.min(maxLineBytes, Math.max((long) buf.length * 2, needed));
        byte[] bigger = new byte[grown];
        System.arraycopy(buf, 0, bigger, 0, (int) count);
        buf = bigger;
      }
      System.arraycopy(src, off, buf, (int) count, keep);
    }
    count += len;
    lastWasCr = src[off + len - 1] == '\r';
  }

  private void emit(long lineBytes, Consumer<Line> out) {
    Line line;
    if (lineBytes <= maxLineBytes) {
      line = new Line(new String(buf, 0, (int) lineBytes, StandardCharsets.UTF_8), false, lineBytes);
    } else {
      truncatedLines++;
      int cut = charBoundary(buf, maxLineBytes);
      line = new Line(new String(buf, 0, cut, StandardCharsets.UTF_8), true, lineBytes);
    }
    count = 0;
    lastWasCr = false;
    if (buf.length > RETAINED_CAPACITY) {
      // One huge line should not pin maxLineBytes of heap for the life of a mostly quiet stream.
      buf = new byte[Math.min(maxLineBytes, INITIAL_CAPACITY)];
    }
    out.accept(line);
  }

  /**
   * Backs {@code n} off to the start of a UTF-8 sequence that would otherwise be cut short, so a truncated line does
   * not end in a U+FFFD that the container never wrote. Invalid lead bytes are left alone: they decode to U+FFFD
   * anyway.
   */
  private static int charBoundary(byte[] b, int n) {
    int lead = n - 1;
    int minLead = Math.max(0, n - 4);
    while (lead >= minLead && (b[lead] & 0xC0) == 0x80) {
      lead--;
    }
    if (lead < minLead) {
      return n;
    }
    int v = b[lead] & 0xFF;
    int seqLen;
    if (v >= 0xC2 && v <= 0xDF) {
      seqLen = 2;
    } else if (v >= 0xE0 && v <= 0xEF) {
      seqLen = 3;
    } else if (v >= 0xF0 && v <= 0xF4) {
      seqLen = 4;
    } else {
      return n;
    }
    return lead + seqLen > n ? lead : n;
  }
}
