package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connector's wire format, built byte by byte as the kernel lays it out (host byte order). */
class ProcMessageParserTest {

  /** Records what the parser hands over. */
  static final class Recorder implements ProcMessageParser.Handler {
    final List<ProcEvent> events = new ArrayList<>();
    final List<Long> lost = new ArrayList<>();

    @Override
    public void event(ProcEvent e) {
      events.add(e);
    }

    @Override
    public void lost(long count) {
      lost.add(count);
    }
  }

  /** One datagram: nlmsghdr(16) + cn_msg(20) + proc_event(what, cpu, timestamp, union). */
  static byte[] message(int seq, int what, int cpu, long ts, int... union) {
    return message(ProcMessageParser.CN_IDX_PROC, seq, 0, what, cpu, ts, intsToBytes(union));
  }

  static byte[] message(int idx, int seq, int ack, int what, int cpu, long ts, byte[] union) {
    int dataLen = 16 + union.length;
    int len = 16 + 20 + dataLen;
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
    b.putInt(len).putShort((short) ProcMessageParser.NLMSG_DONE).putShort((short) 0).putInt(seq).putInt(0);
    b.putInt(idx).putInt(1).putInt(seq).putInt(ack).putShort((short) dataLen).putShort((short) 0);
    b.putInt(what).putInt(cpu).putLong(ts).put(union);
    return b.array();
  }

