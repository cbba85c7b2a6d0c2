package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TryTimeLimit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
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
 * Fuzzing of the fanotify read-buffer parser: any bytes are split into events and malformed reports without an
 * exception and without reading past {@code length}; a buffer of well-formed events (with info records) gives
 * exactly those events and no malformed report.
 */
@AddLifecycleHook(TryTimeLimit.class)
class FanotifyEventParserFuzzTest {

  /** One event as the kernel writes it; {@code info} is the size of the info records after the metadata. */
  private record Event(long mask, int fd, int pid, int info) {}

  private static final class Recorder implements FanotifyEventParser.Handler {
    final List<Event> events = new ArrayList<>();
    final List<String> malformed = new ArrayList<>();

    @Override
    public void event(long mask, int fd, int pid) {
      events.add(new Event(mask, fd, pid, 0));
    }

    @Override
    public void malformed(String why) {
      malformed.add(why);
    }
  }

  @Property
  void anyBytesAreSplitWithoutAnException(@ForAll("hostile") byte[] data) {
    // The buffer is exactly as long as the data, so a read past length is an exception, not stale bytes.
    Recorder r = new Recorder();
    int n = FanotifyEventParser.parse(ByteBuffer.wrap(data), data.length, r);
    assertThat(n).isEqualTo(r.events.size()).isLessThanOrEqualTo(data.length / Fanotify.METADATA_LEN);
  }

  @Property
  void wellFormedEventsRoundTrip(@ForAll("events") List<Event> events) {
    byte[] data = encode(events);
    Recorder r = new Recorder();
    FanotifyEventParser.parse(ByteBuffer.wrap(data), data.length, r);
    assertThat(r.malformed).isEmpty();
    assertThat(r.events).containsExactlyElementsOf(events.stream().map(e -> new Event(e.mask(), e.fd(), e.pid(), 0))
        .toList());
  }

  @Provide
  Arbitrary<List<Event>> events() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(-1, 65_535), Arbitraries.integers(),
        Arbitraries.integers().between(0, 16).map(n -> n * 4)).as(Event::new).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.of(0, 1, 7, 8, 23, 24, 25, 48,
        0x0300_0018, 0x7fff_ffff, -1, Integer.MIN_VALUE));
    Arbitrary<int[]> overwrite = Combinators.combine(Arbitraries.integers().between(0, 63), value)
        .as((at, v) -> new int[] {at * 2, v});
    Arbitrary<byte[]> mutated = Combinators.combine(events(), overwrite.list().ofMaxSize(4),
        Arbitraries.integers().between(0, 30)).as((events, writes, cut) -> {
          ByteBuffer b = ByteBuffer.wrap(encode(events)).order(ByteOrder.nativeOrder());
          for (int[] w : writes) {
            if (w[0] + 4 <= b.capacity()) {
              b.putInt(w[0], w[1]);
            }
          }
          return Arrays.copyOf(b.array(), Math.max(0, b.capacity() - cut));
        });
    return Arbitraries.oneOf(mutated, Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
  }

  private static byte[] encode(List<Event> events) {
    int size = events.stream().mapToInt(e -> Fanotify.METADATA_LEN + e.info()).sum();
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    for (Event e : events) {
      b.putInt(Fanotify.METADATA_LEN + e.info()).put((byte) Fanotify.FANOTIFY_METADATA_VERSION).put((byte) 0)
          .putShort((short) Fanotify.METADATA_LEN).putLong(e.mask()).putInt(e.fd()).putInt(e.pid());
      b.put(new byte[e.info()]);
    }
    return b.array();
  }
}
