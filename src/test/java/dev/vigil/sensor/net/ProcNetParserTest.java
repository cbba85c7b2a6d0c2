package dev.vigil.sensor.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines copied from real tables: the test host's {@code /proc/net/tcp}, busybox containers ({@code nc -l},
 * {@code httpd -p [::1]:9090}, {@code tftp}) and a scratch namespace with 10.1.2.3 and 2001:db8:0:1::a:1 on lo.
 */
class ProcNetParserTest {

  static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
      + "  timeout inode                                                     ";
  static final String TCP6_HEADER = "  sl  local_address                         remote_address                     "
      + "   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
  /** Host: sshd-like listener on 0.0.0.0:2024. */
  static final String HOST_LISTEN = "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
      + "     0        0 563 1 00000000ec7d65f2 100 0 0 10 0                       ";
  /** Container: busybox {@code nc 127.0.0.1 8080}, the client end. */
  static final String NC_CLIENT = "   0: 0100007F:80DE 0100007F:1F90 01 00000000:00000000 00:00000000 00000000"
      + "     0        0 188278 1 0000000082b26f8c 20 0 0 10 -1                    ";
  /** Container: busybox {@code nc -l -p 8080} (an IPv6 socket) after accepting from 127.0.0.1. */
  static final String NC_ACCEPTED = "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F"
      + ":80DE 01 00000000:00000000 00:00000000 00000000     0        0 187273 1 0000000025653060 20 0 0 10 -1";
  /** Container: the same connection in TIME_WAIT (no inode, shorter line). */
  static final String TIME_WAIT = "   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F"
      + ":9102 06 00000000:00000000 03:0000170B 00000000     0        0 0 3 00000000c8f9eadf";
  static final String HTTPD_LOOPBACK6 = "   0: 00000000000000000000000001000000:2382 "
      + "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 205231 1"
      + " 00000000de73046a 100 0 0 10 0";
  static final String GLOBAL6_CLIENT = "   1: B80D0120010000000000000001000A00:B0B6 "
      + "B80D0120010000000000000001000A00:01BB 01 00000000:00000000 00:00000000 00000000     0        0 210490 2"
      + " 0000000080e03e06 20 0 0 10 -1";
  /** Accepted by the kernel, not yet by the process: no inode. */
  static final String NOT_ACCEPTED = "   1: 0302010A:0050 0302010A:E216 01 00000000:00000000 00:00000000 00000000"
      + "     0        0 0 1 000000006e2ea275 20 0 0 10 -1                         ";
  static final String UDP_HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
      + "  timeout inode ref pointer drops            ";
  /** Container: busybox {@code tftp} client, bound but not connected. */
  static final String UDP_UNCONNECTED = " 8312: 00000000:CF45 00000000:0000 07 00000000:00000000 00:00000000"
      + " 00000000     0        0 205239 2 00000000b69d7b54 0        ";
  static final String UDP_CONNECTED = " 2084: 0100007F:14E9 0100007F:0035 01 00000000:00000000 00:00000000 00000000"
      + "     0        0 208492 2 00000000160fae93 0        ";
  static final String UDP6_UNCONNECTED = "15279: 00000000000000000000000000000000:AA7C "
      + "00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 206182 2"
      + " 000000003d437641 0";
  static final String UDP6_CONNECTED = " 2085: 00000000000000000000000001000000:14EA "
      + "00000000000000000000000001000000:0035 01 00000000:00000000 00:00000000 00000000     0        0 208494 2"
      + " 000000005b4e61f8 0";

  @Test
  void tcp_hostListener() {
    assertThat(ProcNetParser.parseLine(HOST_LISTEN, "tcp"))
        .isEqualTo(new SocketEntry("tcp", "0.0.0.0", 2024, "0.0.0.0", 0, ProcNetParser.TCP_LISTEN, 0, 563));
  }

