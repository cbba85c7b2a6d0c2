package dev.vigil.sensor.net;

import java.util.Arrays;

/**
 * Decides whether a container's socket tables need reading this poll, from counters that cost microseconds.
 * Reading {@code /proc/<pid>/net/tcp} walks the whole host's established hash (shared by all namespaces unless
 * {@code net.ipv4.tcp_child_ehash_entries} is set): 5 ms even for an empty namespace on a 24 GB host, so the TCP
 * tables are read only when a counter moved: a connect or accept moves ActiveOpens or PassiveOpens, a close moves
 * CurrEstab ({@code snmp}) or the TIME_WAIT count, a new listener moves {@code inuse} ({@code sockstat},
 * {@code sockstat6}). UDP tables cost about 45 us; they are read when UDP {@code inuse} or the datagram counters
 * moved. Every {@code fullEvery}th poll (phase chosen per container, so containers do not all pay on the same
 * tick) reads anyway, for the one change counters cannot show: a socket replaced by another within one interval.
 * Not thread-safe: one instance per container and protocol.
 */
final class SocketGate {

  /** Polls between forced reads of the TCP tables (10 minutes at the default 1 s interval). */
  static final int TCP_FULL_EVERY = 600;
  /** Polls between forced reads of the UDP tables. */
  static final int UDP_FULL_EVERY = 30;

  private final int phase;
  private final int fullEvery;
  private boolean first = true;
  private long[] last;
  private int sinceRead;
  private boolean changed = true;

  /**
   * @param phase 0 to {@code fullEvery - 1}: how many polls early the first forced read comes
   * @param fullEvery polls between forced reads
   */
  SocketGate(int phase, int fullEvery) {
    this.phase = Math.floorMod(phase, fullEvery);
    this.fullEvery = fullEvery;
  }

  /** A TCP gate with the default period. */
  static SocketGate tcp(long seed) {
    return new SocketGate((int) Math.floorMod(seed, (long) TCP_FULL_EVERY), TCP_FULL_EVERY);
  }

  /** A UDP gate with the default period. */
  static SocketGate udp(long seed) {
    return new SocketGate((int) Math.floorMod(seed, (long) UDP_FULL_EVERY), UDP_FULL_EVERY);
  }

  /**
   * Whether the tables must be read, given this poll's signals; records them.
   *
   * @param signals the counters, null when one was unreadable (forces a read)
   */
  boolean mustRead(long[] signals) {
    changed = signals == null || last == null || !Arrays.equals(signals, last);
    boolean same = !changed && ++sinceRead < fullEvery;
    if (!same) {
      sinceRead = first ? phase : 0;
      first = false;
    }
    last = signals;
    return !same;
  }

  /** Whether the signals of the last {@link #mustRead} differed from the poll before (a forced read is not). */
  boolean changed() {
    return changed;
  }

  /**
   * The TCP signals: connects, accepts, established count, v4 in-use and TIME_WAIT, v6 in-use.
   *
   * @param counters null when unreadable
   * @param sockstat text of {@code sockstat}, null when unreadable
   * @param sockstat6 text of {@code sockstat6}, empty when IPv6 is off, null when unreadable
   * @return null when something was unreadable
   */
  static long[] tcpSignals(SnmpCounters counters, String sockstat, String sockstat6) {
    if (counters == null || sockstat == null || sockstat6 == null) {
      return null;
    }
    return new long[] {counters.activeOpens(), counters.passiveOpens(), counters.currEstab(),
        field(sockstat, "TCP", "inuse"), field(sockstat, "TCP", "tw"), field(sockstat6, "TCP6", "inuse")};
  }

  /** The UDP signals: datagrams in and out, v4 and v6 sockets in use; null when something was unreadable. */
  static long[] udpSignals(SnmpCounters counters, String sockstat, String sockstat6) {
    if (counters == null || sockstat == null || sockstat6 == null) {
      return null;
    }
    return new long[] {counters.udpInDatagrams(), counters.udpOutDatagrams(), field(sockstat, "UDP", "inuse"),
        field(sockstat6, "UDP6", "inuse")};
  }

  /**
   * One number of a {@code sockstat} line ({@code "TCP: inuse 3 orphan 0 tw 1 ..."}), -1 when the line or the
   * field is missing. No regex: this runs for every container every poll.
   *
   * @param label the line's label without colon, e.g. {@code TCP} or {@code TCP6}
   */
  static long field(String sockstat, String label, String name) {
    int line = 0;
    while (line < sockstat.length()) {
      int end = sockstat.indexOf('\n', line);
      if (end < 0) {
        end = sockstat.length();
      }
      if (sockstat.startsWith(label, line) && line + label.length() < end
          && sockstat.charAt(line + label.length()) == ':') {
        return lineField(sockstat, line + label.length() + 1, end, name);
      }
      line = end + 1;
    }
    return -1;
  }

  /** In {@code text[from, to)} made of "name value" pairs, the value after {@code name}; -1 when absent. */
  private static long lineField(String text, int from, int to, String name) {
    int i = from;
    boolean isName = true;
    boolean wanted = false;
    while (i < to) {
      while (i < to && text.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < to && text.charAt(i) != ' ') {
        i++;
      }
      if (i == start) {
        break;
      }
      if (isName) {
        wanted = i - start == name.length() && text.startsWith(name, start);
      } else if (wanted) {
        try {
          return Long.parseLong(text, start, i, 10);
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      isName = !isName;
    }
    return -1;
  }
}
