package dev.vigil.sensor;

import static dev.vigil.sensor.ProcNetSamples.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket-table parser over lines copied from real tables ({@link ProcNetSamples}). */
class ProcNetParserTest {

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
  void address_hostOrderWords_rfc5952() {
    assertThat(address("0100007F")).isEqualTo("127.0.0.1");
    assertThat(address("00000000000000000000000000000000")).isEqualTo("::");
    assertThat(address("B80D0120000000000000000001000000")).isEqualTo("2001:db8::1");
    // 2001:db8:0:1:0:0:0:1 -> the longer zero run is compressed
    assertThat(address("B80D0120010000000000000001000000")).isEqualTo("2001:db8:0:1::1");
    // fe80::1:0:0:5 with two equal runs: the first is compressed
    assertThat(address("000080FE000000000000010005000000")).isEqualTo("fe80::1:0:0:5");
    assertThat(address("0000000000000000FFFF00000100007F")).isEqualTo("127.0.0.1"); // IPv4-mapped
    assertThat(address("0100007F00")).isNull();
  }

  @Test
  void find_decodesOnlyTheLineWithTheInode() {
    byte[] table = String.join("\n", TCP6_HEADER, NC_ACCEPTED, TIME_WAIT, HTTPD_LOOPBACK6, "")
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(ProcNetParser.find(table, table.length, "tcp", 205231)).isEqualTo(new SocketEntry("tcp", "::1", 9090,
        "::", 0, ProcNetParser.TCP_LISTEN, 0, 205231));
    assertThat(ProcNetParser.find(table, table.length, "tcp", 187273).remotePort()).isEqualTo(0x80DE);
    assertThat(ProcNetParser.find(table, table.length, "tcp", 0).state()).isEqualTo(ProcNetParser.TCP_TIME_WAIT);
    assertThat(ProcNetParser.find(table, table.length, "tcp", 5231)).isNull(); // a suffix of an inode is no match
    assertThat(ProcNetParser.find(table, table.length, "tcp", 1205231)).isNull();
    assertThat(ProcNetParser.find(table, table.length - 40, "tcp", 205231)).isNull(); // beyond the length
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

  private static String address(String hex) {
    byte[] b = hex.getBytes(StandardCharsets.US_ASCII);
    return ProcNetParser.address(b, 0, b.length);
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