  @Test
  void tcp_established_ipv4IsLittleEndian() {
    SocketEntry e = ProcNetParser.parseLine(NC_CLIENT, "tcp");
    assertThat(e).isEqualTo(new SocketEntry("tcp", "127.0.0.1", 0x80DE, "127.0.0.1", 8080,
        ProcNetParser.TCP_ESTABLISHED, 0, 188278));
    assertThat(e.hasRemote()).isTrue();
  }

  @Test
  void tcp6_ipv4MappedBecomesIpv4() {
    assertThat(ProcNetParser.parseLine(NC_ACCEPTED, "tcp")).isEqualTo(new SocketEntry("tcp", "127.0.0.1", 8080,
        "127.0.0.1", 0x80DE, ProcNetParser.TCP_ESTABLISHED, 0, 187273));
  }

  @Test
  void tcp6_timeWaitHasNoInode() {
    SocketEntry e = ProcNetParser.parseLine(TIME_WAIT, "tcp");
    assertThat(e.state()).isEqualTo(ProcNetParser.TCP_TIME_WAIT);
    assertThat(e.inode()).isZero();
    assertThat(e.remotePort()).isEqualTo(0x9102);
  }

  @Test
  void tcp6_loopbackAndGlobalAddressesAreFourLittleEndianWords() {
    SocketEntry l = ProcNetParser.parseLine(HTTPD_LOOPBACK6, "tcp");
    assertThat(l.localIp()).isEqualTo("::1");
    assertThat(l.localPort()).isEqualTo(9090);
    assertThat(l.remoteIp()).isEqualTo("::");
    SocketEntry g = ProcNetParser.parseLine(GLOBAL6_CLIENT, "tcp");
    assertThat(g.localIp()).isEqualTo("2001:db8:0:1::a:1");
    assertThat(g.remoteIp()).isEqualTo("2001:db8:0:1::a:1");
    assertThat(g.remotePort()).isEqualTo(443);
    assertThat(g.localPort()).isEqualTo(0xB0B6);
    assertThat(ProcNetParser.parseLine(NOT_ACCEPTED, "tcp")).isEqualTo(new SocketEntry("tcp", "10.1.2.3", 80,
        "10.1.2.3", 0xE216, ProcNetParser.TCP_ESTABLISHED, 0, 0));
  }

  @Test
  void udp_unconnectedAndConnected() {
    SocketEntry u = ProcNetParser.parseLine(UDP_UNCONNECTED, "udp");
    assertThat(u).isEqualTo(new SocketEntry("udp", "0.0.0.0", 0xCF45, "0.0.0.0", 0, ProcNetParser.TCP_CLOSE, 0,
        205239));
    assertThat(u.hasRemote()).isFalse();
    assertThat(ProcNetParser.parseLine(UDP_CONNECTED, "udp")).isEqualTo(new SocketEntry("udp", "127.0.0.1", 5353,
        "127.0.0.1", 53, ProcNetParser.TCP_ESTABLISHED, 0, 208492));
    assertThat(ProcNetParser.parseLine(UDP6_UNCONNECTED, "udp").localIp()).isEqualTo("::");
    SocketEntry c6 = ProcNetParser.parseLine(UDP6_CONNECTED, "udp");
    assertThat(c6.localIp()).isEqualTo("::1");
    assertThat(c6.remotePort()).isEqualTo(53);
  }

  @Test
  void headersAndGarbageAreSkipped() {
    assertThat(ProcNetParser.parseLine(TCP_HEADER, "tcp")).isNull();
    assertThat(ProcNetParser.parseLine(TCP6_HEADER, "tcp")).isNull();
    assertThat(ProcNetParser.parseLine(UDP_HEADER, "udp")).isNull();
    assertThat(ProcNetParser.parseLine("", "tcp")).isNull();
    assertThat(ProcNetParser.parseLine("   0: 0100007F:80DE", "tcp")).isNull();
    assertThat(ProcNetParser.parseLine(NC_CLIENT.replace("0100007F:80DE", "01007F:80DE"), "tcp")).isNull();
    assertThat(ProcNetParser.parseLine(NC_CLIENT.replace("0100007F:80DE", "0100007G:80DE"), "tcp")).isNull();
    assertThat(ProcNetParser.parseLine(NC_CLIENT.replace(" 188278 ", " 18x278 "), "tcp")).isNull();
    assertThat(ProcNetParser.parseLine(NC_CLIENT.replace(":80DE", ":180DE"), "tcp")).isNull();
  }

