package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TryTimeLimit;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the netlink process-connector decoder: any datagram (random bytes, or well-formed messages with
 * lengths, kinds and fields overwritten by hostile values, and cut anywhere) is decoded without an exception, bad
 * messages being counted as malformed; well-formed datagrams decode to exactly the events they encode.
 */
@AddLifecycleHook(TryTimeLimit.class)
class ProcMessageParserFuzzTest {

  /** A message as the kernel sends it and the event it must decode to. */
  private record Message(byte[] bytes, ProcEvent event) {}

  @Property
  void randomBytesNeverThrow(@ForAll byte[] datagram) {
    decode(datagram);
  }

  @Property
  void mutatedMessagesNeverThrow(@ForAll("mutated") byte[] datagram) {
    ProcMessageParserTest.Recorder r = decode(datagram);
    assertThat(r.lost).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(r.events.size()).isLessThanOrEqualTo(datagram.length / (16 + 20 + 24));
  }

  @Property
  void wellFormedMessagesDecodeToTheirEvents(@ForAll("messages") List<Message> messages) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    messages.forEach(m -> all.writeBytes(m.bytes()));
    ProcMessageParser parser = new ProcMessageParser();
    ProcMessageParserTest.Recorder r = new ProcMessageParserTest.Recorder();
    byte[] datagram = all.toByteArray();
    int decoded = parser.parse(ByteBuffer.wrap(datagram), datagram.length, r);
    assertThat(r.events).containsExactlyElementsOf(messages.stream().map(Message::event).toList());
    assertThat(decoded).isEqualTo(messages.size());
    assertThat(parser.malformed()).isZero();
  }

  private static ProcMessageParserTest.Recorder decode(byte[] datagram) {
    ProcMessageParserTest.Recorder r = new ProcMessageParserTest.Recorder();
    // Exactly as long as the datagram, so any read past its end is an exception rather than a read of spare zeros.
    new ProcMessageParser().parse(ByteBuffer.wrap(datagram), datagram.length, r);
    return r;
  }

  @Provide
  Arbitrary<List<Message>> messages() {
    return message().list().ofMinSize(1).ofMaxSize(5);
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<Integer> hostile = Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(0, 1, 2, 3, 4, 8, 15, 16, 20,
        23, 24, 28, 31, 32, 36, 52, 0xffff, 0x10000, Integer.MAX_VALUE, Integer.MAX_VALUE - 3, Integer.MAX_VALUE - 7,
        Integer.MIN_VALUE, -1, -4, -16, ProcMessageParser.WHAT_FORK, ProcMessageParser.WHAT_EXIT,
        ProcMessageParser.WHAT_COMM, ProcMessageParser.WHAT_UID));
    Arbitrary<int[]> overwrite = Combinators.combine(Arbitraries.integers().between(0, 79), hostile)
        .as((at, v) -> new int[] {at * 4, v});
    return Combinators.combine(messages(), overwrite.list().ofMinSize(1).ofMaxSize(4),
        Arbitraries.integers().between(0, 12)).as((msgs, writes, cut) -> {
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          msgs.forEach(m -> all.writeBytes(m.bytes()));
          ByteBuffer b = ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.nativeOrder());
          for (int[] w : writes) {
            if (w[0] + 4 <= b.capacity()) {
              b.putInt(w[0], w[1]);
            }
          }
          return Arrays.copyOf(b.array(), Math.max(0, b.capacity() - cut));
        });
  }

  private Arbitrary<Message> message() {
    Arbitrary<Integer> id = Arbitraries.integers().between(1, 4_194_304);
    Arbitrary<Integer> cpu = Arbitraries.integers().between(0, 255);
    Arbitrary<Long> ts = Arbitraries.longs().greaterOrEqual(0);
    Arbitrary<Message> fork = Combinators.combine(cpu, ts, id, id).as((c, t, parent, child) -> build(
        ProcMessageParser.WHAT_FORK, c, t, ints(parent, parent, child, child),
        new ProcEvent.Fork(c, t, parent, parent, child, child)));
    Arbitrary<Message> exec = Combinators.combine(cpu, ts, id).as((c, t, pid) -> build(
        ProcMessageParser.WHAT_EXEC, c, t, ints(pid, pid), new ProcEvent.Exec(c, t, pid, pid)));
    Arbitrary<Message> exit = Combinators.combine(cpu, ts, id, Arbitraries.integers(), id).as((c, t, pid, code, parent)
        -> build(ProcMessageParser.WHAT_EXIT, c, t, ints(pid, pid, code, 17, parent, parent),
            new ProcEvent.Exit(c, t, pid, pid, code, 17, parent, parent)));
    Arbitrary<Message> ids = Combinators.combine(cpu, ts, id, Arbitraries.of(true, false), Arbitraries.integers())
        .as((c, t, pid, gid, uid) -> build(gid ? ProcMessageParser.WHAT_GID : ProcMessageParser.WHAT_UID, c, t,
            ints(pid, pid, uid, uid), new ProcEvent.Ids(c, t, pid, pid, gid, uid, uid)));
    Arbitrary<Message> comm = Combinators.combine(cpu, ts, id, Arbitraries.strings().withCharRange('!', '~')
        .ofMaxLength(15)).as((c, t, pid, name) -> {
          ByteBuffer u = ByteBuffer.allocate(24).order(ByteOrder.nativeOrder()).putInt(pid).putInt(pid)
              .put(name.getBytes(StandardCharsets.US_ASCII));
          return build(ProcMessageParser.WHAT_COMM, c, t, u.array(), new ProcEvent.Comm(c, t, pid, pid, name));
        });
    return Arbitraries.oneOf(fork, exec, exit, ids, comm);
  }

  private static Message build(int what, int cpu, long ts, byte[] union, ProcEvent event) {
    return new Message(ProcMessageParserTest.message(ProcMessageParser.CN_IDX_PROC, 0, 0, what, cpu, ts, union),
        event);
  }

  private static byte[] ints(int... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.nativeOrder());
    for (int i : v) {
      b.putInt(i);
    }
    return b.array();
  }
}
