package dev.vigil.detect.logsig;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds many literal strings in a line in one pass over its UTF-8 bytes, with no regular expression and no work per
 * literal. Written here rather than taken from a library: on the same log lines and patterns, the Java Aho-Corasick
 * libraries on Maven Central ran at 0.7 times ({@code org.ahocorasick} 0.6.3) and 1.5 times
 * ({@code com.hankcs:aho-corasick-double-array-trie} 1.2.3) the speed of GNU {@code grep -F}, this class at about 5
 * times ({@code scripts/bench-logsig.sh}, docs/BENCHMARKS.md).
 *
 * <p>How it works. Every literal is at least {@link #MIN_LITERAL_BYTES} bytes long, so an occurrence starting at
 * byte {@code i} begins with one of the literals' 4-byte prefixes. The scan therefore reads the 4 bytes at each
 * position as one {@code int}, hashes it and tests one bit of a 16 KiB filter that has a bit set for every prefix;
 * positions are independent, so the CPU overlaps them and the filter stays in the L1 cache. Only where the bit is set
 * (about 1 to 3 positions in 100 on typical logs) is the exact prefix looked up and the literals' trie walked from
 * depth 4 to find which literals occur there. A literal is reported at each position where it starts, overlapping
 * occurrences included. The walk from one position is at most as long as the longest literal (about 50 bytes in the
 * built-in set), which bounds the worst case, a line repeating a long literal's prefix over and over, to that factor
 * of the usual cost; lines themselves are bounded by the log sensor.
 *
 * <p>Case. A case-insensitive literal ignores ASCII case only ({@code É} and {@code é} differ): the filter and the
 * trie work on ASCII-lower-cased bytes, which cannot corrupt UTF-8 since multi-byte sequences contain no ASCII bytes.
 * A case-sensitive literal shares that trie and is compared byte for byte where the trie finds it.
 *
 * <p>Text. Lines are bytes: invalid UTF-8, NUL and control characters are just bytes that match only a literal that
 * contains them. {@link #scan(String, Hits)} encodes the string as UTF-8 first (an unpaired surrogate becomes
 * {@code '?'}, as {@link String#getBytes} writes it).
 *
 * <p>Immutable and thread-safe after {@link #compile}.
 */
public final class LiteralMatcher {

  /** The shortest literal accepted, in UTF-8 bytes: the filter reads this many bytes at each position. */
  public static final int MIN_LITERAL_BYTES = 4;

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** Setting bit 0x20 of every byte is coarser than ASCII lower-casing, so the filter tests a superset. */
  private static final int COARSE_FOLD = 0x20202020;
  private static final int FILTER_BITS = 17;
  private static final int HASH_MULTIPLIER = 0x9E3779B1;

  /** Receives hits. */
  @FunctionalInterface
  public interface Hits {
    /**
     * Called for each occurrence of a literal, in order of start position (longer literals after shorter ones
     * starting at the same position).
     *
     * @param literal index of the literal in the list given to {@link #compile}
     * @param start byte index where the occurrence starts
     * @return false to stop scanning
     */
    boolean hit(int literal, int start);
  }

  /** One literal to search for: at least {@link #MIN_LITERAL_BYTES} bytes of UTF-8, any characters. */
  public record Literal(String text, boolean ignoreCase) {
    public Literal {
      Objects.requireNonNull(text, "text");
      int len = text.getBytes(StandardCharsets.UTF_8).length;
      if (len < MIN_LITERAL_BYTES) {
        throw new IllegalArgumentException(
            "literal '" + text + "' is " + len + " bytes; the minimum is " + MIN_LITERAL_BYTES);
      }
    }
  }

  /** Bit {@code h} is set when some literal's coarse-folded prefix hashes to {@code h}. */
  private final long[] filter;
  /** Open addressing: folded 4-byte prefix to trie node at depth 4; slot empty when node is 0. */
  private final int[] prefixKeys;
  private final int[] prefixNodes;
  private final int prefixMask;
  private final int prefixShift;
  /** Trie from depth 4 on: each node's children are edges [edgeStart[n], edgeStart[n + 1]), sorted by byte. */
  private final int[] edgeStart;
  private final byte[] edgeByte;
  private final int[] edgeTarget;
  /** Literals whose folded bytes end at a node: [endStart[n], endStart[n + 1]) in endLiteral. */
  private final int[] endStart;
  private final int[] endLiteral;
  private final byte[][] literalBytes;
  private final boolean[] exact;
  private final int nodes;

  private LiteralMatcher(long[] filter, int[] prefixKeys, int[] prefixNodes, int[] edgeStart, byte[] edgeByte,
      int[] edgeTarget, int[] endStart, int[] endLiteral, byte[][] literalBytes, boolean[] exact, int nodes) {
    this.filter = filter;
    this.prefixKeys = prefixKeys;
    this.prefixNodes = prefixNodes;
    this.prefixMask = prefixKeys.length - 1;
    this.prefixShift = Integer.numberOfLeadingZeros(prefixKeys.length) + 1;
    this.edgeStart = edgeStart;
    this.edgeByte = edgeByte;
    this.edgeTarget = edgeTarget;
    this.endStart = endStart;
    this.endLiteral = endLiteral;
    this.literalBytes = literalBytes;
    this.exact = exact;
    this.nodes = nodes;
  }

  /** Number of literals compiled. */
  public int literals() {
    return literalBytes.length;
  }

  /** Number of trie nodes from depth 4 on (one per distinct case-folded literal prefix of 4 or more bytes). */
  public int nodes() {
    return nodes;
  }

  /** Number of distinct case-folded 4-byte prefixes. */
  public int prefixes() {
    int n = 0;
    for (int node : prefixNodes) {
      n += node != 0 ? 1 : 0;
    }
    return n;
  }

  /** Approximate heap taken by the matcher's tables, in bytes. */
  public long heapBytes() {
    long b = 8L * filter.length + 4L * (prefixKeys.length + prefixNodes.length + edgeStart.length + edgeTarget.length
        + endStart.length + endLiteral.length) + edgeByte.length;
    for (byte[] l : literalBytes) {
      b += 16 + l.length;
    }
    return b;
  }

  /**
   * Compiles the literals. They may repeat or overlap; each keeps its index.
   *
   * @throws IllegalArgumentException if the list is empty
   */
  public static LiteralMatcher compile(List<Literal> literals) {
    if (literals.isEmpty()) {
      throw new IllegalArgumentException("no literals");
    }
    int n = literals.size();
    byte[][] bytes = new byte[n][];
    boolean[] exact = new boolean[n];
    // Build a pointer trie first: node 0 is a placeholder root, prefix nodes hang off a map by their 4-byte key.
    Map<Integer, Integer> prefixNode = new HashMap<>();
    List<Map<Byte, Integer>> children = new ArrayList<>();
    List<List<Integer>> ends = new ArrayList<>();
    children.add(Map.of());
    ends.add(List.of());
    long[] filter = new long[1 << (FILTER_BITS - 6)];
    for (int i = 0; i < n; i++) {
      Literal l = literals.get(i);
      bytes[i] = l.text().getBytes(StandardCharsets.UTF_8);
      byte[] f = bytes[i].clone();
      for (int k = 0; k < f.length; k++) {
        f[k] = lower(f[k]);
      }
      // Without ASCII letters the folded trie is already exact.
      exact[i] = !l.ignoreCase() && !Arrays.equals(f, upper(f));
      int key = (int) INT.get(f, 0);
      int h = hash(key | COARSE_FOLD);
      filter[h >>> 6] |= 1L << h;
      Integer node = prefixNode.get(key);
      if (node == null) {
        node = newNode(children, ends);
        prefixNode.put(key, node);
      }
      for (int k = MIN_LITERAL_BYTES; k < f.length; k++) {
        Integer next = children.get(node).get(f[k]);
        if (next == null) {
          next = newNode(children, ends);
          children.get(node).put(f[k], next);
        }
        node = next;
      }
      ends.get(node).add(i);
    }

    int size = Integer.highestOneBit(Math.max(4, prefixNode.size() * 2)) * 2;
    int[] prefixKeys = new int[size];
    int[] prefixNodes = new int[size];
    for (Map.Entry<Integer, Integer> e : prefixNode.entrySet()) {
      int slot = (e.getKey() * HASH_MULTIPLIER) >>> (Integer.numberOfLeadingZeros(size) + 1);
      while (prefixNodes[slot] != 0) {
        slot = (slot + 1) & (size - 1);
      }
      prefixKeys[slot] = e.getKey();
      prefixNodes[slot] = e.getValue();
    }

    int count = children.size();
    int[] edgeStart = new int[count + 1];
    int[] endStart = new int[count + 1];
    int edges = 0;
    int endsTotal = 0;
    for (int node = 0; node < count; node++) {
      edges += children.get(node).size();
      endsTotal += ends.get(node).size();
    }
    byte[] edgeByte = new byte[edges];
    int[] edgeTarget = new int[edges];
    int[] endLiteral = new int[endsTotal];
    int e = 0;
    int x = 0;
    for (int node = 0; node < count; node++) {
      edgeStart[node] = e;
      endStart[node] = x;
      List<Map.Entry<Byte, Integer>> kids = new ArrayList<>(children.get(node).entrySet());
      kids.sort(Map.Entry.comparingByKey());
      for (Map.Entry<Byte, Integer> kid : kids) {
        edgeByte[e] = kid.getKey();
        edgeTarget[e++] = kid.getValue();
      }
      List<Integer> lits = new ArrayList<>(ends.get(node));
      lits.sort(null);
      for (int lit : lits) {
        endLiteral[x++] = lit;
      }
    }
    edgeStart[count] = e;
    endStart[count] = x;
    return new LiteralMatcher(filter, prefixKeys, prefixNodes, edgeStart, edgeByte, edgeTarget, endStart,
        endLiteral, bytes, exact, count - 1);
  }

  private static int newNode(List<Map<Byte, Integer>> children, List<List<Integer>> ends) {
    children.add(new HashMap<>());
    ends.add(new ArrayList<>());
    return children.size() - 1;
  }

  /**
   * Scans {@code b[from, to)} and reports every occurrence of every literal.
   *
   * @return true if at least one occurrence was reported
   */
  public boolean scan(byte[] b, int from, int to, Hits hits) {
    Objects.checkFromToIndex(from, to, b.length);
    final long[] f = filter;
    boolean any = false;
    for (int i = from, last = to - MIN_LITERAL_BYTES; i <= last; i++) {
      int h = hash((int) INT.get(b, i) | COARSE_FOLD);
      if ((f[h >>> 6] & 1L << h) != 0) {
        int r = verify(b, i, to, hits);
        if (r != 0) {
          any = true;
          if (r < 0) {
            return true;
          }
        }
      }
    }
    return any;
  }

  /** Scans the UTF-8 encoding of {@code text}; hit starts are byte indexes into that encoding. */
  public boolean scan(String text, Hits hits) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return scan(b, 0, b.length, hits);
  }

  /** True if some literal occurs in {@code b[from, to)}. */
  public boolean matches(byte[] b, int from, int to) {
    return scan(b, from, to, (l, s) -> false);
  }

  /**
   * Looks up the literals starting at {@code i}, whose 4 bytes passed the filter.
   *
   * @return 0 for none, 1 if some were reported, -1 if the receiver asked to stop
   */
  private int verify(byte[] b, int i, int to, Hits hits) {
    int key = lowerInt((int) INT.get(b, i));
    int slot = (key * HASH_MULTIPLIER) >>> prefixShift;
    int node;
    while (true) {
      node = prefixNodes[slot];
      if (node == 0) {
        return 0;
      }
      if (prefixKeys[slot] == key) {
        break;
      }
      slot = (slot + 1) & prefixMask;
    }
    int result = 0;
    int j = i + MIN_LITERAL_BYTES;
    while (true) {
      for (int k = endStart[node], end = endStart[node + 1]; k < end; k++) {
        int lit = endLiteral[k];
        if (exact[lit] && !Arrays.equals(b, i, j, literalBytes[lit], 0, literalBytes[lit].length)) {
          continue;
        }
        result = 1;
        if (!hits.hit(lit, i)) {
          return -1;
        }
      }
      if (j >= to) {
        return result;
      }
      node = child(node, lower(b[j++]));
      if (node < 0) {
        return result;
      }
    }
  }

  private int child(int node, byte c) {
    int lo = edgeStart[node];
    int hi = edgeStart[node + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      byte m = edgeByte[mid];
      if (m < c) {
        lo = mid + 1;
      } else if (m > c) {
        hi = mid - 1;
      } else {
        return edgeTarget[mid];
      }
    }
    return -1;
  }

  private static int hash(int v) {
    return (v * HASH_MULTIPLIER) >>> (32 - FILTER_BITS);
  }

  private static byte lower(byte c) {
    return c >= 'A' && c <= 'Z' ? (byte) (c + ('a' - 'A')) : c;
  }

  private static int lowerInt(int v) {
    int r = 0;
    for (int k = 0; k < 32; k += 8) {
      r |= (lower((byte) (v >>> k)) & 0xFF) << k;
    }
    return r;
  }

  private static byte[] upper(byte[] f) {
    byte[] u = f.clone();
    for (int k = 0; k < u.length; k++) {
      if (u[k] >= 'a' && u[k] <= 'z') {
        u[k] = (byte) (u[k] - ('a' - 'A'));
      }
    }
    return u;
  }
}