  private static byte[] intsToBytes(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.nativeOrder());
    for (int i : v) {
      b.putInt(i);
    }
    return b.array();
  }

  private static Recorder parse(ProcMessageParser p, byte[]... datagrams) {
    Recorder r = new Recorder();
    for (byte[] d : datagrams) {
      p.parse(ByteBuffer.wrap(d), d.length, r);
    }
    return r;
  }

  @Test
  void fork_exec_exit_decodeEveryField() {
    Recorder r = parse(new ProcMessageParser(),
        message(0, ProcMessageParser.WHAT_FORK, 1, 1000L, 100, 100, 101, 101),
        message(1, ProcMessageParser.WHAT_EXEC, 1, 2000L, 101, 101),
        message(2, ProcMessageParser.WHAT_EXIT, 1, 3000L, 101, 101, 256, 17, 100, 100));
    assertThat(r.events).containsExactly(
        new ProcEvent.Fork(1, 1000L, 100, 100, 101, 101),
        new ProcEvent.Exec(1, 2000L, 101, 101),
        new ProcEvent.Exit(1, 3000L, 101, 101, 256, 17, 100, 100));
    assertThat(r.lost).isEmpty();
  }

  @Test
  void exitFromAnOldKernel_withoutParentFields() {
    Recorder r = parse(new ProcMessageParser(), message(0, ProcMessageParser.WHAT_EXIT, 0, 5L, 9, 9, 0, 17));
    assertThat(r.events).containsExactly(new ProcEvent.Exit(0, 5L, 9, 9, 0, 17, 0, 0));
  }

  @Test
  void comm_uid_gid_sid_ack() {
    ByteBuffer comm = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putInt(42).putInt(41);
    comm.put("runc:[2:INIT]".getBytes(StandardCharsets.UTF_8));
    ProcMessageParser p = new ProcMessageParser();
    Recorder r = parse(p,
        message(ProcMessageParser.CN_IDX_PROC, 0, 0, ProcMessageParser.WHAT_COMM, 0, 1L, comm.array()),
        message(1, ProcMessageParser.WHAT_UID, 0, 2L, 42, 41, 1000, 0),
        message(2, ProcMessageParser.WHAT_GID, 0, 3L, 42, 41, 50, 51),
        message(3, ProcMessageParser.WHAT_SID, 0, 4L, 42, 41),
        message(ProcMessageParser.CN_IDX_PROC, 4, 78, ProcMessageParser.WHAT_NONE, 0, 5L, intsToBytes(0, 0)));
    assertThat(r.events).containsExactly(
        new ProcEvent.Comm(0, 1L, 42, 41, "runc:[2:INIT]"),
        new ProcEvent.Ids(0, 2L, 42, 41, false, 1000, 0),
        new ProcEvent.Ids(0, 3L, 42, 41, true, 50, 51),
        new ProcEvent.Other(0, 4L, ProcMessageParser.WHAT_SID, 42, 41),
        new ProcEvent.Ack(0, 5L, 78, 0));
  }

  @Test
  void severalMessagesInOneDatagram_areAllDecoded() {
    byte[] a = message(0, ProcMessageParser.WHAT_EXEC, 0, 1L, 5, 5);
    byte[] b = message(1, ProcMessageParser.WHAT_EXEC, 0, 2L, 6, 6);
    byte[] both = new byte[a.length + b.length]; // each is a multiple of 4 already, so NLMSG_ALIGN adds nothing
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    Recorder r = new Recorder();
    int n = new ProcMessageParser().parse(ByteBuffer.wrap(both), both.length, r);
    assertThat(n).isEqualTo(2);
    assertThat(r.events).extracting(e -> ((ProcEvent.Exec) e).pid()).containsExactly(5, 6);
  }

  @Test
  void truncatedOrForeignMessages_areSkippedAndCounted() {
    ProcMessageParser p = new ProcMessageParser();
    byte[] full = message(0, ProcMessageParser.WHAT_FORK, 0, 1L, 1, 1, 2, 2);
    Recorder r = new Recorder();
    assertThat(p.parse(ByteBuffer.wrap(full), full.length - 8, r)).isZero(); // nlmsg_len beyond what arrived
    assertThat(p.malformed()).isEqualTo(1);
    byte[] foreign = message(7, 0, 0, ProcMessageParser.WHAT_EXEC, 0, 1L, intsToBytes(3, 3)); // another connector
    assertThat(p.parse(ByteBuffer.wrap(foreign), foreign.length, r)).isZero();
    byte[] tiny = message(ProcMessageParser.CN_IDX_PROC, 0, 0, ProcMessageParser.WHAT_EXEC, 0, 1L, new byte[0]);
    ByteBuffer.wrap(tiny).order(ByteOrder.nativeOrder()).putShort(32, (short) 8); // cn_msg.len shorter than a header
    assertThat(p.parse(ByteBuffer.wrap(tiny), tiny.length, r)).isZero();
    assertThat(p.malformed()).isEqualTo(2);
    assertThat(r.events).isEmpty();
  }

  @Test
  void sequenceGapPerCpu_isCountedAsLost() {
    ProcMessageParser p = new ProcMessageParser();
    Recorder r = parse(p,
        message(10, ProcMessageParser.WHAT_EXEC, 0, 1L, 1, 1),
        message(500, ProcMessageParser.WHAT_EXEC, 1, 1L, 2, 2), // first on cpu 1: no gap yet
        message(11, ProcMessageParser.WHAT_EXEC, 0, 1L, 3, 3),
        message(15, ProcMessageParser.WHAT_EXEC, 0, 1L, 4, 4), // 12, 13, 14 missing
        message(501, ProcMessageParser.WHAT_EXEC, 1, 1L, 5, 5),
        message(600, ProcMessageParser.WHAT_EXEC, 70, 1L, 6, 6), // a CPU beyond the initial table
        message(603, ProcMessageParser.WHAT_EXEC, 70, 1L, 7, 7));
    assertThat(r.lost).containsExactly(3L, 2L);
    assertThat(r.events).hasSize(7);
  }

  @Test
  void sequenceWrapAround_isNotALoss() {
    Recorder r = parse(new ProcMessageParser(),
        message(-1, ProcMessageParser.WHAT_EXEC, 0, 1L, 1, 1),
        message(0, ProcMessageParser.WHAT_EXEC, 0, 1L, 2, 2));
    assertThat(r.lost).isEmpty();
  }

  @Test
  void subscription_isListenWithTheTokenAsAck() {
    ByteBuffer b = ByteBuffer.wrap(ProcMessageParser.subscription(1, 77)).order(ByteOrder.nativeOrder());
    assertThat(b.capacity()).isEqualTo(40);
    assertThat(b.getInt(0)).isEqualTo(40);
    assertThat(b.getShort(4)).isEqualTo((short) ProcMessageParser.NLMSG_DONE);
    assertThat(b.getInt(16)).isEqualTo(1); // CN_IDX_PROC
    assertThat(b.getInt(20)).isEqualTo(1); // CN_VAL_PROC
    assertThat(b.getInt(28)).isEqualTo(77); // ack, echoed + 1 by the kernel
    assertThat(b.getShort(32)).isEqualTo((short) 4);
    assertThat(b.getInt(36)).isEqualTo(1); // PROC_CN_MCAST_LISTEN
  }

  @Test
  void hugeLength_isMalformed_notAnOverflowPastTheCheck() {
    // Found by ProcMessageParserFuzzTest: off + len wrapped negative, passed the bounds check and read at a negative
    // offset (IndexOutOfBoundsException on the reader thread).
    byte[] first = message(0, ProcMessageParser.WHAT_EXEC, 0, 1L, 1, 1);
    byte[] second = message(1, ProcMessageParser.WHAT_EXEC, 0, 1L, 2, 2);
    ByteBuffer.wrap(second).order(ByteOrder.nativeOrder()).putInt(0, Integer.MAX_VALUE - 0x8f);
    byte[] d = java.util.Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, d, first.length, second.length);
    ProcMessageParser p = new ProcMessageParser();
    Recorder r = parse(p, d);
    assertThat(r.events).containsExactly(new ProcEvent.Exec(0, 1L, 1, 1));
    assertThat(p.malformed()).isEqualTo(1);
  }

  @Test
  void unionTooShortForItsKind_isMalformed_notReadPastTheMessage() {
    // A fork, id change or exit needs 16 bytes of union; with only 8 the fields would come from past the message
    // (the next message, stale buffer bytes, or past the buffer's end).
    for (int what : new int[] {ProcMessageParser.WHAT_FORK, ProcMessageParser.WHAT_UID, ProcMessageParser.WHAT_GID,
        ProcMessageParser.WHAT_EXIT}) {
      ProcMessageParser p = new ProcMessageParser();
      Recorder r = parse(p, message(0, what, 0, 1L, 5, 5));
      assertThat(r.events).isEmpty();
      assertThat(p.malformed()).isEqualTo(1);
    }
  }
}
