package dev.vigil.event;

import java.time.Instant;

/**
 * A socket seen in a container's network namespace: an outbound connection, an accepted inbound one, or a new
 * listening socket.
 *
 * @param l4proto tcp or udp
 * @param pid owning process (host pid), 0 when it could not be found
 */
public record NetConnection(Instant time, ContainerRef container, String sensor, Direction direction, String l4proto,
    String localIp, int localPort, String remoteIp, int remotePort, long pid, String procName) implements Event {

  /** What the socket is. */
  public enum Direction {
    OUTBOUND,
    INBOUND,
    LISTEN
  }

  public NetConnection {
    procName = procName == null ? "" : procName;
    remoteIp = remoteIp == null ? "" : remoteIp;
  }

  @Override
  public EventKind kind() {
    return EventKind.NETWORK;
  }

  @Override
  public NetConnection withContainer(ContainerRef ref) {
    return new NetConnection(time, ref, sensor, direction, l4proto, localIp, localPort, remoteIp, remotePort, pid,
        procName);
  }
}
