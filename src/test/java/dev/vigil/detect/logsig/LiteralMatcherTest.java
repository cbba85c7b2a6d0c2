package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detect.logsig.LiteralMatcher.Literal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LiteralMatcherTest {

  /** A hit as (literal index, start byte). */
  private record Hit(int literal, int start) {}

  private static List<Hit> hits(LiteralMatcher m, byte[] b, int from, int to) {
    List<Hit> out = new ArrayList<>();
    m.scan(b, from, to, (l, s) -> out.add(new Hit(l, s)));
    return out;
  }

  private static List<Hit> hits(LiteralMatcher m, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return hits(m, b, 0, b.length);
  }

  private static LiteralMatcher ci(String... literals) {
    return LiteralMatcher.compile(Arrays.stream(literals).map(l -> new Literal(l, true)).toList());
  }

  @Test
  void findsLiteralsAndTheirStartsAndNothingElse() {
    LiteralMatcher m = ci("nmap scan report", "${jndi:", "/etc/passwd");
    assertThat(hits(m, "GET /?q=${jndi:ldap://x} then /etc/passwd"))
        .containsExactly(new Hit(1, 8), new Hit(2, 30));
    assertThat(hits(m, "GET /index.html HTTP/1.1 200 - virus scan report")).isEmpty();
    assertThat(m.matches("Nmap scan report for 10.0.0.1".getBytes(StandardCharsets.UTF_8), 0, 29)).isTrue();
  }

  @Test
  void ignoreCaseFoldsAsciiWhileExactLiteralsKeepTheirCase() {
    LiteralMatcher m = LiteralMatcher.compile(List.of(new Literal("Nmap Scan", true), new Literal("AKIA", false),
        new Literal("rO0AB", false)));
    assertThat(hits(m, "NMAP SCAN and nmap scan")).containsExactly(new Hit(0, 0), new Hit(0, 14));
    assertThat(hits(m, "key AKIA akia Akia")).containsExactly(new Hit(1, 4));
    assertThat(hits(m, "ro0ab RO0AB rO0AB")).containsExactly(new Hit(2, 12));
  }

  @Test
  void exactAndIgnoreCaseVersionsOfOneLiteralAreBothReported() {
    LiteralMatcher m = LiteralMatcher.compile(List.of(new Literal("Login failed", false),
        new Literal("login failed", true)));
    assertThat(hits(m, "LOGIN FAILED")).containsExactly(new Hit(1, 0));
    assertThat(hits(m, "Login failed")).containsExactly(new Hit(0, 0), new Hit(1, 0));
  }

  @Test
  void overlappingNestedAndRepeatedLiteralsAreAllReported() {
    LiteralMatcher m = ci("abcd", "bcde", "abcdef", "cdef", "abcd");
    assertThat(hits(m, "xabcdefx")).containsExactly(
        new Hit(0, 1), new Hit(4, 1), new Hit(2, 1), new Hit(1, 2), new Hit(3, 3));
    assertThat(hits(m, "aaaa"))
        .isEmpty();
    LiteralMatcher aaaa = ci("aaaa");
    assertThat(hits(aaaa, "aaaaaa")).containsExactly(new Hit(0, 0), new Hit(0, 1), new Hit(0, 2));
  }

  @Test
  void multiByteUtf8AroundAndInsideLiterals() {
    LiteralMatcher m = ci("Zürich", "${jndi:", "日本語");
    String line = "é日本語${jndi:x}ü—Zürich ZÜRICH ZüRICH";
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    List<Hit> h = hits(m, b, 0, b.length);
    // Only ASCII letters fold: "ZÜRICH" has a different Ü, "ZüRICH" differs from "Zürich" only in ASCII case.
    assertThat(h).extracting(Hit::literal).containsExactly(2, 1, 0, 0);
    assertThat(new String(b, h.get(0).start(), 9, StandardCharsets.UTF_8)).isEqualTo("日本語");
    assertThat(new String(b, h.get(1).start(), 7, StandardCharsets.UTF_8)).isEqualTo("${jndi:");
    assertThat(new String(b, h.get(3).start(), 7, StandardCharsets.UTF_8)).isEqualTo("ZüRICH");
    // Two 2-byte chars are 4 bytes: long enough.
    assertThat(hits(ci("éé"), "xééx")).containsExactly(new Hit(0, 1));
  }

  @Test
  void aTenMegabyteLineIsScannedToTheEnd() {
    byte[] b = new byte[10 * 1024 * 1024];
    Arrays.fill(b, (byte) 'a');
    byte[] tail = "stratum+tcp://pool".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tail, 0, b, b.length - tail.length, tail.length);
    byte[] head = "XMRig/6.21".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, b, 0, head.length);
    LiteralMatcher m = ci("stratum+tcp://", "xmrig/", "aaab");
    assertThat(hits(m, b, 0, b.length)).containsExactly(new Hit(1, 0), new Hit(0, b.length - tail.length));
  }

  @Test
  void invalidUtf8NulAndControlBytesAreJustBytes() {
    LiteralMatcher m = ci("/bin/sh -i", "passwd");
    byte[] b = {(byte) 0xFF, (byte) 0xC3, '/', 'b', 'i', 'n', '/', 's', 'h', ' ', '-', 'i', (byte) 0xE2, (byte) 0x82,
        0, 0x1b, 'P', 'A', 'S', 'S', 'W', 'D', (byte) 0x80};
    assertThat(hits(m, b, 0, b.length)).containsExactly(new Hit(0, 2), new Hit(1, 16));
    // A String with an unpaired surrogate scans as its UTF-8 encoding ('?').
    List<Hit> fromString = new ArrayList<>();
    m.scan("\uD800/bin/sh -i", (l, s) -> fromString.add(new Hit(l, s)));
    assertThat(fromString).containsExactly(new Hit(0, 1));
  }

  @Test
  void rangeBoundsAreRespectedAndShortInputsAreFine() {
    LiteralMatcher m = ci("abcd");
    byte[] b = "xxabcdxx".getBytes(StandardCharsets.US_ASCII);
    assertThat(hits(m, b, 0, 5)).isEmpty();
    assertThat(hits(m, b, 3, 8)).isEmpty();
    assertThat(hits(m, b, 2, 6)).containsExactly(new Hit(0, 2));
    assertThat(hits(m, b, 0, 0)).isEmpty();
    assertThat(hits(m, "abc")).isEmpty();
    assertThatThrownBy(() -> m.scan(b, 4, 9, (l, s) -> true)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aReceiverCanStopTheScan() {
    LiteralMatcher m = ci("abcd");
    List<Integer> starts = new ArrayList<>();
    boolean any = m.scan("abcd abcd abcd".getBytes(StandardCharsets.US_ASCII), 0, 14, (l, s) -> {
      starts.add(s);
      return starts.size() < 2;
    });
    assertThat(any).isTrue();
    assertThat(starts).containsExactly(0, 5);
  }

  @Test
  void literalsShorterThanFourBytesAndEmptyListsAreRefused() {
    assertThatThrownBy(() -> new Literal("|sh", true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'|sh' is 3 bytes; the minimum is 4");
    assertThatThrownBy(() -> LiteralMatcher.compile(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Differential test against a naive search: random literal sets over a small alphabet (so that literals share
   * prefixes, overlap and collide in the filter) mixing cases, multi-byte chars and invalid bytes.
   */
  @Test
  void agreesWithNaiveSearchOnRandomInputs() {
    SplittableRandom rnd = new SplittableRandom(42);
    String[] alphabet = {"a", "b", "A", "B", "c", "/", " ", "é", "É", "日", "\u0000"};
    for (int round = 0; round < 300; round++) {
      int n = 1 + rnd.nextInt(40);
      List<Literal> literals = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        StringBuilder sb = new StringBuilder();
        int len = 4 + rnd.nextInt(5);
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < len) {
          sb.append(alphabet[rnd.nextInt(alphabet.length)]);
        }
        literals.add(new Literal(sb.toString(), rnd.nextBoolean()));
      }
      LiteralMatcher m = LiteralMatcher.compile(literals);
      for (int t = 0; t < 20; t++) {
        byte[] text = randomText(rnd, alphabet, rnd.nextInt(200));
        int from = text.length == 0 ? 0 : rnd.nextInt(text.length);
        int to = from + rnd.nextInt(text.length - from + 1);
        assertThat(hits(m, text, from, to)).as("round %d text %d", round, t)
            .containsExactlyElementsOf(naive(literals, text, from, to));
      }
    }
  }

  private static byte[] randomText(SplittableRandom rnd, String[] alphabet, int tokens) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      sb.append(alphabet[rnd.nextInt(alphabet.length)]);
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (b.length > 0 && rnd.nextInt(4) == 0) {
      b[rnd.nextInt(b.length)] = (byte) (0x80 + rnd.nextInt(0x80)); // a broken sequence somewhere
    }
    return b;
  }

  private static List<Hit> naive(List<Literal> literals, byte[] text, int from, int to) {
    List<Hit> out = new ArrayList<>();
    for (int start = from; start < to; start++) {
      List<Hit> here = new ArrayList<>();
      for (int i = 0; i < literals.size(); i++) {
        byte[] lit = literals.get(i).text().getBytes(StandardCharsets.UTF_8);
        if (start + lit.length <= to && equalAt(text, start, lit, literals.get(i).ignoreCase())) {
          here.add(new Hit(i, start));
        }
      }
      // Shorter literals first, then by index, as the trie reports them.
      here.sort((x, y) -> {
        int lx = literals.get(x.literal()).text().getBytes(StandardCharsets.UTF_8).length;
        int ly = literals.get(y.literal()).text().getBytes(StandardCharsets.UTF_8).length;
        return lx != ly ? Integer.compare(lx, ly) : Integer.compare(x.literal(), y.literal());
      });
      out.addAll(here);
    }
    return out;
  }

  private static boolean equalAt(byte[] text, int start, byte[] lit, boolean ignoreCase) {
    for (int k = 0; k < lit.length; k++) {
      byte a = text[start + k];
      byte b = lit[k];
      if (ignoreCase) {
        a = a >= 'A' && a <= 'Z' ? (byte) (a + 32) : a;
        b = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
      }
      if (a != b) {
        return false;
      }
    }
    return true;
  }
}
