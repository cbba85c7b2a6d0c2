package dev.vigil.sensor.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TCP and UDP counters of one network namespace, from {@code /proc/<pid>/net/snmp} (pairs of lines: a header
 * {@code Tcp: Name Name ...} then {@code Tcp: value value ...}). They count what the socket tables cannot show:
 * a connect refused within microseconds still moves ActiveOpens and AttemptFails. Immutable.
 *
 * @param activeOpens TCP connects started (SYN sent)
 * @param passiveOpens connections accepted from LISTEN
 * @param attemptFails connects that failed (SYN_SENT or SYN_RECV to CLOSED, e.g. refused by a RST)
 * @param estabResets established connections reset
 * @param currEstab connections now ESTABLISHED or CLOSE_WAIT (a gauge, not a counter)
 */
public record SnmpCounters(long activeOpens, long passiveOpens, long attemptFails, long estabResets, long currEstab,
    long udpInDatagrams, long udpOutDatagrams) {

  /**
   * Parses the file's text; counters missing from it read 0.
   *
   * @throws IllegalArgumentException when there is no {@code Tcp:} header and value line
   */
  public static SnmpCounters parse(String text) {
    String[] lines = lines(text);
    String[] tcpNames = null;
    String[] tcpValues = null;
    String[] udpNames = null;
    String[] udpValues = null;
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("Tcp:") && lines[i + 1].startsWith("Tcp:") && tcpNames == null) {
        tcpNames = fields(lines[i]);
        tcpValues = fields(lines[++i]);
      } else if (lines[i].startsWith("Udp:") && lines[i + 1].startsWith("Udp:") && udpNames == null) {
        udpNames = fields(lines[i]);
        udpValues = fields(lines[++i]);
      }
    }
    if (tcpNames == null) {
      throw new IllegalArgumentException("no Tcp: lines in snmp");
    }
    return new SnmpCounters(value(tcpNames, tcpValues, "ActiveOpens"), value(tcpNames, tcpValues, "PassiveOpens"),
        value(tcpNames, tcpValues, "AttemptFails"), value(tcpNames, tcpValues, "EstabResets"),
        value(tcpNames, tcpValues, "CurrEstab"), value(udpNames, udpValues, "InDatagrams"), value(udpNames, udpValues, "OutDatagrams"));
  }

  private static String[] lines(String text) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(16);
    int start = 0;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', start)) {
      out.add(text.substring(start, i));
      start = i + 1;
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out.toArray(new String[0]);
  }

  /** Reads {@code /proc/<pid>/net/snmp} (or any file of that format). */
  public static SnmpCounters read(Path file) throws IOException {
    return parse(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII));
  }

  /** The whitespace-separated words of a line (no regex: this runs for every container every second). */
  static String[] fields(String line) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(32);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out.toArray(new String[0]);
  }

  private static long value(String[] names, String[] values, String name) {
    if (names == null) {
      return 0;
    }
    for (int i = 1; i < names.length && i < values.length; i++) {
      if (names[i].equals(name)) {
        try {
          return Long.parseLong(values[i]);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  /**
   * How far each counter moved since {@code before}; a counter that went backwards (a new namespace) counts from
   * zero. {@code currEstab} is a gauge and keeps its current value.
   */
  public SnmpCounters since(SnmpCounters before) {
    return new SnmpCounters(delta(activeOpens, before.activeOpens), delta(passiveOpens, before.passiveOpens),
        delta(attemptFails, before.attemptFails), delta(estabResets, before.estabResets), currEstab,
        delta(udpInDatagrams, before.udpInDatagrams), delta(udpOutDatagrams, before.udpOutDatagrams));
  }

  private static long delta(long now, long then) {
    return now >= then ? now - then : now;
  }
}
