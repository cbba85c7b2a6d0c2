package dev.vigil.sensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes the kernel's socket tables {@code /proc/<pid>/net/tcp}, {@code tcp6}, {@code udp}, {@code udp6} (and
 * {@code raw}, {@code raw6}, which share their layout): the tables of that process's network namespace. One decoder
 * for the network sensor, which reads whole tables every poll, and the exec reader, which looks one socket up by its
 * inode ({@link #find}); it works on bytes, without regexes or splitting, because the first is a hot path. Addresses
 * are printed by the kernel as host-order 32-bit words (one for IPv4, four for IPv6), so on x86 the bytes of each
 * word come reversed. Malformed lines are skipped. The static methods are thread-safe; a {@link Reader} instance
 * reuses its buffer and belongs to one thread.
 */
public final class ProcNetParser {

  public static final int TCP_ESTABLISHED = 0x01;
  public static final int TCP_SYN_SENT = 0x02;
  public static final int TCP_SYN_RECV = 0x03;
  public static final int TCP_FIN_WAIT1 = 0x04;
  public static final int TCP_FIN_WAIT2 = 0x05;
  public static final int TCP_TIME_WAIT = 0x06;
  public static final int TCP_CLOSE = 0x07;
  public static final int TCP_CLOSE_WAIT = 0x08;
  public static final int TCP_LAST_ACK = 0x09;
  public static final int TCP_LISTEN = 0x0A;
  public static final int TCP_CLOSING = 0x0B;
  public static final int TCP_NEW_SYN_RECV = 0x0C;

  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  /*
   * Columns (whitespace-separated): 0 "sl:", 1 local "ADDR:PORT", 2 remote "ADDR:PORT", 3 st, 4 tx:rx queue,
   * 5 tr:when, 6 retrnsmt, 7 uid, 8 timeout, 9 inode, then protocol-specific extras.
   */
  private static final int COLUMNS = 10;
  private static final int INODE = 9;

  private ProcNetParser() {}

  /**
   * Parses a whole table.
   *
   * @param l4proto {@code tcp} or {@code udp}, copied into each entry
   * @param max at most this many entries are added to {@code out}
   * @return number of data lines beyond {@code max} that were not decoded
   */
  public static int parse(byte[] data, int length, String l4proto, int max, List<SocketEntry> out) {
    int[] starts = new int[COLUMNS];
    int[] ends = new int[COLUMNS];
    int skipped = 0;
    int added = 0;
    int pos = 0;
    while (pos < length) {
      int end = lineEnd(data, pos, length);
      if (added < max) {
        SocketEntry e = columns(data, pos, end, starts, ends) ? decode(data, starts, ends, l4proto) : null;
        if (e != null) {
          out.add(e);
          added++;
        }
      } else if (end > pos) {
        skipped++;
      }
      pos = end + 1;
    }
    return skipped;
  }

  /** Parses one line of a table; null for the header and for anything malformed. */
  public static SocketEntry parseLine(String line, String l4proto) {
    byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
    int[] starts = new int[COLUMNS];
    int[] ends = new int[COLUMNS];
    return columns(b, 0, b.length, starts, ends) ? decode(b, starts, ends, l4proto) : null;
  }

  /**
   * The socket with inode {@code inode} in a whole table, or null when the table has none. Only the matching line's
   * addresses are decoded.
   *
   * @param l4proto copied into the entry
   */
  public static SocketEntry find(byte[] data, int length, String l4proto, long inode) {
    int[] starts = new int[COLUMNS];
    int[] ends = new int[COLUMNS];
    int pos = 0;
    while (pos < length) {
      int end = lineEnd(data, pos, length);
      if (columns(data, pos, end, starts, ends) && decimalIs(data, starts[INODE], ends[INODE], inode)) {
        SocketEntry e = decode(data, starts, ends, l4proto);
        if (e != null) {
          return e;
        }
      }
      pos = end + 1;
    }
    return null;
  }

  /** The index of the newline that ends the line starting at {@code pos}, or {@code length}. */
  private static int lineEnd(byte[] data, int pos, int length) {
    int end = pos;
    while (end < length && data[end] != '\n') {
      end++;
    }
    return end;
  }

  /** Finds the first ten columns of a data line; false for a short line and for the header. */
  private static boolean columns(byte[] b, int from, int to, int[] starts, int[] ends) {
    int i = from;
    for (int n = 0; n < COLUMNS; n++) {
      while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
        i++;
      }
      if (i >= to) {
        return false;
      }
      starts[n] = i;
      while (i < to && b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        i++;
      }
      ends[n] = i;
    }
    return b[ends[0] - 1] == ':'; // not the header ("sl local_address ...")
  }

  /** Decodes the columns of a data line; null when one is malformed. */
  private static SocketEntry decode(byte[] b, int[] starts, int[] ends, String l4proto) {
    try {
      int lc = colon(b, starts[1], ends[1]);
      int rc = colon(b, starts[2], ends[2]);
      String localIp = address(b, starts[1], lc);
      String remoteIp = address(b, starts[2], rc);
      int localPort = (int) hex(b, lc + 1, ends[1]);
      int remotePort = (int) hex(b, rc + 1, ends[2]);
      int state = (int) hex(b, starts[3], ends[3]);
      int uid = (int) dec(b, starts[7], ends[7]);
      long inode = dec(b, starts[INODE], ends[INODE]);
      if (localIp == null || remoteIp == null || localPort > 0xFFFF || remotePort > 0xFFFF) {
        return null;
      }
      return new SocketEntry(l4proto, localIp, localPort, remoteIp, remotePort, state, uid, inode);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether {@code b[from, to)} is the decimal text of {@code value}, without decoding the line. */
  private static boolean decimalIs(byte[] b, int from, int to, long value) {
    long v = value;
    int i = to - 1;
    do {
      if (i < from || b[i] != '0' + (int) (v % 10)) {
        return false;
      }
      v /= 10;
      i--;
    } while (v > 0);
    return i < from;
  }

  private static int colon(byte[] b, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == ':') {
        return i;
      }
    }
    throw new NumberFormatException("no port");
  }

  private static long hex(byte[] b, int from, int to) {
    if (from >= to || to - from > 16) {
      throw new NumberFormatException("bad hex");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        throw new NumberFormatException("bad hex");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static long dec(byte[] b, int from, int to) {
    if (from >= to || to - from > 18) {
      throw new NumberFormatException("bad number");
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new NumberFormatException("bad number");
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** The printable form of an 8- or 32-digit kernel address; null for any other length. */
  static String address(byte[] b, int from, int to) {
    int len = to - from;
    if (len != 8 && len != 32) {
      return null;
    }
    byte[] ip = new byte[len / 2];
    for (int w = 0; w < len / 8; w++) {
      long word = hex(b, from + w * 8, from + w * 8 + 8);
      for (int k = 0; k < 4; k++) {
        int shift = LITTLE_ENDIAN ? 8 * k : 8 * (3 - k);
        ip[w * 4 + k] = (byte) (word >>> shift);
      }
    }
    return format(ip);
  }

  /** IPv4 dotted, IPv4-mapped IPv6 as IPv4, other IPv6 in RFC 5952 form (lower case, longest zero run as ::). */
  static String format(byte[] ip) {
    if (ip.length == 4) {
      return dotted(ip, 0);
    }
    boolean mapped = ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    for (int i = 0; i < 10 && mapped; i++) {
      mapped = ip[i] == 0;
    }
    if (mapped) {
      return dotted(ip, 12);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((ip[2 * i] & 0xFF) << 8) | (ip[2 * i + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8;) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(g[i]));
    }
    return s.toString();
  }

  private static String dotted(byte[] ip, int off) {
    return (ip[off] & 0xFF) + "." + (ip[off + 1] & 0xFF) + "." + (ip[off + 2] & 0xFF) + "." + (ip[off + 3] & 0xFF);
  }

  /** Reads whole {@code /proc} files into one growing buffer, so a poll allocates little. Not thread-safe. */
  public static final class Reader {
    private byte[] buf = new byte[64 * 1024];
    private int length;

    /** Reads {@code file} completely; returns its length, the bytes are in {@link #data()}. */
    public int read(Path file) throws IOException {
      length = 0;
      try (InputStream in = Files.newInputStream(file)) {
        while (true) {
          if (length == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
          }
          int r = in.read(buf, length, buf.length - length);
          if (r < 0) {
            return length;
          }
          length += r;
        }
      }
    }

    public byte[] data() {
      return buf;
    }

    /** Reads and parses a table; see {@link ProcNetParser#parse}. */
    public int readTable(Path file, String l4proto, int max, List<SocketEntry> out) throws IOException {
      int len = read(file);
      return parse(buf, len, l4proto, max, out);
    }

    /** Reads a table into a new list. */
    public List<SocketEntry> readTable(Path file, String l4proto) throws IOException {
      List<SocketEntry> out = new ArrayList<>();
      readTable(file, l4proto, Integer.MAX_VALUE, out);
      return out;
    }
  }
}
