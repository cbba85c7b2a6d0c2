package dev.vigil.sink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

  private static final long MB = 1024 * 1024;
  private static final Duration NO_WAIT = Duration.ZERO;

  @TempDir
  Path dir;

  private Spool open(long max) throws IOException {
    return open(max, null);
  }

  private Spool open(long max, Spool.Listener l) throws IOException {
    return Spool.open(dir, max, FsyncPolicy.NEVER, Duration.ofSeconds(1), l);
  }

  private static byte[] rec(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> recs(int from, int to, int pad) {
    return IntStream.range(from, to).mapToObj(i -> rec("r" + i + "-" + "x".repeat(pad)))
        .collect(Collectors.toList());
  }

  private static List<String> texts(Spool.Batch b) {
    return b.records().stream().map(r -> new String(r, StandardCharsets.UTF_8)).collect(Collectors.toList());
  }

  /** Reads and acknowledges everything, returning the texts in order. */
  private static List<String> drain(Spool s) throws Exception {
    List<String> out = new ArrayList<>();
    while (true) {
      Spool.Batch b = s.read(1000, NO_WAIT);
      if (b.isEmpty()) {
        return out;
      }
      out.addAll(texts(b));
      s.ack(b);
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> l = Files.list(dir)) {
      return l.filter(p -> p.toString().endsWith(".seg")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void appendedRecords_areReadInOrder_andAckEmptiesTheSpool() throws Exception {
    try (Spool s = open(MB)) {
      s.append(List.of(rec("a"), rec("bb"), rec("ccc")));
      assertThat(s.depthRecords()).isEqualTo(3);
      assertThat(s.depthBytes()).isEqualTo(3 * Spool.HEADER + 6);

      Spool.Batch b = s.read(2, NO_WAIT);
      assertThat(texts(b)).containsExactly("a", "bb");
      s.ack(b);
      assertThat(s.depthRecords()).isEqualTo(1);
      assertThat(drain(s)).containsExactly("ccc");
      assertThat(s.depthRecords()).isZero();
      assertThat(s.depthBytes()).isZero();
    }
  }

  @Test
  void readWaitsForAppends_fromAnotherThread() throws Exception {
    try (Spool s = open(MB)) {
      Thread t = new Thread(() -> {
        try {
          Thread.sleep(100);
          s.append(List.of(rec("late")));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      t.start();
      Spool.Batch b = s.read(10, Duration.ofSeconds(10));
      t.join();
      assertThat(texts(b)).containsExactly("late");
    }
  }

  @Test
  void reopen_replaysOnlyUnacknowledged_beforeNewRecords() throws Exception {
    try (Spool s = open(MB)) {
      s.append(recs(0, 5, 0));
      Spool.Batch b = s.read(2, NO_WAIT);
      s.ack(b);
      // read but not acknowledged: a crash in the middle of delivering it
      assertThat(texts(s.read(1, NO_WAIT))).containsExactly("r2-");
    }
    try (Spool s = open(MB)) {
      assertThat(s.depthRecords()).isEqualTo(3);
      s.append(List.of(rec("new")));
      assertThat(drain(s)).containsExactly("r2-", "r3-", "r4-", "new");
    }
    try (Spool s = open(MB)) {
      assertThat(s.depthRecords()).isZero();
      assertThat(drain(s)).isEmpty();
    }
  }

  @Test
  void fullyAcknowledgedSegments_areDeleted() throws Exception {
    try (Spool s = open(64 * 1024)) { // 8 KiB segments
      for (int i = 0; i < 10; i++) {
        s.append(recs(i * 10, i * 10 + 10, 200));
      }
      assertThat(segments().size()).isGreaterThan(2);
      assertThat(drain(s)).hasSize(100);
      assertThat(segments()).hasSize(1); // only the active segment
    }
  }

  @Test
  void tornRecordAtTheEnd_isCutOnRecovery_andTheRestIsDelivered() throws Exception {
    try (Spool s = open(MB)) {
      s.append(recs(0, 3, 10));
    }
    // A crash mid-write: the last segment ends with a header announcing 100 bytes and only 20 of them.
    Path last = segments().get(segments().size() - 1);
    long good = Files.size(last);
    ByteBuffer torn = ByteBuffer.allocate(Spool.HEADER + 20);
    torn.put((byte) 0xFF).put((byte) 0xFE).putInt(100).putInt(12345).put(new byte[20]).flip();
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.APPEND)) {
      ch.write(torn);
    }
    try (Spool s = open(MB)) {
      assertThat(s.corruptBytes()).isEqualTo(Spool.HEADER + 20);
      assertThat(Files.size(last)).as("torn tail cut").isEqualTo(good);
      s.append(List.of(rec("after")));
      assertThat(drain(s)).containsExactly("r0-xxxxxxxxxx", "r1-xxxxxxxxxx", "r2-xxxxxxxxxx", "after");
    }
  }

  @Test
  void damagedRecordInTheMiddle_isSkipped_byItsCrc_andTheFollowingOnesAreRead() throws Exception {
    try (Spool s = open(MB)) {
      s.append(List.of(rec("first-record"), rec("second-record"), rec("third-record")));
    }
    Path seg = segments().get(0);
    byte[] bytes = Files.readAllBytes(seg);
    int second = Spool.HEADER + "first-record".length();
    bytes[second + Spool.HEADER + 3] ^= 0x20; // flip a bit in the second payload
    Files.write(seg, bytes);
    try (Spool s = open(MB)) {
      assertThat(s.corruptBytes()).isEqualTo(Spool.HEADER + "second-record".length());
      assertThat(s.depthRecords()).isEqualTo(2);
      assertThat(drain(s)).containsExactly("first-record", "third-record");
    }
  }

  @Test
  void damagedAckFile_replaysEverything_ratherThanLosingAlerts() throws Exception {
    try (Spool s = open(MB)) {
      s.append(recs(0, 4, 0));
      s.ack(s.read(2, NO_WAIT));
    }
    byte[] ack = Files.readAllBytes(dir.resolve("ack"));
    ack[10] ^= 1;
    Files.write(dir.resolve("ack"), ack);
    try (Spool s = open(MB)) {
      assertThat(drain(s)).containsExactly("r0-", "r1-", "r2-", "r3-");
    }
  }

  @Test
  void overTheBound_oldestRecordsAreDroppedAndCounted_filesStayWithinIt() throws Exception {
    long max = 64 * 1024;
    try (Spool s = open(max)) {
      for (int i = 0; i < 40; i++) {
        s.append(recs(i * 10, i * 10 + 10, 500)); // ~5 KiB per call, 200 KiB in all
        long files = 0;
        for (Path p : segments()) {
          files += Files.size(p);
        }
        assertThat(files).isLessThanOrEqualTo(max);
        assertThat(s.fileBytes()).isEqualTo(files);
      }
      assertThat(s.droppedRecords()).isPositive();
      assertThat(s.droppedRecords() + s.depthRecords()).isEqualTo(400);
      List<String> left = drain(s);
      assertThat(left).hasSize((int) (400 - s.droppedRecords()));
      assertThat(left.get(left.size() - 1)).startsWith("r399-");
      assertThat(left.get(0)).doesNotStartWith("r0-");
    }
  }

  @Test
  void dropWhileABatchIsInFlight_theLateAckIsIgnored_andCountsStayRight() throws Exception {
    try (Spool s = open(64 * 1024)) {
      s.append(recs(0, 10, 500));
      Spool.Batch inFlight = s.read(5, NO_WAIT);
      for (int i = 1; i < 30; i++) {
        s.append(recs(i * 10, i * 10 + 10, 500));
      }
      s.ack(inFlight); // its segment is gone
      assertThat(s.droppedRecords() + s.depthRecords()).isEqualTo(300);
      List<String> left = drain(s);
      assertThat(left).hasSize((int) s.appendedRecords() - (int) s.droppedRecords());
      assertThat(left).noneMatch(t -> t.startsWith("r0-") || t.startsWith("r4-"));
    }
  }

  @Test
  void fillingListener_firesOnceAboveEightyPercent_andAgainOnlyAfterGoingBelowHalf() throws Exception {
    List<Long> calls = new ArrayList<>();
    long max = 128 * 1024;
    try (Spool s = open(max, (bytes, m, records) -> calls.add(bytes))) {
      int i = 0;
      while (s.fileBytes() < 0.95 * max) {
        s.append(recs(i, i + 1, 1000));
        i++;
      }
      assertThat(calls).hasSize(1);
      assertThat(calls.get(0)).isGreaterThanOrEqualTo((long) (0.8 * max));
      drain(s);
      assertThat(s.fileBytes()).isLessThan(max / 2);
      while (s.fileBytes() < 0.9 * max) {
        s.append(recs(i, i + 1, 1000));
        i++;
      }
      assertThat(calls).hasSize(2);
    }
  }

  @Test
  void oversizeRecord_isDroppedAndCounted_othersKept() throws Exception {
    try (Spool s = open(64 * 1024)) { // records up to 16 KiB
      s.append(List.of(rec("small"), new byte[20 * 1024], rec("small2")));
      assertThat(s.droppedRecords()).isEqualTo(1);
      assertThat(drain(s)).containsExactly("small", "small2");
    }
  }

  @Test
  void largeRecords_largerThanTheReadChunk_areReadWhole() throws Exception {
    try (Spool s = open(8 * MB)) {
      byte[] big = "y".repeat(300_000).getBytes(StandardCharsets.UTF_8);
      s.append(List.of(rec("a"), big, rec("b")));
      List<String> got = drain(s);
      assertThat(got).hasSize(3);
      assertThat(got.get(1)).hasSize(300_000);
    }
  }

  @Test
  void oneByOneReads_ofRecordsLargerThanTheSmallChunk() throws Exception {
    try (Spool s = open(8 * MB)) {
      byte[] big = "z".repeat(50_000).getBytes(StandardCharsets.UTF_8);
      s.append(List.of(big, rec("small"), big));
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Spool.Batch b = s.read(1, NO_WAIT);
        assertThat(b.records()).hasSize(1);
        sizes.add(b.records().get(0).length);
        s.ack(b);
      }
      assertThat(sizes).containsExactly(50_000, 5, 50_000);
      assertThat(s.read(1, NO_WAIT).isEmpty()).isTrue();
    }
  }

  @Test
  void secondOpenOfTheSameDirectory_isRefused() throws Exception {
    try (Spool s = open(MB)) {
      assertThat(s.directory()).isEqualTo(dir);
      assertThatThrownBy(() -> open(MB)).isInstanceOf(IOException.class).hasMessageContaining("in use");
    }
  }

  @Test
  void fsyncAlways_stillRoundTrips() throws Exception {
    try (Spool s = Spool.open(dir, MB, FsyncPolicy.ALWAYS, Duration.ofSeconds(1), null)) {
      s.append(recs(0, 3, 0));
    }
    try (Spool s = Spool.open(dir, MB, FsyncPolicy.INTERVAL, Duration.ofMillis(1), null)) {
      assertThat(drain(s)).containsExactly("r0-", "r1-", "r2-");
    }
  }
}
