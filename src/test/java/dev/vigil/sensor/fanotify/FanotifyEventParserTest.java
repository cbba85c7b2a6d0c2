package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanotifyEventParserTest {

  /** What the parser handed over, as strings for easy comparison. */
  private final List<String> events = new ArrayList<>();
  private final List<String> malformed = new ArrayList<>();
  private final FanotifyEventParser.Handler handler = new FanotifyEventParser.Handler() {
    @Override
    public void event(long mask, int fd, int pid) {
      events.add(Long.toHexString(mask) + "/" + fd + "/" + pid);
    }

    @Override
    public void malformed(String why) {
      malformed.add(why);
    }
  };

  /** Builds kernel-layout metadata records (native byte order, like read(2) returns). */
  private static final class Buf {
    final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());

    Buf event(long mask, int fd, int pid) {
      return raw(24, 3, 24, mask, fd, pid, 0);
    }

    /** An event with {@code extra} bytes of info records after the metadata, as FAN_REPORT_* groups get. */
    Buf raw(int eventLen, int vers, int metadataLen, long mask, int fd, int pid, int extra) {
      int start = b.position();
      b.putInt(eventLen).put((byte) vers).put((byte) 0).putShort((short) metadataLen).putLong(mask).putInt(fd)
          .putInt(pid);
      for (int i = 0; i < extra; i++) {
        b.put((byte) 0x5a);
      }
      b.position(start + Math.max(eventLen, 24 + extra));
      return this;
    }

    Buf bytes(int n) {
      for (int i = 0; i < n; i++) {
        b.put((byte) 7);
      }
      return this;
    }

    int length() {
      return b.position();
    }
  }

  @Test
  void severalEventsInOneBuffer_inOrder() {
    Buf buf = new Buf().event(Fanotify.FAN_CLOSE_NOWRITE, 5, 100).event(Fanotify.FAN_CLOSE_WRITE, 6, 101)
        .event(Fanotify.FAN_OPEN_EXEC | Fanotify.FAN_CLOSE_NOWRITE, 7, 102);

    int n = FanotifyEventParser.parse(buf.b, buf.length(), handler);

    assertThat(n).isEqualTo(3);
    assertThat(events).containsExactly("10/5/100", "8/6/101", "1010/7/102");
    assertThat(malformed).isEmpty();
  }

  @Test
  void infoRecordsAfterTheMetadataAreSkipped() {
    Buf buf = new Buf().raw(24 + 16, 3, 24, Fanotify.FAN_CLOSE_WRITE, 9, 1, 16).event(Fanotify.FAN_OPEN_EXEC, 10, 2);

    FanotifyEventParser.parse(buf.b, buf.length(), handler);

    assertThat(events).containsExactly("8/9/1", "1000/10/2");
    assertThat(malformed).isEmpty();
  }

  @Test
  void overflowCarriesNoDescriptor() {
    Buf buf = new Buf().event(Fanotify.FAN_Q_OVERFLOW, Fanotify.FAN_NOFD, 0);

    FanotifyEventParser.parse(buf.b, buf.length(), handler);

    assertThat(events).containsExactly("4000/-1/0");
  }

  @Test
  void largeMaskAndPidAreNotSignMangled() {
    Buf buf = new Buf().event(Fanotify.FAN_OPEN_EXEC_PERM | 0x8000_0000_0000_0000L, 3, Integer.MAX_VALUE);

    FanotifyEventParser.parse(buf.b, buf.length(), handler);

    assertThat(events).containsExactly("8000000000040000/3/" + Integer.MAX_VALUE);
  }

  @Test
  void truncatedTail_eventsBeforeItAreKept_tailCountedOnce() {
    Buf buf = new Buf().event(Fanotify.FAN_CLOSE_WRITE, 5, 1).event(Fanotify.FAN_CLOSE_WRITE, 6, 2);
    int cut = buf.length() - 10;

    int n = FanotifyEventParser.parse(buf.b, cut, handler);

    assertThat(n).isEqualTo(1);
    assertThat(events).containsExactly("8/5/1");
    assertThat(malformed).hasSize(1).first().asString().contains("truncated");
  }

  @Test
  void tailShorterThanAHeader_isMalformed() {
    Buf buf = new Buf().event(Fanotify.FAN_CLOSE_WRITE, 5, 1).bytes(5);

    FanotifyEventParser.parse(buf.b, buf.length(), handler);

    assertThat(events).hasSize(1);
    assertThat(malformed).containsExactly("truncated: 5 trailing bytes");
  }

  @Test
  void versionMismatch_isUnreadable_andParsingGoesOnAfterIt() {
    Buf buf = new Buf().raw(24, 2, 24, Fanotify.FAN_CLOSE_WRITE, 5, 1, 0).event(Fanotify.FAN_CLOSE_NOWRITE, 6, 2);

    int n = FanotifyEventParser.parse(buf.b, buf.length(), handler);

    assertThat(n).isEqualTo(1);
    assertThat(events).containsExactly("10/6/2");
    assertThat(malformed).containsExactly("metadata version 2, expected 3");
  }

  @Test
  void badLengths_doNotLoopOrOverrun() {
    Buf zero = new Buf().raw(0, 3, 24, 8, 5, 1, 0);
    FanotifyEventParser.parse(zero.b, 24, handler);
    Buf shortMeta = new Buf().raw(24, 3, 16, 8, 5, 1, 0).event(8, 6, 2);
    FanotifyEventParser.parse(shortMeta.b, shortMeta.length(), handler);

    assertThat(events).containsExactly("8/6/2");
    assertThat(malformed).hasSize(2);
    assertThat(malformed.get(0)).contains("event_len 0");
    assertThat(malformed.get(1)).contains("metadata_len 16");
  }

  @Test
  void emptyRead_parsesNothing() {
    assertThat(FanotifyEventParser.parse(ByteBuffer.allocate(0), 0, handler)).isZero();
    assertThat(events).isEmpty();
    assertThat(malformed).isEmpty();
  }
}
