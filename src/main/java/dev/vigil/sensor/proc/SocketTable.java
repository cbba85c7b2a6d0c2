package dev.vigil.sensor.proc;

import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Identifies the socket behind a descriptor ({@code socket:[inode]}) by finding its inode in the process's own
 * network namespace tables ({@code /proc/<pid>/net/tcp}, tcp6, udp, udp6, unix), and decodes its addresses. The
 * kernel prints IPv4 addresses as one 32-bit word and IPv6 as four, each in host byte order, and ports in network
 * order already converted to a number. Stateless; thread-safe.
 */
public final class SocketTable {

  /**
   * A socket found in a table.
   *
   * @param type ipv4, ipv6 or unix
   * @param local local address {@code ip:port} ({@code [v6]:port}), or the unix socket's path, empty when none
   * @param remote remote address, empty when not connected (and always for unix sockets, whose table has no peer)
   */
  public record Socket(String type, String local, String remote) {}

  private static final String[][] TABLES = {
      {"tcp", "ipv4"}, {"udp", "ipv4"}, {"tcp6", "ipv6"}, {"udp6", "ipv6"}, {"raw", "ipv4"}, {"raw6", "ipv6"}};

  private SocketTable() {}

  /** The inode of a {@code socket:[N]} link target, or -1 when it is not a socket. */
  public static long socketInode(String link) {
    if (!link.startsWith("socket:[") || !link.endsWith("]")) {
      return -1;
    }
    try {
      return Long.parseLong(link.substring(8, link.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Looks the socket up in the process's tables; empty when the process is gone or the socket is another kind. */
  public static Optional<Socket> find(ProcFs proc, long pid, long inode) {
    for (String[] t : TABLES) {
      Optional<String> text = proc.net(pid, t[0]);
      if (text.isPresent()) {
        Optional<Socket> s = findInet(text.get(), inode, t[1]);
        if (s.isPresent()) {
          return s;
        }
      }
    }
    return proc.net(pid, "unix").flatMap(text -> findUnix(text, inode));
  }

  /** Searches a tcp/udp/raw table (v4 or v6 layout, which differ only in address width). */
  static Optional<Socket> findInet(String table, long inode, String type) {
    String want = Long.toString(inode);
    for (String line : table.split("\n")) {
      String[] f = line.strip().split("\\s+");
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
      if (f.length < 10 || !f[9].equals(want) || !f[0].endsWith(":")) {
        continue;
      }
      return Optional.of(new Socket(type, endpoint(f[1]), remoteOrEmpty(f[2])));
    }
    return Optional.empty();
  }

  /** Searches the unix table: Num RefCount Protocol Flags Type St Inode [Path]. */
  static Optional<Socket> findUnix(String table, long inode) {
    String want = Long.toString(inode);
    for (String line : table.split("\n")) {
      String[] f = line.strip().split("\\s+", 8);
      if (f.length < 7 || !f[6].equals(want) || !f[0].endsWith(":")) {
        continue;
      }
      return Optional.of(new Socket("unix", f.length > 7 ? f[7] : "", ""));
    }
    return Optional.empty();
  }

  private static String remoteOrEmpty(String hex) {
    // An unconnected (listening, unbound UDP) socket shows an all-zero peer.
    return hex.chars().allMatch(c -> c == '0' || c == ':') ? "" : endpoint(hex);
  }

  /** {@code ADDR:PORT} in the kernel's hex to {@code 1.2.3.4:80} or {@code [2001:db8::1]:443}. */
  static String endpoint(String hex) {
    int colon = hex.indexOf(':');
    if (colon < 0) {
      return "";
    }
    String addr = hex.substring(0, colon);
    int port = Integer.parseInt(hex.substring(colon + 1), 16);
    if (addr.length() == 8) {
      return ipv4(word(addr, 0)) + ":" + port;
    }
    if (addr.length() == 32) {
      return "[" + ipv6(addr) + "]:" + port;
    }
    return "";
  }

  /** The 4 address bytes of one host-order word, in network order. */
  private static byte[] word(String hex, int offset) {
    long v = Long.parseLong(hex.substring(offset, offset + 8), 16);
    byte[] b = new byte[4];
    boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    for (int i = 0; i < 4; i++) {
      int shift = little ? 8 * i : 8 * (3 - i);
      b[i] = (byte) (v >>> shift);
    }
    return b;
  }

  private static String ipv4(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }

  /** RFC 5952 text: lowercase, longest run of two or more zero groups as "::"; IPv4-mapped as ::ffff:a.b.c.d. */
  static String ipv6(String hex) {
    byte[] b = new byte[16];
    for (int w = 0; w < 4; w++) {
      System.arraycopy(word(hex, w * 8), 0, b, w * 4, 4);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff) {
      return "::ffff:" + ipv4(new byte[] {b[12], b[13], b[14], b[15]});
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }
}
