package dev.vigil.bench;

import dev.vigil.alert.AlertSink;
import dev.vigil.common.Metrics;
import dev.vigil.detect.logsig.LogSignatureDetector;
import dev.vigil.detect.logsig.SignatureSet;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.LogLine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per log line of the built-in log signatures (245 signatures, about 1,660 patterns), one line per operation on
 * one thread, over the first 16,384 lines of {@link LogCorpus} (average about 180 bytes; about 1 line in 5,000 an
 * attack).
 *
 * <ul>
 *   <li>{@code matchBytes}: {@link SignatureSet#match(byte[], int, int)} on the line's UTF-8 bytes.
 *   <li>{@code matchString}: {@link SignatureSet#match(String)}, which encodes the line first (what the detector
 *       does with a {@link LogLine}'s text).
 *   <li>{@code detector}: {@link LogSignatureDetector#onEvent} on a {@link LogLine}: match, throttle, alerts.
 * </ul>
 *
 * Run: {@code scripts/bench.sh LogSignatureBenchmark -t 1 -f 1}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LogSignatureBenchmark {

  static final int LINES = 1 << 14;
  private static final int MASK = LINES - 1;

  private SignatureSet set;
  private LogSignatureDetector detector;
  private String[] text;
  private byte[][] bytes;
  private LogLine[] events;
  private int next;
  private Blackhole bh;
  private final AlertSink sink = alert -> bh.consume(alert);

  @Setup
  public void setUp(Blackhole blackhole) {
    this.bh = blackhole;
    set = SignatureSet.builtIn();
    detector = new LogSignatureDetector(set, Duration.ofMinutes(1), 10_000, Metrics.inMemory());
    List<String> lines = LogCorpus.lines(20261129L, LINES);
    text = lines.toArray(String[]::new);
    bytes = new byte[LINES][];
    events = new LogLine[LINES];
    ContainerRef ref = new ContainerRef("0123456789abcdef", "web", "nginx", "1.27", "");
    Instant t = Instant.parse("2026-11-29T10:00:00Z");
    int matching = 0;
    for (int i = 0; i < LINES; i++) {
      bytes[i] = text[i].getBytes(StandardCharsets.UTF_8);
      events[i] = new LogLine(t.plusMillis(i), ref, "docker.logs", LogLine.Stream.STDOUT, text[i], false,
          bytes[i].length);
      matching += set.match(text[i]).isEmpty() ? 0 : 1;
    }
    if (matching == 0 || matching > LINES / 100) {
      throw new IllegalStateException("corpus no longer has rare hits: " + matching + " of " + LINES);
    }
  }

  @Benchmark
  public void matchBytes() {
    byte[] b = bytes[next++ & MASK];
    bh.consume(set.match(b, 0, b.length));
  }

  @Benchmark
  public void matchString() {
    bh.consume(set.match(text[next++ & MASK]));
  }

  @Benchmark
  public void detector() {
    detector.onEvent(events[next++ & MASK], sink);
  }
}
