package dev.vigil.sensor.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code /proc/<pid>/net/snmp} as Linux 6.x prints it (copied from a busybox container on the test host). */
class SnmpCountersTest {

  static final String CONTAINER = String.join("\n",
      "Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards"
          + " InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs"
          + " FragFails FragCreates OutTransmits",
      "Ip: 1 64 6 0 0 0 0 0 6 6 0 0 0 0 0 0 0 0 0 6",
      "Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos"
          + " InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors"
          + " OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs"
          + " OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps",
      "Icmp: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
      "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs"
          + " OutSegs RetransSegs InErrs OutRsts InCsumErrors",
      "Tcp: 1 200 120000 -1 301 1 300 2 0 606 606 0 0 300 0",
      "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti"
          + " MemErrors",
      "Udp: 7 11 0 18 0 0 0 0 0",
      "UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti"
          + " MemErrors",
      "UdpLite: 0 0 0 0 0 0 0 0 0", "");

  @Test
  void parse_containerSample() {
    assertThat(SnmpCounters.parse(CONTAINER)).isEqualTo(new SnmpCounters(301, 1, 300, 2, 0, 7, 18));
  }

  @Test
  void parse_columnsFoundByName_notPosition() {
    String reordered = "Tcp: AttemptFails Extra ActiveOpens\nTcp: 5 99 8\n";
    assertThat(SnmpCounters.parse(reordered)).isEqualTo(new SnmpCounters(8, 0, 5, 0, 0, 0, 0));
  }

  @Test
  void parse_withoutTcp_fails() {
    assertThatThrownBy(() -> SnmpCounters.parse("Udp: InDatagrams\nUdp: 1\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void since_deltas_andResetCountsFromZero() {
    SnmpCounters a = new SnmpCounters(10, 5, 3, 1, 4, 100, 200);
    SnmpCounters b = new SnmpCounters(310, 6, 303, 1, 2, 101, 250);
    assertThat(b.since(a)).isEqualTo(new SnmpCounters(300, 1, 300, 0, 2, 1, 50));
    assertThat(a.since(b)).isEqualTo(new SnmpCounters(10, 5, 3, 0, 4, 100, 200));
  }

  @Test
  void read_thisHost() throws Exception {
    SnmpCounters c = SnmpCounters.read(Path.of("/proc/self/net/snmp"));
    assertThat(c.activeOpens()).isGreaterThanOrEqualTo(0);
  }
}