  @Test
  void parse_wholeTable_respectsMaxAndCountsTheRest() {
    byte[] table = String.join("\n", TCP_HEADER, HOST_LISTEN, NC_CLIENT, NOT_ACCEPTED, "")
        .getBytes(StandardCharsets.US_ASCII);
    List<SocketEntry> all = new ArrayList<>();
    assertThat(ProcNetParser.parse(table, table.length, "tcp", 100, all)).isZero();
    assertThat(all).extracting(SocketEntry::localPort).containsExactly(2024, 0x80DE, 80);
    List<SocketEntry> two = new ArrayList<>();
    assertThat(ProcNetParser.parse(table, table.length, "tcp", 2, two)).isEqualTo(1);
    assertThat(two).hasSize(2);
  }

  @Test
  void format_rfc5952() {
    assertThat(ProcNetParser.format(new byte[16])).isEqualTo("::");
    assertThat(ProcNetParser.format(v6(1, 0, 0, 0, 0, 0, 0, 0))).isEqualTo("1::");
    assertThat(ProcNetParser.format(v6(1, 0, 0, 2, 0, 0, 0, 3))).isEqualTo("1:0:0:2::3");
    assertThat(ProcNetParser.format(v6(1, 0, 0, 2, 0, 0, 3, 4))).isEqualTo("1::2:0:0:3:4");
    assertThat(ProcNetParser.format(v6(1, 0, 2, 3, 4, 5, 6, 7))).isEqualTo("1:0:2:3:4:5:6:7");
    assertThat(ProcNetParser.format(v6(0xfe80, 0, 0, 0, 0xabcd, 0xff, 0xfe00, 0x1))).isEqualTo("fe80::abcd:ff:fe00:1");
    assertThat(ProcNetParser.format(v6(0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203))).isEqualTo("10.1.2.3");
    assertThat(ProcNetParser.format(v6(0, 0, 0, 0, 0, 0xfffe, 0x0a01, 0x0203))).isEqualTo("::fffe:a01:203");
    assertThat(ProcNetParser.format(new byte[] {(byte) 192, (byte) 168, 0, 1})).isEqualTo("192.168.0.1");
  }

  @Test
  void reader_growsItsBufferForLargeTables(@TempDir Path dir) throws Exception {
    StringBuilder s = new StringBuilder(TCP_HEADER).append('\n');
    for (int i = 0; i < 2000; i++) {
      s.append(NC_CLIENT.replace(":80DE", String.format(":%04X", 20000 + i))).append('\n');
    }
    Path f = dir.resolve("tcp");
    Files.writeString(f, s, StandardCharsets.US_ASCII);
    ProcNetParser.Reader r = new ProcNetParser.Reader();
    List<SocketEntry> out = r.readTable(f, "tcp");
    assertThat(out).hasSize(2000);
    assertThat(out.get(1999).localPort()).isEqualTo(21999);
  }

  @Test
  void reader_readsThisHostsOwnTable() throws Exception {
    List<SocketEntry> out = new ProcNetParser.Reader().readTable(Path.of("/proc/self/net/tcp"), "tcp");
    assertThat(out).allSatisfy(e -> assertThat(e.localIp()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+"));
  }

  private static byte[] v6(int... groups) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[2 * i] = (byte) (groups[i] >> 8);
      b[2 * i + 1] = (byte) groups[i];
    }
    return b;
  }
}
