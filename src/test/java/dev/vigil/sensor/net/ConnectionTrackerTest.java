package dev.vigil.sensor.net;

import static dev.vigil.event.NetConnection.Direction.INBOUND;
import static dev.vigil.event.NetConnection.Direction.LISTEN;
import static dev.vigil.event.NetConnection.Direction.OUTBOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vigil.sensor.ProcNetParser;
import dev.vigil.sensor.SocketEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The diff logic over fake snapshots. */
class ConnectionTrackerTest {

  private static final Instant T0 = Instant.parse("2026-11-29T08:42:51Z");
  private final ConnectionTracker tracker = new ConnectionTracker();

  private static SocketEntry tcp(String lip, int lport, String rip, int rport, int state, long inode) {
    return new SocketEntry("tcp", lip, lport, rip, rport, state, 0, inode);
  }

  private static SocketEntry udp(String lip, int lport, String rip, int rport, long inode) {
    return new SocketEntry("udp", lip, lport, rip, rport, rport == 0 ? 7 : 1, 0, inode);
  }

  static final SocketEntry LISTENER = tcp("::", 8080, "::", 0, ProcNetParser.TCP_LISTEN, 10);
  static final SocketEntry CLIENT = tcp("127.0.0.1", 40536, "127.0.0.1", 8080, ProcNetParser.TCP_ESTABLISHED, 11);
  static final SocketEntry ACCEPTED = tcp("127.0.0.1", 8080, "127.0.0.1", 40536, ProcNetParser.TCP_ESTABLISHED, 12);
  static final SocketEntry WEB = tcp("172.17.0.2", 51000, "93.184.216.34", 443, ProcNetParser.TCP_ESTABLISHED, 13);

  private List<ConnectionTracker.Change> update(Instant at, SocketEntry... s) {
    return tracker.update(List.of(s), at);
  }

  @Test
  void firstSnapshot_reportsEverything_listenersFirst() {
    assertThat(update(T0, CLIENT, ACCEPTED, LISTENER, WEB))
        .extracting(c -> c.socket().localPort(), ConnectionTracker.Change::direction)
        .containsExactly(tuple(8080, LISTEN), tuple(40536, OUTBOUND), tuple(8080, INBOUND), tuple(51000, OUTBOUND));
  }

  @Test
  void sameSnapshotAgain_reportsNothing_newSocketAlone() {
    update(T0, LISTENER, WEB);
    assertThat(update(T0.plusSeconds(1), LISTENER, WEB)).isEmpty();
    assertThat(update(T0.plusSeconds(2), LISTENER, WEB, CLIENT)).extracting(ConnectionTracker.Change::socket)
        .containsExactly(CLIENT);
  }

  @Test
  void listenerClosedAtAccept_connectionOnItsPortIsStillInbound() {
    update(T0, LISTENER);
    assertThat(update(T0.plusSeconds(1), CLIENT, ACCEPTED))
        .extracting(c -> c.socket().localPort(), ConnectionTracker.Change::direction)
        .containsExactly(tuple(40536, OUTBOUND), tuple(8080, INBOUND));
    assertThat(tracker.isListenPort(8080)).isTrue();
  }

  @Test
  void listenMemoryExpires() {
    update(T0, LISTENER);
    update(T0.plusSeconds(1));
    Instant later = T0.plus(ConnectionTracker.LISTEN_MEMORY).plusSeconds(2);
    assertThat(update(later, ACCEPTED)).extracting(ConnectionTracker.Change::direction).containsExactly(OUTBOUND);
    assertThat(tracker.isListenPort(8080)).isFalse();
  }

  @Test
  void stateChangesAndLateInodeDoNotReportAgain() {
    SocketEntry notAccepted = tcp("127.0.0.1", 8080, "127.0.0.1", 40536, ProcNetParser.TCP_ESTABLISHED, 0);
    update(T0, LISTENER, notAccepted);
    assertThat(update(T0.plusSeconds(1), LISTENER, ACCEPTED)).isEmpty();
    SocketEntry closing = tcp("127.0.0.1", 8080, "127.0.0.1", 40536, ProcNetParser.TCP_TIME_WAIT, 0);
    assertThat(update(T0.plusSeconds(2), LISTENER, closing)).isEmpty();
  }

  @Test
  void tupleGoneThenBack_isANewConnection() {
    update(T0, WEB);
    update(T0.plusSeconds(1));
    assertThat(update(T0.plusSeconds(2), WEB)).hasSize(1);
  }

  @Test
  void synSentIsOutbound_halfOpenAndBoundOnlyAreIgnored() {
    SocketEntry synSent = tcp("127.0.0.1", 8080, "10.0.0.9", 22, ProcNetParser.TCP_SYN_SENT, 20);
    SocketEntry synRecv = tcp("127.0.0.1", 8080, "10.0.0.8", 5555, ProcNetParser.TCP_SYN_RECV, 0);
    SocketEntry newSynRecv = tcp("127.0.0.1", 8080, "10.0.0.7", 5555, ProcNetParser.TCP_NEW_SYN_RECV, 0);
    SocketEntry boundOnly = tcp("0.0.0.0", 9999, "0.0.0.0", 0, ProcNetParser.TCP_CLOSE, 21);
    assertThat(update(T0, LISTENER, synSent, synRecv, newSynRecv, boundOnly))
        .extracting(c -> c.socket().inode(), ConnectionTracker.Change::direction)
        .containsExactly(tuple(10L, LISTEN), tuple(20L, OUTBOUND));
  }

  @Test
  void closingStatesSeenFirst_stillCountAsConnections() {
    SocketEntry timeWait = tcp("127.0.0.1", 33000, "127.0.0.1", 5432, ProcNetParser.TCP_TIME_WAIT, 0);
    SocketEntry closeWait = tcp("127.0.0.1", 8080, "127.0.0.1", 33001, ProcNetParser.TCP_CLOSE_WAIT, 30);
    assertThat(update(T0, LISTENER, timeWait, closeWait)).extracting(ConnectionTracker.Change::direction)
        .containsExactly(LISTEN, OUTBOUND, INBOUND);
  }

  @Test
  void udp_unconnectedIsListen_connectedIsOutbound() {
    SocketEntry dnsServer = udp("0.0.0.0", 53, "0.0.0.0", 0, 40);
    SocketEntry resolver = udp("127.0.0.1", 5353, "127.0.0.1", 53, 41);
    assertThat(update(T0, resolver, dnsServer))
        .extracting(c -> c.socket().inode(), ConnectionTracker.Change::direction)
        .containsExactly(tuple(40L, LISTEN), tuple(41L, OUTBOUND));
    assertThat(tracker.isListenPort(53)).as("udp ports do not make tcp inbound").isFalse();
  }

  @Test
  void duplicatesInOneSnapshot_reportedOnce() {
    SocketEntry reusePort = tcp("::", 8080, "::", 0, ProcNetParser.TCP_LISTEN, 99);
    assertThat(update(T0, LISTENER, reusePort)).hasSize(1);
    assertThat(tracker.tracked()).isEqualTo(1);
  }
}
