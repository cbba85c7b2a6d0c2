package dev.vigil.detect.logsig;

import dev.vigil.common.TextLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The signatures in force, all their patterns compiled into one {@link LiteralMatcher}, so a line is scanned once
 * whatever the number of signatures. A line's result is every signature with at least one pattern in it, each once,
 * in the order of its first occurrence (not just the first signature: two findings in one line are two alerts).
 * Immutable and thread-safe.
 */
public final class SignatureSet {

  /** The largest signature file read. */
  public static final long MAX_FILE_BYTES = 16L << 20;

  /** The built-in signature file, a class-path resource. */
  public static final String BUILTIN_RESOURCE = "signatures/default.yaml";

  /** One signature found in a line. */
  public record Match(Signature signature, String pattern, int start) {}

  private final List<Signature> signatures;
  /** Null when there are no signatures. */
  private final LiteralMatcher matcher;
  private final int[] literalSignature;
  private final String[] literalPattern;

  private SignatureSet(List<Signature> signatures) {
    this.signatures = List.copyOf(signatures);
    List<LiteralMatcher.Literal> literals = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    for (int i = 0; i < this.signatures.size(); i++) {
      Signature s = this.signatures.get(i);
      for (String p : s.patterns()) {
        literals.add(new LiteralMatcher.Literal(p, s.ignoreCase()));
        owner.add(i);
      }
    }
    this.matcher = literals.isEmpty() ? null : LiteralMatcher.compile(literals);
    this.literalSignature = owner.stream().mapToInt(Integer::intValue).toArray();
    this.literalPattern = literals.stream().map(LiteralMatcher.Literal::text).toArray(String[]::new);
  }

  /**
   * A set of these signatures.
   *
   * @throws SignatureFileException if two signatures share an id (naming where each was defined)
   */
  public static SignatureSet of(List<Signature> signatures) {
    Map<String, Signature> byId = new HashMap<>();
    for (Signature s : signatures) {
      Signature first = byId.putIfAbsent(s.id(), s);
      if (first != null) {
        throw new SignatureFileException(s.origin(), List.of(s.origin() + ": duplicate signature id '" + s.id()
            + "', already defined at " + first.origin()));
      }
    }
    return new SignatureSet(signatures);
  }

  /** The built-in signatures. */
  public static SignatureSet builtIn() {
    return of(readBuiltIn());
  }

  /**
   * Loads the built-in file (if {@code builtin}) and then each file, leaving out the disabled ids.
   *
   * @throws SignatureFileException for a malformed file, a duplicate id, or a disabled id that no loaded signature
   *     has (a typo would otherwise silently keep a noisy signature on)
   * @throws IOException if a file cannot be read
   */
  public static SignatureSet load(boolean builtin, List<Path> files, Collection<String> disabled)
      throws IOException {
    List<Signature> all = new ArrayList<>();
    if (builtin) {
      all.addAll(readBuiltIn());
    }
    for (Path f : files) {
      String text;
      try {
        java.util.Optional<String> tooLarge = TextLimits.checkSize(f, MAX_FILE_BYTES);
        if (tooLarge.isPresent()) {
          throw new SignatureFileException(f.toString(), List.of(f + ": " + tooLarge.get()));
        }
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (CharacterCodingException e) {
        throw new SignatureFileException(f.toString(), List.of(f + ": not UTF-8 text"));
      }
      all.addAll(SignatureFile.parse(text, f.toString()));
    }
    Set<String> off = new LinkedHashSet<>(disabled);
    List<Signature> kept = new ArrayList<>();
    for (Signature s : all) {
      if (!off.remove(s.id())) {
        kept.add(s);
      }
    }
    if (!off.isEmpty()) {
      throw new SignatureFileException("configuration", List.of("disabled_signatures names "
          + (off.size() == 1 ? "a signature that does not exist: " : "signatures that do not exist: ")
          + String.join(", ", off)));
    }
    return of(kept);
  }

  private static List<Signature> readBuiltIn() {
    try (InputStream in = SignatureSet.class.getClassLoader().getResourceAsStream(BUILTIN_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("built-in resource " + BUILTIN_RESOURCE + " is missing from the jar");
      }
      return SignatureFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "builtin:" + BUILTIN_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<Signature> signatures() {
    return signatures;
  }

  public int size() {
    return signatures.size();
  }

  /** Number of patterns across all signatures. */
  public int patterns() {
    return literalPattern.length;
  }

  /** Approximate heap of the compiled matcher, in bytes. */
  public long matcherBytes() {
    return matcher == null ? 0 : matcher.heapBytes();
  }

  /** The signatures found in a line (its UTF-8 bytes), each once, in order of first occurrence. */
  public List<Match> match(String line) {
    if (matcher == null) {
      return List.of();
    }
    Collector c = new Collector();
    matcher.scan(line, c);
    return c.result();
  }

  /** The signatures found in {@code b[from, to)}, one line's bytes, each once, in order of first occurrence. */
  public List<Match> match(byte[] b, int from, int to) {
    if (matcher == null) {
      return List.of();
    }
    Collector c = new Collector();
    matcher.scan(b, from, to, c);
    return c.result();
  }

  /** Collects one scan's hits, keeping the first per signature; allocates only when something matched. */
  private final class Collector implements LiteralMatcher.Hits {
    private List<Match> found;

    @Override
    public boolean hit(int literal, int start) {
      Signature s = signatures.get(literalSignature[literal]);
      if (found == null) {
        found = new ArrayList<>(2);
      } else {
        for (Match m : found) {
          if (m.signature() == s) {
            return true;
          }
        }
      }
      found.add(new Match(s, literalPattern[literal], start));
      return true;
    }

    List<Match> result() {
      return found == null ? List.of() : found;
    }
  }
}
