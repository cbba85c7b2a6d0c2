package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Socket tables as /proc/<pid>/net prints them (samples from this host, little-endian like x86-64 and arm64). */
class SocketTableTest {

  static final String TCP = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      + "timeout inode\n"
      + "   0: 00000000:115C 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1456930 1 "
      + "0000000000000000 100 0 0 10 0\n"
      + "   1: 0100007F:EBAC 0100007F:115C 01 00000000:00000000 00:00000000 00000000     0        0 1456932 2 "
      + "00000000e61ac0d6 20 0 0 10 -1\n";
  static final String TCP6 = "  sl  local_address                         remote_address                        st "
      + "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      + "   0: 0000000000000000FFFF00000100007F:8D07 00000000000000000000000000000000:0000 0A 00000000:00000000 "
      + "00:00000000 00000000     0        0 1804123 1 0000000060fc3972 100 0 0 10 0\n"
      + "   1: 0000000000000000FFFF00000100007F:8D07 0000000000000000FFFF00000100007F:DC5A 01 00000000:00000000 "
      + "00:00000000 00000000     0        0 1806284 1 00000000e8875a01 20 4 24 13 -1\n"
      + "   2: 00000000000000000000000001000000:1F90 B80D0120000000000000000001000000:01BB 01 00000000:00000000 "
      + "00:00000000 00000000  1000        0 777 1 00000000e8875a01 20 4 24 13 -1\n";
  static final String UNIX = "Num       RefCount Protocol Flags    Type St Inode Path\n"
      + "00000000bbf19432: 00000002 00000000 00010000 0001 01 1804232 /run/containerd/s/10847714b6112f\n"
      + "00000000348fd29b: 00000002 00000000 00010000 0001 01 160347 /var/run/docker.sock\n"
      + "0000000045982390: 00000003 00000000 00000000 0001 03 160359\n";

  @BeforeAll
  static void littleEndianHost() {
    // The samples were printed by a little-endian kernel; the decoder follows the host's order.
    org.junit.jupiter.api.Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void socketInode_fromFdLink() {
    assertThat(SocketTable.socketInode("socket:[1456932]")).isEqualTo(1456932);
    assertThat(SocketTable.socketInode("pipe:[1456932]")).isEqualTo(-1);
    assertThat(SocketTable.socketInode("socket:[x]")).isEqualTo(-1);
    assertThat(SocketTable.socketInode("/dev/null")).isEqualTo(-1);
  }

  @Test
  void ipv4_connectedAndListening() {
    assertThat(SocketTable.findInet(bytes(TCP), "tcp", 1456932, "ipv4"))
        .contains(new SocketTable.Socket("ipv4", "127.0.0.1:60332", "127.0.0.1:4444"));
    assertThat(SocketTable.findInet(bytes(TCP), "tcp", 1456930, "ipv4"))
        .contains(new SocketTable.Socket("ipv4", "0.0.0.0:4444", ""));
    assertThat(SocketTable.findInet(bytes(TCP), "tcp", 42, "ipv4")).isEmpty();
    // the header's "inode" column is not a match
    assertThat(SocketTable.findInet(bytes(TCP), "tcp", 0, "ipv4")).isEmpty();
  }

  @Test
  void ipv6_mappedLoopbackAndCompressed() {
    assertThat(SocketTable.findInet(bytes(TCP6), "tcp", 1806284, "ipv6")).contains(
        new SocketTable.Socket("ipv6", "[::ffff:127.0.0.1]:36103", "[::ffff:127.0.0.1]:56410"));
    assertThat(SocketTable.findInet(bytes(TCP6), "tcp", 777, "ipv6"))
        .contains(new SocketTable.Socket("ipv6", "[::1]:8080", "[2001:db8::1]:443"));
    assertThat(SocketTable.findInet(bytes(TCP6), "tcp", 1804123, "ipv6"))
        .contains(new SocketTable.Socket("ipv6", "[::ffff:127.0.0.1]:36103", ""));
  }

  @Test
  void unix_pathOrNone() {
    assertThat(SocketTable.findUnix(UNIX, 160347))
        .contains(new SocketTable.Socket("unix", "/var/run/docker.sock", ""));
    assertThat(SocketTable.findUnix(UNIX, 160359)).contains(new SocketTable.Socket("unix", "", ""));
    assertThat(SocketTable.findUnix(UNIX, 1)).isEmpty();
  }

  @Test
  void find_searchesTheProcessesOwnTables(@TempDir Path root) throws Exception {
    Path net = Files.createDirectories(root.resolve("31/net"));
    Files.writeString(net.resolve("tcp"), TCP);
    Files.writeString(net.resolve("tcp6"), TCP6);
    Files.writeString(net.resolve("unix"), UNIX);
    ProcFs proc = new ProcFs(root);
    assertThat(SocketTable.find(proc, 31, 777).map(SocketTable.Socket::type)).contains("ipv6");
    assertThat(SocketTable.find(proc, 31, 1456932).map(SocketTable.Socket::remote)).contains("127.0.0.1:4444");
    assertThat(SocketTable.find(proc, 31, 160347).map(SocketTable.Socket::type)).contains("unix");
    assertThat(SocketTable.find(proc, 31, 5)).isEmpty();
    assertThat(SocketTable.find(proc, 32, 777)).isEmpty();
  }

  private static byte[] bytes(String table) {
    return table.getBytes(StandardCharsets.US_ASCII);
  }
}
