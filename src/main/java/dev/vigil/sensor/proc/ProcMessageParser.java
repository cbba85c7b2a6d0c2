package dev.vigil.sensor.proc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes datagrams of the netlink process connector: {@code nlmsghdr} (16 bytes), {@code cn_msg} (20 bytes) and
 * {@code proc_event} (what, cpu, timestamp, then the per-kind union), in the host's byte order. It also finds lost
 * events: the kernel numbers connector messages per CPU ({@code cn_msg.seq}), so a jump in one CPU's numbers is
 * the count of messages this socket never got. Not thread-safe: owned by the reader thread.
 */
final class ProcMessageParser {

  /** Receives what one datagram held. */
  interface Handler {
    void event(ProcEvent e);

    /** {@code count} messages were skipped by the kernel between two that arrived (socket buffer overflow). */
    void lost(long count);
  }

  static final int NLMSG_HDRLEN = 16;
  static final int CN_MSG_LEN = 20;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int CN_IDX_PROC = 1;
  static final int CN_VAL_PROC = 1;

  static final int WHAT_NONE = 0;
  static final int WHAT_FORK = 1;
  static final int WHAT_EXEC = 2;
  static final int WHAT_UID = 4;
  static final int WHAT_GID = 0x40;
  static final int WHAT_SID = 0x80;
  static final int WHAT_COMM = 0x200;
  static final int WHAT_EXIT = 0x80000000;

  /** Offset of the union within proc_event: what(4) + cpu(4) + timestamp_ns(8). */
  private static final int UNION = 16;
  private static final int MAX_CPUS = 8192;

  private int[] lastSeq = new int[64];
  private boolean[] seenCpu = new boolean[64];
  private long malformed;

  /** Messages that were cut short or carried impossible lengths, so far. */
  long malformed() {
    return malformed;
  }

  /**
   * Decodes the netlink messages in {@code buf[0, length)}; {@code buf} may be any buffer, its order is set here.
   *
   * @return how many connector events were decoded
   */
  int parse(ByteBuffer buf, int length, Handler h) {
    buf.order(ByteOrder.nativeOrder());
    int off = 0;
    int events = 0;
    while (off + NLMSG_HDRLEN <= length) {
      int len = buf.getInt(off);
      int type = buf.getShort(off + 4) & 0xffff;
      if (len < NLMSG_HDRLEN || len > length - off) { // not off + len: a huge len would overflow past the check
        malformed++;
        break;
      }
      if (type == NLMSG_DONE && len >= NLMSG_HDRLEN + CN_MSG_LEN) {
        if (connectorMessage(buf, off + NLMSG_HDRLEN, len - NLMSG_HDRLEN, h)) {
          events++;
        }
      }
      // NLMSG_ERROR and NOOP carry nothing for a listener; other types do not occur on this socket.
      off += (len + 3) & ~3;
    }
    return events;
  }

  private boolean connectorMessage(ByteBuffer b, int cn, int avail, Handler h) {
    int idx = b.getInt(cn);
    int val = b.getInt(cn + 4);
    int seq = b.getInt(cn + 8);
    int ack = b.getInt(cn + 12);
    int dataLen = b.getShort(cn + 16) & 0xffff;
    if (idx != CN_IDX_PROC || val != CN_VAL_PROC) {
      return false;
    }
    int ev = cn + CN_MSG_LEN;
    if (dataLen < UNION + 8 || CN_MSG_LEN + dataLen > avail || dataLen < UNION + unionNeeded(b.getInt(ev))) {
      malformed++;
      return false;
    }
    int what = b.getInt(ev);
    int cpu = b.getInt(ev + 4);
    long ts = b.getLong(ev + 8);
    int u = ev + UNION;
    int unionLen = dataLen - UNION;
    // The kernel numbers acknowledgements with the same per-CPU counter as events, so they take part in the check.
    checkSequence(cpu, seq, h);
    if (what == WHAT_NONE) {
      h.event(new ProcEvent.Ack(cpu, ts, ack, b.getInt(u)));
      return true;
    }
    h.event(decode(b, what, cpu, ts, u, unionLen));
    return true;
  }

  /** Bytes of the union that {@link #decode} reads for an event kind (pid and tgid, plus two ints for some). */
  private static int unionNeeded(int what) {
    return what == WHAT_FORK || what == WHAT_UID || what == WHAT_GID || what == WHAT_EXIT ? 16 : 8;
  }

  private static ProcEvent decode(ByteBuffer b, int what, int cpu, long ts, int u, int unionLen) {
    int pid = b.getInt(u);
    int tgid = b.getInt(u + 4);
    switch (what) {
      case WHAT_FORK:
        return new ProcEvent.Fork(cpu, ts, pid, tgid, b.getInt(u + 8), b.getInt(u + 12));
      case WHAT_EXEC:
        return new ProcEvent.Exec(cpu, ts, pid, tgid);
      case WHAT_UID:
      case WHAT_GID:
        return new ProcEvent.Ids(cpu, ts, pid, tgid, what == WHAT_GID, b.getInt(u + 8), b.getInt(u + 12));
      case WHAT_COMM:
        return new ProcEvent.Comm(cpu, ts, pid, tgid, cString(b, u + 8, Math.min(16, unionLen - 8)));
      case WHAT_EXIT:
        // parent_pid/parent_tgid were appended in Linux 4.x; older kernels send a shorter union.
        boolean parents = unionLen >= 24;
        return new ProcEvent.Exit(cpu, ts, pid, tgid, b.getInt(u + 8), b.getInt(u + 12),
            parents ? b.getInt(u + 16) : 0, parents ? b.getInt(u + 20) : 0);
      default:
        return new ProcEvent.Other(cpu, ts, what, pid, tgid);
    }
  }

  private void checkSequence(int cpu, int seq, Handler h) {
    if (cpu < 0 || cpu >= MAX_CPUS) {
      return;
    }
    if (cpu >= lastSeq.length) {
      int n = Math.max(cpu + 1, lastSeq.length * 2);
      lastSeq = Arrays.copyOf(lastSeq, n);
      seenCpu = Arrays.copyOf(seenCpu, n);
    }
    if (seenCpu[cpu]) {
      long gap = Integer.toUnsignedLong(seq - lastSeq[cpu] - 1);
      // A huge "gap" is a reordering or a counter reset, not a loss of billions; only count plausible gaps.
      if (gap > 0 && gap < (1L << 31)) {
        h.lost(gap);
      }
    }
    seenCpu[cpu] = true;
    lastSeq[cpu] = seq;
  }

  private static String cString(ByteBuffer b, int off, int max) {
    byte[] bytes = new byte[Math.max(0, max)];
    int n = 0;
    while (n < bytes.length && b.get(off + n) != 0) {
      bytes[n] = b.get(off + n);
      n++;
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The subscription request: nlmsghdr + cn_msg + the 4-byte op (LISTEN = 1, IGNORE = 2). The kernel answers with
   * an {@link ProcEvent.Ack} whose {@code ack} is {@code token + 1} (its seq is overwritten with a CPU counter).
   */
  static byte[] subscription(int op, int token) {
    ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + CN_MSG_LEN + 4).order(ByteOrder.nativeOrder());
    b.putInt(b.capacity()).putShort((short) NLMSG_DONE).putShort((short) 0).putInt(token).putInt(0);
    b.putInt(CN_IDX_PROC).putInt(CN_VAL_PROC).putInt(token).putInt(token).putShort((short) 4).putShort((short) 0);
    b.putInt(op);
    return b.array();
  }
}
