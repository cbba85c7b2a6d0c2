package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.sensor.docker.LineSplitter.Line;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

  private final List<Line> lines = new ArrayList<>();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(List<Line> ls) {
    List<String> t = new ArrayList<>();
    for (Line l : ls) {
      t.add(l.text());
    }
    return t;
  }

  @Test
  void manyLinesInOneChunk() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(utf8("alpha\nbeta\ngamma\npartial"), lines::add);

    assertThat(texts(lines)).containsExactly("alpha", "beta", "gamma");
    assertThat(lines).allSatisfy(l -> assertThat(l.truncated()).isFalse());
    assertThat(lines.get(1).originalBytes()).isEqualTo(4);

    s.flush(lines::add);
    assertThat(texts(lines)).containsExactly("alpha", "beta", "gamma", "partial");
  }

  @Test
  void oneLineAcrossManyChunks() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(utf8("hel"), lines::add);
    s.feed(utf8("lo wo"), lines::add);
    assertThat(lines).isEmpty();
    s.feed(utf8("rld\nnext"), lines::add);
    s.feed(utf8("\n"), lines::add);

    assertThat(lines).containsExactly(new Line("hello world", false, 11), new Line("next", false, 4));
  }

  @Test
  void byteByByteFeeding() {
    LineSplitter s = new LineSplitter(1024);
    byte[] input = utf8("first line\r\nzweite Zeile \u20ac\n\nlast");
    for (byte b : input) {
      s.feed(new byte[] {b}, lines::add);
    }
    s.flush(lines::add);

    assertThat(texts(lines)).containsExactly("first line", "zweite Zeile \u20ac", "", "last");
  }

  @Test
  void feedWithOffsetAndLengthUsesOnlyThatRange() {
    LineSplitter s = new LineSplitter(1024);
    byte[] buf = utf8("XXabc\ndefYY");
    s.feed(buf, 2, 7, lines::add);
    s.flush(lines::add);

    assertThat(texts(lines)).containsExactly("abc", "def");
    assertThatThrownBy(() -> s.feed(buf, 5, 10, lines::add)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void crlfIsStripped() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(utf8("one\r\ntwo\r"), lines::add);
    s.feed(utf8("\nthree\rstill three\n\r\n"), lines::add);

    assertThat(lines)
        .containsExactly(
            new Line("one", false, 3),
            new Line("two", false, 3),
            new Line("three\rstill three", false, 17),
            new Line("", false, 0));
  }

  @Test
  void loneTrailingCarriageReturnIsKeptOnFlush() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(utf8("prompt\r"), lines::add);
    s.flush(lines::add);

    assertThat(lines).containsExactly(new Line("prompt\r", false, 7));
  }

  @Test
  void emptyLinesAreEmitted() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(utf8("\n\na\n\n"), lines::add);

    assertThat(lines)
        .containsExactly(
            new Line("", false, 0), new Line("", false, 0), new Line("a", false, 1), new Line("", false, 0));
  }

  @Test
  void flushEmitsPendingPartialLineOnce() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(utf8("done\ntail"), lines::add);
    s.flush(lines::add);
    s.flush(lines::add);

    assertThat(lines).containsExactly(new Line("done", false, 4), new Line("tail", false, 4));
  }

  @Test
  void flushWithNothingPendingEmitsNothing() {
    LineSplitter s = new LineSplitter(1024);
    s.flush(lines::add);
    assertThat(lines).isEmpty();

    s.feed(utf8("complete\n"), lines::add);
    s.feed(new byte[0], lines::add);
    s.flush(lines::add);
    assertThat(lines).containsExactly(new Line("complete", false, 8));
  }

  @Test
  void tenMegabyteLineIsTruncatedAndNextLineIsIntact() {
    int max = 16384;
    int huge = 10 * 1024 * 1024;
    LineSplitter s = new LineSplitter(max);
    byte[] chunk = new byte[65536];
    Arrays.fill(chunk, (byte) 'x');
    for (int sent = 0; sent < huge; sent += chunk.length) {
      s.feed(chunk, 0, Math.min(chunk.length, huge - sent), lines::add);
    }
    assertThat(lines).isEmpty();
    s.feed(utf8("\nafter\n"), lines::add);

    assertThat(lines).hasSize(2);
    Line big = lines.get(0);
    assertThat(big.truncated()).isTrue();
    assertThat(big.text()).hasSize(max);
    assertThat(big.text().chars()).allMatch(c -> c == 'x');
    assertThat(big.originalBytes()).isEqualTo(10_485_760L);
    assertThat(lines.get(1)).isEqualTo(new Line("after", false, 5));
    assertThat(s.truncatedLines()).isEqualTo(1);
  }

  @Test
  void truncatedLineFeedsInOneChunkAndCarriageReturnIsNotCounted() {
    LineSplitter s = new LineSplitter(4);
    s.feed(utf8("abcdefgh\r\n"), lines::add);

    assertThat(lines).containsExactly(new Line("abcd", true, 8));
  }

  @Test
  void lineExactlyAtTheBoundIsNotTruncated() {
    LineSplitter s = new LineSplitter(4);
    s.feed(utf8("abcd\nabcd\r\nabcde\n"), lines::add);

    assertThat(lines)
        .containsExactly(new Line("abcd", false, 4), new Line("abcd", false, 4), new Line("abcd", true, 5));
    assertThat(s.truncatedLines()).isEqualTo(1);
  }

  @Test
  void truncatedPartialLineIsEmittedOnFlush() {
    LineSplitter s = new LineSplitter(3);
    s.feed(utf8("abcdef"), lines::add);
    s.flush(lines::add);

    assertThat(lines).containsExactly(new Line("abc", true, 6));
    assertThat(s.truncatedLines()).isEqualTo(1);
  }

  @Test
  void truncatedLinesCountsEveryCutLine() {
    LineSplitter s = new LineSplitter(2);
    assertThat(s.truncatedLines()).isZero();
    s.feed(utf8("ok\ntoo long\nab\nlonger still\nx\nabc"), lines::add);
    s.flush(lines::add);

    assertThat(texts(lines)).containsExactly("ok", "to", "ab", "lo", "x", "ab");
    assertThat(s.truncatedLines()).isEqualTo(3);
  }

  @Test
  void invalidUtf8IsReplacedWithoutException() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(new byte[] {'a', (byte) 0xff, (byte) 0xfe, 'b', '\n'}, lines::add);
    s.feed(new byte[] {(byte) 0x80, 'c', '\n'}, lines::add);
    s.feed(new byte[] {'d', (byte) 0xe2, (byte) 0x82, '\n'}, lines::add);

    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).text()).startsWith("a").endsWith("b").contains("\uFFFD");
    assertThat(lines.get(0).originalBytes()).isEqualTo(4);
    assertThat(lines.get(1).text()).isEqualTo("\uFFFDc");
    assertThat(lines.get(2).text()).startsWith("d\uFFFD").doesNotContain("\n");
    assertThat(lines).allSatisfy(l -> assertThat(l.truncated()).isFalse());
  }

  @Test
  void multibyteCharSplitAcrossChunksDecodes() {
    LineSplitter s = new LineSplitter(1024);
    s.feed(new byte[] {'p', 'r', 'i', 'c', 'e', ' ', (byte) 0xe2}, lines::add);
    s.feed(new byte[] {(byte) 0x82, (byte) 0xac, '\n'}, lines::add);

    assertThat(lines).containsExactly(new Line("price \u20ac", false, 9));
  }

  @Test
  void cutInsideMultibyteCharBacksOffToCharBoundary() {
    // "ab€€" is a b e2 82 ac e2 82 ac: bounds 3, 4, 6 and 7 land inside a €.
    for (int max = 3; max <= 7; max++) {
      List<Line> out = new ArrayList<>();
      LineSplitter s = new LineSplitter(max);
      s.feed(utf8("ab\u20ac\u20ac\n"), out::add);

      String expected = max < 5 ? "ab" : "ab\u20ac";
      assertThat(out).as("max=%d", max).containsExactly(new Line(expected, true, 8));
    }
    List<Line> out = new ArrayList<>();
    LineSplitter s = new LineSplitter(5);
    s.feed(utf8("abc\u20ac\n"), out::add);
    assertThat(out).containsExactly(new Line("abc", true, 6));
  }

  @Test
  void cutOnCharBoundaryKeepsWholeChars() {
    LineSplitter s = new LineSplitter(5);
    s.feed(utf8("ab\u20ac\u20ac\u20ac\n"), lines::add);
    // a 4-byte char (U+1F600) cut after 1, 2 and 3 of its bytes
    for (int max = 1; max <= 3; max++) {
      LineSplitter e = new LineSplitter(max);
      e.feed(utf8("\uD83D\uDE00!\n"), lines::add);
    }

    assertThat(lines)
        .containsExactly(
            new Line("ab\u20ac", true, 11), new Line("", true, 5), new Line("", true, 5), new Line("", true, 5));
    assertThat(texts(lines)).noneMatch(t -> t.endsWith("\uFFFD"));
  }

  @Test
  void rejectsNonPositiveBound() {
    assertThatThrownBy(() -> new LineSplitter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
