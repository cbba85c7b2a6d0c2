package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StampedLinesTest {

  private final List<String> lines = new ArrayList<>();
  private final StampedLines s = new StampedLines(16384);

  private void feed(String chunk, boolean framed) {
    s.feed(chunk.getBytes(StandardCharsets.UTF_8), framed, l -> lines.add(l.text()));
  }

  private static long nanos(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static long parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    return StampedLines.parseNanos(b, b.length);
  }

  @Test
  void parse_readsTheEnginesStamp_toTheNanosecond() {
    assertThat(parse("2026-12-07T23:10:00.123456789Z")).isEqualTo(nanos("2026-12-07T23:10:00.123456789Z"));
    assertThat(parse("2026-12-07T23:10:00Z")).isEqualTo(nanos("2026-12-07T23:10:00Z"));
    assertThat(parse("2026-12-07T23:10:00.5Z")).isEqualTo(nanos("2026-12-07T23:10:00.500Z"));
    assertThat(parse("2026-12-08T00:10:00.000000001+01:00")).isEqualTo(nanos("2026-12-07T23:10:00.000000001Z"));
    assertThat(parse("2026-12-07T20:40:00-02:30")).isEqualTo(nanos("2026-12-07T23:10:00Z"));
  }

  @Test
  void parse_refusesWhatIsNotAStamp() {
    for (String bad : new String[] {"hello", "2026-12-07 23:10:00Z", "2026-13-07T23:10:00Z", "2026-02-30T23:10:00Z",
        "2026-12-07T23:10:00", "2026-12-07T23:10:00.Z", "2026-12-07T23:10:00.123456789", "2026-12-07T2x:10:00Z"}) {
      assertThat(parse(bad)).as(bad).isEqualTo(StampedLines.NO_STAMP);
    }
  }

  @Test
  void framedMessages_loseTheirStamp_andAMessageSplitByTheEngineIsOneLineAgain() {
    feed("2026-12-07T23:10:00.000000001Z first line\n", true);
    feed("2026-12-07T23:10:01.000000000Z part one, ", true);
    feed("2026-12-07T23:10:02.000000000Z part two\n", true);
    feed("2026-12-07T23:10:03.000000000Z \n", true);
    assertThat(lines).containsExactly("first line", "part one, part two", "");
    assertThat(s.lastStampNanos()).isEqualTo(nanos("2026-12-07T23:10:03Z"));
  }

  @Test
  void rawChunks_lineStartsCarryTheStamp_evenWhenAChunkCutsAStampInTwo() {
    feed("2026-12-07T23:10:00.000000000Z a\n2026-12-07T23:1", false);
    assertThat(lines).containsExactly("a");
    feed("0:05.000000000Z b\r\n2026-12-07T23:10:06.000000000Z c", false);
    feed("c\n", false);
    assertThat(lines).containsExactly("a", "b", "cc");
    assertThat(s.lastStampNanos()).isEqualTo(nanos("2026-12-07T23:10:06Z"));
  }

  @Test
  void textThatIsNotAStamp_isKeptAsOutput() {
    feed("no stamp here\n", true);
    feed("x".repeat(60) + " y\n", false);
    assertThat(lines).containsExactly("no stamp here", "x".repeat(60) + " y");
    assertThat(s.lastStampNanos()).isEqualTo(StampedLines.NO_STAMP);
  }

  /**
   * docker-java hands one engine message over in as many frames as its reads return: split anywhere, inside the
   * stamp included, the lines come out whole (a 10,000-line burst lost one line in about 126, at each read boundary
   * that cut a stamp, when every frame started a message).
   */
  @Test
  void messagesCutIntoFramesAnywhere_comeOutWhole() {
    String stream = "2026-12-07T23:10:00.1Z vigil-it-burst 1\n" + "2026-12-07T23:10:00.12Z vigil-it-burst 2\n"
        + "2026-12-07T23:10:00.123456789Z vigil-it-burst 3\n";
    for (int cut = 1; cut < stream.length(); cut++) {
      for (int cut2 = cut + 1; cut2 < stream.length(); cut2 += 7) {
        lines.clear();
        StampedLines fresh = new StampedLines(16384);
        for (String part : List.of(stream.substring(0, cut), stream.substring(cut, cut2), stream.substring(cut2))) {
          fresh.feed(part.getBytes(StandardCharsets.UTF_8), true, l -> lines.add(l.text()));
        }
        assertThat(lines).as("cut at %d and %d", cut, cut2)
            .containsExactly("vigil-it-burst 1", "vigil-it-burst 2", "vigil-it-burst 3");
      }
    }
  }
}
