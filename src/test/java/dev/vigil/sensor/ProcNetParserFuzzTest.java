package dev.vigil.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TextMutations;
import dev.vigil.fuzz.TryTimeLimit;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the {@code /proc/net/{tcp,udp}[6]} parser: hostile tables (the sample lines with random edits, random
 * bytes) are parsed without an exception, at most one entry per line and never more than asked for; a table
 * written from random sockets (IPv4 and IPv6 addresses, ports, states, uids, inodes) parses back to those sockets,
 * and {@code find} finds each by its inode.
 */
@AddLifecycleHook(TryTimeLimit.class)
class ProcNetParserFuzzTest {

  private static final String SEED = String.join("\n", ProcNetSamples.TCP_HEADER, ProcNetSamples.HOST_LISTEN,
      ProcNetSamples.NC_CLIENT, ProcNetSamples.NC_ACCEPTED, ProcNetSamples.TIME_WAIT, ProcNetSamples.GLOBAL6_CLIENT);
  private static final List<String> TOKENS = List.of(" ", "\t", "\r", "\n", ":", "0", "F", "g", "-", "00000000",
      "0100007F:1F90", "FFFFFFFFFFFFFFFFF", "99999999999999999999", "\u00ff", "\u0000");

  /** One socket of a generated table. */
  private record Sock(byte[] local, int localPort, byte[] remote, int remotePort, int state, int uid, long inode) {}

  @Property
  void hostileTablesParseWithoutAnException(@ForAll("hostile") byte[] table, @ForAll("max") int max) {
    List<SocketEntry> out = new ArrayList<>();
    int skipped = ProcNetParser.parse(table, table.length, "tcp", max, out);
    long lines = new String(table, StandardCharsets.ISO_8859_1).lines().count();
    assertThat(out.size()).isLessThanOrEqualTo(max).isLessThanOrEqualTo((int) lines);
    assertThat(skipped).isBetween(0, (int) lines);
    assertThat(ProcNetParser.find(table, table.length, "tcp", 188278)).satisfiesAnyOf(
        e -> assertThat(e).isNull(), e -> assertThat(e.inode()).isEqualTo(188278));
  }

  @Property
  void generatedTablesParseBackToTheirSockets(@ForAll("sockets") List<Sock> socks) throws UnknownHostException {
    StringBuilder text = new StringBuilder(ProcNetSamples.TCP_HEADER).append('\n');
    for (int i = 0; i < socks.size(); i++) {
      text.append(line(i, socks.get(i))).append('\n');
    }
    byte[] table = text.toString().getBytes(StandardCharsets.ISO_8859_1);
    List<SocketEntry> out = new ArrayList<>();
    assertThat(ProcNetParser.parse(table, table.length, "tcp", Integer.MAX_VALUE, out)).isZero();
    assertThat(out).hasSize(socks.size());
    for (int i = 0; i < socks.size(); i++) {
      Sock s = socks.get(i);
      SocketEntry e = out.get(i);
      assertThat(InetAddress.getByName(e.localIp())).isEqualTo(InetAddress.getByAddress(s.local()));
      assertThat(InetAddress.getByName(e.remoteIp())).isEqualTo(InetAddress.getByAddress(s.remote()));
      assertThat(e).extracting(SocketEntry::localPort, SocketEntry::remotePort, SocketEntry::state, SocketEntry::uid,
          SocketEntry::inode).containsExactly(s.localPort(), s.remotePort(), s.state(), s.uid(), s.inode());
      assertThat(ProcNetParser.find(table, table.length, "tcp", s.inode())).isNotNull()
          .extracting(SocketEntry::inode).isEqualTo(s.inode());
    }
  }

  /** A table line as the kernel prints it: each 32-bit word of the address in host order, in hex. */
  private static String line(int sl, Sock s) {
    return String.format("%4d: %s:%04X %s:%04X %02X 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 "
        + "0000000082b26f8c 20 0 0 10 -1", sl, kernelHex(s.local()), s.localPort(), kernelHex(s.remote()),
        s.remotePort(), s.state(), s.uid(), s.inode());
  }

  private static String kernelHex(byte[] ip) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < ip.length; w += 4) {
      byte[] word = {ip[w], ip[w + 1], ip[w + 2], ip[w + 3]};
      if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
        word = new byte[] {ip[w + 3], ip[w + 2], ip[w + 1], ip[w]};
      }
      sb.append(HexFormat.of().withUpperCase().formatHex(word));
    }
    return sb.toString();
  }

  @Provide
  Arbitrary<List<Sock>> sockets() {
    Arbitrary<Integer> port = Arbitraries.integers().between(0, 65_535);
    Arbitrary<byte[]> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4);
    Arbitrary<byte[]> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16);
    // kind 0: IPv4 table; 1: IPv6 addresses; 2: IPv4-mapped IPv6 (an IPv6 socket talking IPv4)
    Arbitrary<Sock> sock = Combinators.combine(Arbitraries.integers().between(0, 2), v4, v4, v6, v6, port, port,
        Arbitraries.integers().between(1, 12)).as((kind, l4, r4, l6, r6, lp, rp, st) -> new Sock(
            kind == 0 ? l4 : kind == 1 ? l6 : mapped(l4), lp, kind == 0 ? r4 : kind == 1 ? r6 : mapped(r4), rp, st,
            0, 0));
    Arbitrary<Sock> owned = Combinators.combine(sock, Arbitraries.integers().between(0, Integer.MAX_VALUE),
        Arbitraries.longs().between(1, 1L << 40)).as((s, uid, inode) -> new Sock(s.local(), s.localPort(), s.remote(),
            s.remotePort(), s.state(), uid, inode));
    return owned.list().ofMaxSize(10).map(l -> {
      List<Sock> unique = new ArrayList<>(); // distinct inodes, so that find() has one answer
      for (int i = 0; i < l.size(); i++) {
        Sock s = l.get(i);
        unique.add(new Sock(s.local(), s.localPort(), s.remote(), s.remotePort(), s.state(), s.uid(),
            s.inode() * 16 + i));
      }
      return unique;
    });
  }

  private static byte[] mapped(byte[] a) {
    return new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, a[0], a[1], a[2], a[3]};
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    return Arbitraries.oneOf(TextMutations.mutationsOf(SEED, TOKENS, 6).map(s -> s.getBytes(StandardCharsets
        .ISO_8859_1)), Arbitraries.bytes().array(byte[].class).ofMaxSize(400));
  }

  @Provide
  Arbitrary<Integer> max() {
    return Arbitraries.integers().between(0, 8);
  }
}
