package dev.vigil.sensor.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SocketGateTest {

  /** {@code /proc/<pid>/net/sockstat} of the test host's busybox container with 500 loopback connections. */
  static final String SOCKSTAT = "sockets: used 1001\nTCP: inuse 500 orphan 0 tw 0 alloc 1021 mem 170\n"
      + "UDP: inuse 0 mem 0\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n";
  static final String SOCKSTAT6 = "TCP6: inuse 1\nUDP6: inuse 0\nUDPLITE6: inuse 0\nRAW6: inuse 0\n"
      + "FRAG6: inuse 0 memory 0\n";

  private final SocketGate gate = new SocketGate(0, SocketGate.TCP_FULL_EVERY);

  private static SnmpCounters snmp(long active, long passive, long currEstab) {
    return new SnmpCounters(active, passive, 0, 0, currEstab, 0, 0);
  }

  private static String v4(int inuse, int tw) {
    return SOCKSTAT.replace("inuse 500 orphan 0 tw 0", "inuse " + inuse + " orphan 0 tw " + tw);
  }

  private static String v6(int inuse) {
    return SOCKSTAT6.replace("TCP6: inuse 1", "TCP6: inuse " + inuse);
  }

  @Test
  void field_parsesSockstatLines() {
    assertThat(SocketGate.field(SOCKSTAT, "TCP", "inuse")).isEqualTo(500);
    assertThat(SocketGate.field(SOCKSTAT, "TCP", "tw")).isZero();
    assertThat(SocketGate.field(SOCKSTAT, "UDP", "mem")).isZero();
    assertThat(SocketGate.field(SOCKSTAT6, "TCP6", "inuse")).isEqualTo(1);
    assertThat(SocketGate.field(SOCKSTAT6, "TCP", "inuse")).isEqualTo(-1);
    assertThat(SocketGate.field("TCP: inuse x", "TCP", "inuse")).isEqualTo(-1);
    assertThat(SocketGate.field("", "TCP6", "inuse")).isEqualTo(-1);
  }

  @Test
  void readsFirst_thenOnlyWhenSomethingMoved() {
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), v4(2, 0), v6(1)))).isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), v4(2, 0), v6(1)))).isFalse();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 1, 1), v4(2, 0), v6(1)))).as("a connect").isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 2, 1), v4(2, 0), v6(1)))).as("an accept").isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 2, 0), v4(2, 0), v6(1)))).as("a close").isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 2, 0), v4(3, 0), v6(1)))).as("a new v4 listener").isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 2, 0), v4(3, 1), v6(1)))).as("a TIME_WAIT").isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 2, 0), v4(3, 1), v6(0)))).as("a v6 socket closed").isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(2, 2, 0), v4(3, 1), v6(0)))).isFalse();
  }

  @Test
  void unknownCountersAlwaysRead_noIpv6IsFine() {
    gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), v4(2, 0), v6(1)));
    assertThat(gate.mustRead(SocketGate.tcpSignals(null, v4(2, 0), v6(1)))).isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), null, v6(1)))).isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), null, v6(1)))).isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), v4(2, 0), ""))).isTrue();
    assertThat(gate.mustRead(SocketGate.tcpSignals(snmp(1, 1, 1), v4(2, 0), ""))).isFalse();
  }

  @Test
  void readsAnywayEveryFullEveryPolls_phaseShiftsTheFirst() {
    int reads = 0;
    for (int i = 0; i < 1 + 3 * SocketGate.TCP_FULL_EVERY; i++) {
      reads += gate.mustRead(SocketGate.tcpSignals(snmp(5, 5, 0), v4(1, 0), v6(1))) ? 1 : 0;
    }
    assertThat(reads).isEqualTo(4);
    SocketGate late = new SocketGate(SocketGate.TCP_FULL_EVERY - 2, SocketGate.TCP_FULL_EVERY);
    late.mustRead(SocketGate.tcpSignals(snmp(5, 5, 0), v4(1, 0), v6(1)));
    int polls = 0;
    while (!late.mustRead(SocketGate.tcpSignals(snmp(5, 5, 0), v4(1, 0), v6(1)))) {
      polls++;
    }
    assertThat(polls).isLessThan(SocketGate.TCP_FULL_EVERY - 1);
  }

  @Test
  void udp_readWhenDatagramsOrSocketsMoved() {
    SocketGate udp = new SocketGate(0, SocketGate.UDP_FULL_EVERY);
    String v4 = SOCKSTAT.replace("UDP: inuse 0", "UDP: inuse 1");
    assertThat(udp.mustRead(SocketGate.udpSignals(new SnmpCounters(0, 0, 0, 0, 0, 5, 5), v4, SOCKSTAT6))).isTrue();
    assertThat(udp.mustRead(SocketGate.udpSignals(new SnmpCounters(9, 9, 9, 0, 3, 5, 5), v4, SOCKSTAT6)))
        .as("TCP moved, UDP did not").isFalse();
    assertThat(udp.mustRead(SocketGate.udpSignals(new SnmpCounters(9, 9, 9, 0, 3, 5, 6), v4, SOCKSTAT6)))
        .as("a datagram sent").isTrue();
    assertThat(udp.mustRead(SocketGate.udpSignals(new SnmpCounters(9, 9, 9, 0, 3, 5, 6), SOCKSTAT, SOCKSTAT6)))
        .as("a socket closed").isTrue();
    assertThat(udp.mustRead(SocketGate.udpSignals(new SnmpCounters(9, 9, 9, 0, 3, 5, 6), SOCKSTAT,
        SOCKSTAT6.replace("UDP6: inuse 0", "UDP6: inuse 2")))).as("a v6 socket bound").isTrue();
    assertThat(SocketGate.udpSignals(null, SOCKSTAT, SOCKSTAT6)).isNull();
  }

  @Test
  void field_toleratesOddSpacingAndMissingValues() {
    assertThat(SocketGate.field("TCP:  inuse  7 tw 2\n", "TCP", "tw")).isEqualTo(2);
    assertThat(SocketGate.field("TCP: inuse", "TCP", "inuse")).isEqualTo(-1);
    assertThat(SocketGate.field("TCPX: inuse 3\nTCP: inuse 4", "TCP", "inuse")).isEqualTo(4);
  }
}
