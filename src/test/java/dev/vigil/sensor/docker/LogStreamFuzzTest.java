package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.vigil.fuzz.TryTimeLimit;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the container log path as the agent runs it: docker-java's demultiplexer of the 8-byte-header stream
 * ({@code FramedInputStreamConsumer}, package-private, reached by reflection) and then one {@link LineSplitter} per
 * stream, as {@link DockerLogsSensor} does. Any byte stream ends in frames and at most an {@code onError}, never an
 * exception thrown at the reader; well-formed frames give back each stream's bytes, and the lines split from them are
 * the text's lines, long ones cut to the bound and counted.
 */
@AddLifecycleHook(TryTimeLimit.class)
class LogStreamFuzzTest {

  private static final int MAX_LINE = 64;
  private static final Constructor<?> DEMUX;

  static {
    try {
      DEMUX = Class.forName("com.github.dockerjava.core.FramedInputStreamConsumer")
          .getDeclaredConstructor(ResultCallback.class);
      DEMUX.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One frame written by the engine: stream 1 (stdout) or 2 (stderr) and its payload. */
  private record Chunk(int stream, byte[] payload) {}

  /** What the demultiplexer delivered. */
  private static final class Frames extends ResultCallback.Adapter<Frame> {
    final List<Frame> frames = new ArrayList<>();
    Throwable error;

    @Override
    public void onNext(Frame f) {
      frames.add(f);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }
  }

  @Property
  void anyStreamIsDemultiplexedWithoutAnException(@ForAll("hostile") byte[] stream) throws Exception {
    Frames out = demux(stream);
    long bytes = out.frames.stream().mapToLong(f -> f.getPayload().length).sum();
    assertThat(bytes).isLessThanOrEqualTo(stream.length);
    LineSplitter splitter = new LineSplitter(MAX_LINE);
    List<LineSplitter.Line> lines = new ArrayList<>();
    out.frames.forEach(f -> splitter.feed(f.getPayload(), lines::add));
    splitter.flush(lines::add);
    assertThat(lines).allSatisfy(l -> assertThat(l.text().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(MAX_LINE * 3)); // U+FFFD is 3 bytes for each invalid one
  }

  @Property
  void wellFormedFramesGiveBackEachStreamsLines(@ForAll("chunks") List<Chunk> chunks) throws Exception {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream[] sent = {null, new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    for (Chunk c : chunks) {
      wire.writeBytes(ByteBuffer.allocate(8).put(0, (byte) c.stream()).putInt(4, c.payload().length).array());
      wire.writeBytes(c.payload());
      sent[c.stream()].writeBytes(c.payload());
    }
    Frames out = demux(wire.toByteArray());
    assertThat(out.error).isNull();
    for (int s = 1; s <= 2; s++) {
      StreamType type = s == 1 ? StreamType.STDOUT : StreamType.STDERR;
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      LineSplitter splitter = new LineSplitter(MAX_LINE);
      List<LineSplitter.Line> lines = new ArrayList<>();
      for (Frame f : out.frames) {
        if (f.getStreamType() == type) {
          got.writeBytes(f.getPayload());
          splitter.feed(f.getPayload(), lines::add);
        }
      }
      splitter.flush(lines::add);
      assertThat(got.toByteArray()).isEqualTo(sent[s].toByteArray());
      assertThat(lines).isEqualTo(expectedLines(sent[s].toString(StandardCharsets.US_ASCII)));
    }
  }

  /** The lines of ASCII {@code text} as the splitter must give them: CRLF or LF ends a line, a partial last line. */
  private static List<LineSplitter.Line> expectedLines(String text) {
    List<LineSplitter.Line> lines = new ArrayList<>();
    String[] parts = text.split("\n", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      boolean last = i == parts.length - 1;
      if (last && p.isEmpty()) {
        break;
      }
      if (!last && p.endsWith("\r")) {
        p = p.substring(0, p.length() - 1);
      }
      boolean cut = p.length() > MAX_LINE;
      lines.add(new LineSplitter.Line(cut ? p.substring(0, MAX_LINE) : p, cut, p.length()));
    }
    return lines;
  }

  private static Frames demux(byte[] stream) throws Exception {
    Frames out = new Frames();
    @SuppressWarnings("unchecked")
    Consumer<DockerHttpClient.Response> demux = (Consumer<DockerHttpClient.Response>) DEMUX.newInstance(out);
    demux.accept(new DockerHttpClient.Response() {
      @Override
      public int getStatusCode() {
        return 200;
      }

      @Override
      public Map<String, List<String>> getHeaders() {
        return Map.of();
      }

      @Override
      public InputStream getBody() {
        return new ByteArrayInputStream(stream);
      }

      @Override
      public void close() {}
    });
    return out;
  }

  @Provide
  Arbitrary<List<Chunk>> chunks() {
    Arbitrary<byte[]> text = Arbitraries.strings().withChars("ab \t\r\n").withCharRange('c', 'z').ofMaxLength(300)
        .map(s -> s.getBytes(StandardCharsets.US_ASCII));
    return Combinators.combine(Arbitraries.of(1, 2), text).as(Chunk::new).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    Arbitrary<byte[]> header = Combinators.combine(Arbitraries.of(0, 1, 2, 3, 255), Arbitraries.oneOf(
        Arbitraries.integers().between(0, 2_000), Arbitraries.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE)))
        .as((t, n) -> ByteBuffer.allocate(8).put(0, t.byteValue()).putInt(4, n).array());
    Arbitrary<byte[]> piece = Arbitraries.oneOf(header, Arbitraries.bytes().array(byte[].class).ofMaxSize(300));
    return piece.list().ofMaxSize(6).map(ps -> {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ps.forEach(b::writeBytes);
      return Arrays.copyOf(b.toByteArray(), b.size());
    });
  }
}
