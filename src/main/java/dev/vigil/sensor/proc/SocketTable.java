package dev.vigil.sensor.proc;

import dev.vigil.sensor.ProcNetParser;
import dev.vigil.sensor.SocketEntry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Identifies the socket behind a descriptor ({@code socket:[inode]}) by finding its inode in the process's own
 * network namespace tables ({@code /proc/<pid>/net/tcp}, tcp6, udp, udp6, raw, raw6, unix). The inet tables are
 * searched and decoded by the network sensor's decoder ({@link ProcNetParser#find}); the unix table, whose layout
 * differs, here. Stateless; thread-safe.
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

  /** File, protocol, address family. */
  private static final String[][] TABLES = {{"tcp", "tcp", "ipv4"}, {"udp", "udp", "ipv4"}, {"tcp6", "tcp", "ipv6"},
      {"udp6", "udp", "ipv6"}, {"raw", "raw", "ipv4"}, {"raw6", "raw", "ipv6"}};

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
      Optional<byte[]> table = proc.net(pid, t[0]);
      if (table.isPresent()) {
        Optional<Socket> s = findInet(table.get(), t[1], inode, t[2]);
        if (s.isPresent()) {
          return s;
        }
      }
    }
    return proc.net(pid, "unix").flatMap(table -> findUnix(new String(table, StandardCharsets.UTF_8), inode));
  }

  /** Searches a tcp/udp/raw table (v4 or v6 layout, which differ only in address width) with the shared decoder. */
  static Optional<Socket> findInet(byte[] table, String l4proto, long inode, String type) {
    SocketEntry e = ProcNetParser.find(table, table.length, l4proto, inode);
    if (e == null) {
      return Optional.empty();
    }
    // An unconnected (listening, unbound UDP) socket shows an all-zero peer.
    boolean noPeer = e.remotePort() == 0 && (e.remoteIp().equals("0.0.0.0") || e.remoteIp().equals("::"));
    return Optional.of(new Socket(type, endpoint(type, e.localIp(), e.localPort()),
        noPeer ? "" : endpoint(type, e.remoteIp(), e.remotePort())));
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

  /**
   * {@code 1.2.3.4:80} or {@code [2001:db8::1]:443}. The decoder prints an IPv4-mapped IPv6 address as plain IPv4
   * (a dotted address in a v6 table can be nothing else); here it keeps its {@code ::ffff:} prefix, as a process's
   * descriptor of an IPv6 socket is shown.
   */
  static String endpoint(String type, String ip, int port) {
    if (!type.equals("ipv6")) {
      return ip + ":" + port;
    }
    return (ip.indexOf('.') >= 0 ? "[::ffff:" : "[") + ip + "]:" + port;
  }
}
