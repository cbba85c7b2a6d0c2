package dev.vigil.fuzz;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile text for the fuzz properties: a valid seed document with a few random edits (a range cut,
 * repeated, or a token inserted), and token soup. Edits keep most of the seed's structure, so the parser gets past
 * its first lines and into the code that reads values, which uniformly random text rarely reaches. Stateless and
 * thread-safe.
 */
public final class TextMutations {

  /** Tokens that mean something to YAML: structure, anchors and aliases, tags, quotes, odd scalars. */
  public static final List<String> YAML_TOKENS = List.of("\n", "\n  ", "\n- ", ": ", "- ", "[", "]", "{", "}", ",",
      "'", "\"", "#", "&a ", "*a", "<<: *a", "!!binary ", "!!map ", "!!python/object:os.system ", "? ", "|", ">-",
      "---\n", "...\n", "%YAML 1.1\n", "~", "null", "true", "0x7fffffffffffffffff", "-1", "1e999", ".nan", "\t",
      "\u0000", "\uffff", "\ud800", "\u00e9", "${X}", "${X:-y}", "${", "\\", "%");

  private TextMutations() {}

  /** {@code seed} with one to {@code maxEdits} random edits, the inserted tokens drawn from {@code tokens}. */
  public static Arbitrary<String> mutationsOf(String seed, List<String> tokens, int maxEdits) {
    Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, seed.length()), Arbitraries.integers().between(0, 64),
        Arbitraries.of(tokens)).as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(maxEdits).map(edits -> {
      String s = seed;
      for (Edit e : edits) {
        s = e.apply(s);
      }
      return s;
    });
  }

  /**
   * Hostile documents for a YAML reader: {@code seed} with up to 4 edits, token soup of {@link #YAML_TOKENS} and
   * {@code extraTokens}, or arbitrary strings.
   */
  public static Arbitrary<String> yamlInputs(String seed, List<String> extraTokens) {
    List<String> tokens = java.util.stream.Stream.concat(YAML_TOKENS.stream(), extraTokens.stream()).toList();
    return Arbitraries.oneOf(mutationsOf(seed, tokens, 4), soup(tokens, 40), Arbitraries.strings().ofMaxLength(200));
  }

  /** Up to {@code maxTokens} tokens of {@code tokens} in random order. */
  public static Arbitrary<String> soup(List<String> tokens, int maxTokens) {
    return Arbitraries.of(tokens).list().ofMaxSize(maxTokens).map(l -> String.join("", l));
  }

  /** One edit: 0 cuts {@code [at, at+len)}, 1 repeats it, 2 inserts {@code token} at {@code at}. */
  private record Edit(int kind, int at, int len, String token) {
    String apply(String s) {
      int from = Math.min(at, s.length());
      int to = Math.min(s.length(), from + len);
      return switch (kind) {
        case 0 -> s.substring(0, from) + s.substring(to);
        case 1 -> s.substring(0, to) + s.substring(from, to) + s.substring(to);
        default -> s.substring(0, from) + token + s.substring(from);
      };
    }
  }
}
