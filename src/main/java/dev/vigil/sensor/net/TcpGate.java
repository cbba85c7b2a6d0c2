package dev.vigil.sensor.net;

import java.util.Arrays;

/**
 * Decides whether a container's TCP tables need reading this poll. Reading {@code /proc/<pid>/net/tcp} walks the
 * whole host's established hash (shared by all namespaces unless {@code net.ipv4.tcp_child_ehash_entries} is set):
 * milliseconds even for an empty namespace. The namespace's counters cost microseconds and move with every change
 * that matters: a connect or accept moves ActiveOpens or PassiveOpens, a close moves CurrEstab ({@code snmp}) or
 * the TIME_WAIT count, a new listener moves {@code inuse} ({@code sockstat}, {@code sockstat6}). When none moved
 * the tables are taken as unchanged; every {@link #FULL_EVERY}th poll (phase chosen per container, so containers
 * do not all pay on the same tick) reads them anyway, for the one change the counters cannot show: a listener
 * replaced by another within one interval. Not thread-safe: one instance per container.
 */
final class TcpGate {

  /** Polls between forced reads. */
  static final int FULL_EVERY = 30;

  private final int phase;
  private boolean first = true;
  private long[] last;
  private int sinceRead;

  /** @param phase 0 to {@code FULL_EVERY - 1}: how many polls early the first forced read comes */
  TcpGate(int phase) {
    this.phase = phase;
  }

  /**
   * Whether the tables must be read, given this poll's counters; records them.
   *
   * @param counters null when unreadable (forces a read)
   * @param sockstat text of {@code sockstat}, null when unreadable (forces a read)
   * @param sockstat6 text of {@code sockstat6}, empty when IPv6 is off, null when unreadable (forces a read)
   */
  boolean mustRead(SnmpCounters counters, String sockstat, String sockstat6) {
    long[] now = counters == null || sockstat == null || sockstat6 == null ? null : new long[] {
        counters.activeOpens(), counters.passiveOpens(), counters.currEstab(), field(sockstat, "TCP", "inuse"),
        field(sockstat, "TCP", "tw"), field(sockstat6, "TCP6", "inuse")};
    boolean same = now != null && last != null && Arrays.equals(now, last) && ++sinceRead < FULL_EVERY;
    if (!same) {
      sinceRead = first ? phase : 0;
      first = false;
    }
    last = now;
    return !same;
  }

  /**
   * One number of a {@code sockstat} line ({@code "TCP: inuse 3 orphan 0 tw 1 ..."}), -1 when the line or the
   * field is missing.
   *
   * @param label the line's label without colon, e.g. {@code TCP} or {@code TCP6}
   */
  static long field(String sockstat, String label, String name) {
    for (String line : sockstat.split("\n")) {
      if (!line.startsWith(label + ":")) {
        continue;
      }
      String[] f = line.trim().split("\\s+");
      for (int i = 1; i + 1 < f.length; i += 2) {
        if (f[i].equals(name)) {
          try {
            return Long.parseLong(f[i + 1]);
          } catch (NumberFormatException e) {
            return -1;
          }
        }
      }
      return -1;
    }
    return -1;
  }
}
