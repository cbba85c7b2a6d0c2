package dev.vigil.sensor.net;

import dev.vigil.event.NetConnection.Direction;
import dev.vigil.sensor.ProcNetParser;
import dev.vigil.sensor.SocketEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The socket-table diff of one network namespace: each {@link #update} takes a fresh snapshot and returns the
 * sockets that were not in the previous one, classified. TCP LISTEN and unconnected UDP sockets are
 * {@code LISTEN}; TCP SYN_SENT is {@code OUTBOUND}; a TCP connection (ESTABLISHED or already closing) is
 * {@code INBOUND} when its local port is, or was within {@link #LISTEN_MEMORY}, a TCP listening port of the
 * namespace (a listener closed right after its accept still counts), else {@code OUTBOUND}; connected UDP is
 * {@code OUTBOUND}. Half-open inbound handshakes (SYN_RECV) and bound-only TCP sockets are not reported.
 * The first update reports everything already there. Not thread-safe: one instance per container.
 */
final class ConnectionTracker {

  /** How long a port that stopped listening still marks connections on it as inbound. */
  static final Duration LISTEN_MEMORY = Duration.ofSeconds(60);
  /** Listening ports remembered at most (a namespace has 65,535 ports; this bounds the map). */
  static final int MAX_LISTEN_PORTS = 65_536;

  /** A socket not seen in the previous snapshot, and what it is. */
  record Change(SocketEntry socket, Direction direction) {}

  private Set<SocketEntry.Key> previous = new HashSet<>();
  private final Map<Integer, Instant> tcpListenPorts = new HashMap<>();

  /** Takes a snapshot; returns the new sockets, listeners first, each once. */
  List<Change> update(List<SocketEntry> sockets, Instant now) {
    for (SocketEntry s : sockets) {
      if (isTcp(s) && s.state() == ProcNetParser.TCP_LISTEN
          && (tcpListenPorts.size() < MAX_LISTEN_PORTS || tcpListenPorts.containsKey(s.localPort()))) {
        tcpListenPorts.put(s.localPort(), now);
      }
    }
    Instant oldest = now.minus(LISTEN_MEMORY);
    for (Iterator<Instant> it = tcpListenPorts.values().iterator(); it.hasNext();) {
      if (it.next().isBefore(oldest)) {
        it.remove();
      }
    }
    Set<SocketEntry.Key> current = new HashSet<>(Math.max(16, sockets.size() * 2));
    List<Change> listeners = new ArrayList<>();
    List<Change> connections = new ArrayList<>();
    for (SocketEntry s : sockets) {
      Direction d = classify(s);
      if (d == null) {
        continue;
      }
      SocketEntry.Key k = s.key();
      if (current.add(k) && !previous.contains(k)) {
        (d == Direction.LISTEN ? listeners : connections).add(new Change(s, d));
      }
    }
    previous = current;
    listeners.addAll(connections);
    return listeners;
  }

  /** Whether {@code port} counts as a TCP listening port now. */
  boolean isListenPort(int port) {
    return tcpListenPorts.containsKey(port);
  }

  /** Sockets in the last snapshot that were classified (for tests and status). */
  int tracked() {
    return previous.size();
  }

  private Direction classify(SocketEntry s) {
    if (!isTcp(s)) {
      return s.hasRemote() ? Direction.OUTBOUND : Direction.LISTEN;
    }
    switch (s.state()) {
      case ProcNetParser.TCP_LISTEN:
        return Direction.LISTEN;
      case ProcNetParser.TCP_SYN_SENT:
        return Direction.OUTBOUND;
      case ProcNetParser.TCP_ESTABLISHED:
      case ProcNetParser.TCP_FIN_WAIT1:
      case ProcNetParser.TCP_FIN_WAIT2:
      case ProcNetParser.TCP_TIME_WAIT:
      case ProcNetParser.TCP_CLOSE_WAIT:
      case ProcNetParser.TCP_LAST_ACK:
      case ProcNetParser.TCP_CLOSING:
        return tcpListenPorts.containsKey(s.localPort()) ? Direction.INBOUND : Direction.OUTBOUND;
      default:
        return null;
    }
  }

  private static boolean isTcp(SocketEntry s) {
    return "tcp".equals(s.l4proto());
  }
}
