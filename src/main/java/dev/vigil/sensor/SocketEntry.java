package dev.vigil.sensor;

/**
 * One row of a {@code /proc/<pid>/net/{tcp,tcp6,udp,udp6}} table, decoded. Addresses are printable: IPv4 dotted,
 * IPv6 in RFC 5952 form, an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) as the plain IPv4 address. Immutable.
 *
 * @param l4proto {@code tcp} or {@code udp}
 * @param state the kernel's socket state ({@code st} column), e.g. {@link ProcNetParser#TCP_LISTEN}
 * @param uid owner uid as the kernel reports it (host view)
 * @param inode socket inode; 0 for sockets with no file yet or any more (TIME_WAIT, not yet accepted)
 */
public record SocketEntry(String l4proto, String localIp, int localPort, String remoteIp, int remotePort, int state,
    int uid, long inode) {

  /** True when the socket has a peer (a connected UDP socket, any TCP connection). */
  public boolean hasRemote() {
    return remotePort != 0;
  }

  /** The identity used to tell a new socket from one already seen: protocol and both endpoints. */
  public Key key() {
    return new Key(l4proto, localIp, localPort, remoteIp, remotePort);
  }

  /** Protocol and both endpoints. */
  public record Key(String l4proto, String localIp, int localPort, String remoteIp, int remotePort) {}
}
