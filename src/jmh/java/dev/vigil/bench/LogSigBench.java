package dev.vigil.bench;

import dev.vigil.detect.logsig.Signature;
import dev.vigil.detect.logsig.SignatureSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Java side of {@code scripts/bench-logsig.sh}: what {@code grep -F -c -f patterns corpus} does, done with the
 * built-in {@link SignatureSet}. The file is streamed in 1 MiB blocks, split into lines, and each line is matched
 * with {@link SignatureSet#match(byte[], int, int)} (all signatures of the line, as the detector asks for); the
 * result is the number of lines with at least one match, which the script compares with grep's count.
 *
 * <pre>
 * LogSigBench export DIR                     write DIR/all.txt, DIR/ignore-case.txt, DIR/exact.txt (grep -f files)
 * LogSigBench scan CORPUS CASE RUNS [WARMUP] CASE: as-is | ignore-case | exact (all patterns made so)
 * </pre>
 *
 * {@code scan} prints one line per measured run: {@code run=N lines=L bytes=B wall_s=W cpu_s=C}, where cpu is this
 * thread's CPU time (the machine may be shared, so CPU time is the steadier measure).
 */
public final class LogSigBench {

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int BLOCK = 1 << 20;

  private LogSigBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 2 && args[0].equals("export")) {
      export(Path.of(args[1]));
    } else if (args.length >= 4 && args[0].equals("scan")) {
      scan(Path.of(args[1]), args[2], Integer.parseInt(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 2);
    } else {
      System.err.println("usage: LogSigBench export DIR | scan CORPUS as-is|ignore-case|exact RUNS [WARMUP]");
      System.exit(2);
    }
  }

  private static void export(Path dir) throws IOException {
    Files.createDirectories(dir);
    SignatureSet set = SignatureSet.builtIn();
    List<String> all = new ArrayList<>();
    List<String> ci = new ArrayList<>();
    List<String> exact = new ArrayList<>();
    for (Signature s : set.signatures()) {
      all.addAll(s.patterns());
      (s.ignoreCase() ? ci : exact).addAll(s.patterns());
    }
    write(dir.resolve("all.txt"), all);
    write(dir.resolve("ignore-case.txt"), ci);
    write(dir.resolve("exact.txt"), exact);
    System.out.printf(Locale.ROOT, "signatures=%d patterns=%d ignore_case=%d exact=%d matcher_kib=%d%n", set.size(),
        all.size(), ci.size(), exact.size(), set.matcherBytes() / 1024);
  }

  private static void write(Path p, List<String> patterns) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String s : patterns) {
      sb.append(s).append('\n');
    }
    Files.writeString(p, sb, StandardCharsets.UTF_8);
  }

  /** The built-in signatures with their case rule kept ({@code as-is}) or forced, to compare with grep / grep -i. */
  static SignatureSet signatures(String mode) {
    SignatureSet set = SignatureSet.builtIn();
    if (mode.equals("as-is")) {
      return set;
    }
    boolean ignoreCase;
    if (mode.equals("ignore-case")) {
      ignoreCase = true;
    } else if (mode.equals("exact")) {
      ignoreCase = false;
    } else {
      throw new IllegalArgumentException("case mode must be as-is, ignore-case or exact, not " + mode);
    }
    List<Signature> forced = new ArrayList<>();
    for (Signature s : set.signatures()) {
      forced.add(new Signature(s.id(), s.rule(), s.priority(), s.tags(), s.description(), ignoreCase, s.patterns(),
          s.origin()));
    }
    return SignatureSet.of(forced);
  }

  private static void scan(Path corpus, String mode, int runs, int warmup) throws IOException {
    SignatureSet set = signatures(mode);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    PrintStream out = System.out;
    for (int r = -warmup; r < runs; r++) {
      long wall0 = System.nanoTime();
      long cpu0 = mx.getCurrentThreadCpuTime();
      long[] result = countMatchingLines(corpus, set);
      double wall = (System.nanoTime() - wall0) / 1e9;
      double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      if (r >= 0) {
        out.printf(Locale.ROOT, "run=%d lines=%d bytes=%d wall_s=%.4f cpu_s=%.4f%n", r, result[0], result[1], wall,
            cpu);
      }
    }
  }

  /** {@code [lines with a match, bytes read]}, streaming the file block by block. */
  static long[] countMatchingLines(Path corpus, SignatureSet set) throws IOException {
    byte[] buf = new byte[BLOCK];
    long matching = 0;
    long bytes = 0;
    try (InputStream in = Files.newInputStream(corpus)) {
      int have = 0;
      while (true) {
        if (have == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the block
        }
        int n = in.read(buf, have, buf.length - have);
        if (n < 0) {
          break;
        }
        bytes += n;
        int end = have + n;
        int start = 0;
        int nl;
        while ((nl = newline(buf, start, end)) >= 0) {
          if (!set.match(buf, start, nl).isEmpty()) {
            matching++;
          }
          start = nl + 1;
        }
        have = end - start;
        System.arraycopy(buf, start, buf, 0, have);
      }
      if (have > 0 && !set.match(buf, 0, have).isEmpty()) {
        matching++;
      }
    }
    return new long[] {matching, bytes};
  }

  /** Index of the first '\n' in {@code b[from, to)}, or -1; eight bytes at a time. */
  static int newline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONG.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL;
      long z = (w - 0x0101010101010101L) & ~w & 0x8080808080808080L;
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
