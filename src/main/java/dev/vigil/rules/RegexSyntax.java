package dev.vigil.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Compiles the patterns of the {@code regex}, {@code glob}, {@code iglob} and {@code pmatch} operators with RE2J, a
 * linear-time engine with RE2's syntax (the engine Falco uses), once, at load. A pattern RE2 rejects but
 * {@code java.util.regex} would accept is named by the construct RE2 lacks (the table {@link #CONSTRUCTS}), so the
 * rule author learns what to rewrite, not only that RE2 refused it. Stateless and thread-safe.
 */
final class RegexSyntax {

  /**
   * A construct of backtracking engines (Java, PCRE) that RE2 does not have, recognised by the text RE2J quotes in
   * its error, with what to write instead.
   */
  record Construct(String name, String quotedPrefix, String instead) {}

  /** Every construct RE2 lacks that a rule may have been written with; the first whose prefix matches names it. */
  static final List<Construct> CONSTRUCTS = List.of(
      new Construct("a lookbehind", "(?<=", "match the text before as part of the pattern"),
      new Construct("a negative lookbehind", "(?<!", "test the unwanted text with a second `regex` under `not`"),
      new Construct("a lookahead", "(?=", "match the text after as part of the pattern"),
      new Construct("a negative lookahead", "(?!", "test the unwanted text with a second `regex` under `not`"),
      new Construct("an atomic group", "(?>", "write the group without `?>`: RE2 never backtracks"),
      new Construct("a backreference", "\\1", "list the repeated alternatives explicitly"),
      new Construct("a backreference", "\\k", "list the repeated alternatives explicitly"),
      new Construct("the end-of-input anchor \\Z", "\\Z", "write `$` or `\\z` (a whole-value match ends there)"),
      new Construct("the \\G anchor", "\\G", "write `^`"),
      new Construct("the \\R line break class", "\\R", "write `(\\r\\n|[\\n\\r])`"),
      new Construct("the \\h horizontal space class", "\\h", "write `[ \\t]`"),
      new Construct("the \\X grapheme class", "\\X", "write `.`"),
      new Construct("a Java character class \\p{...}", "\\p{", "use a POSIX class such as `[[:alpha:]]` or a "
          + "Unicode class such as `\\pL`"),
      new Construct("a repeat count over 1,000", "{", "RE2 allows at most {1000}; write `+`, `*` or a smaller "
          + "count"),
      new Construct("a flag RE2 does not have", "(?", "RE2 knows the flags i, m, s and U"));

  /** The outcome of compiling one pattern: the pattern, or the diagnostic (code and message) that refused it. */
  record Result(Pattern pattern, boolean unsupported, String message) {}

  private RegexSyntax() {}

  /** Compiles a rule's {@code regex} value (a whole-value match, as RE2's FullMatch). */
  static Result regex(String re) {
    try {
      return new Result(Pattern.compile(re), false, null);
    } catch (PatternSyntaxException e) {
      Optional<String> construct = construct(re, e);
      return construct.map(c -> new Result(null, true, "regular expression '" + re + "' uses " + c))
          .orElseGet(() -> new Result(null, false, "invalid regular expression '" + re + "': "
              + e.getDescription() + quoted(e).map(q -> " `" + q + "`").orElse("")));
    }
  }

  /** Compiles a translated glob; a glob whose bracket set RE2 refuses (e.g. {@code [z-a]}) is an error. */
  static Result glob(String glob, String translated, boolean ignoreCase) {
    try {
      return new Result(Pattern.compile(translated, ignoreCase ? Pattern.CASE_INSENSITIVE : 0), false, null);
    } catch (PatternSyntaxException e) {
      return new Result(null, false, "invalid glob '" + glob + "': " + e.getDescription()
          + quoted(e).map(q -> " `" + q + "`").orElse(""));
    }
  }

  /**
   * What RE2 lacks in {@code re}, with where it is and what to write instead; empty when the pattern is wrong for
   * every engine (then it is simply invalid).
   */
  private static Optional<String> construct(String re, PatternSyntaxException e) {
    if (!javaAccepts(re)) {
      return Optional.empty();
    }
    String q = quoted(e).orElse("");
    int at = q.isEmpty() ? -1 : re.indexOf(q);
    String where = at < 0 ? "" : String.format(Locale.ROOT, " (`%s` at offset %d)", q, at);
    if (q.length() >= 2 && "*+?}".indexOf(q.charAt(q.length() - 2)) >= 0 && q.endsWith("+")) {
      return Optional.of("a possessive quantifier" + where + ", which RE2 does not support; drop the last `+`: "
          + "RE2 never backtracks, so the greedy quantifier costs no more");
    }
    for (Construct c : CONSTRUCTS) {
      if (q.startsWith(c.quotedPrefix()) || c.quotedPrefix().equals("\\1") && isBackreference(q)) {
        return Optional.of(c.name() + where + ", which RE2 does not support; " + c.instead());
      }
    }
    return Optional.of("a construct RE2 does not support" + where + " (" + e.getDescription() + ")");
  }

  private static boolean isBackreference(String q) {
    return q.length() == 2 && q.charAt(0) == '\\' && q.charAt(1) >= '1' && q.charAt(1) <= '9';
  }

  /** The text RE2J quotes in backticks in its error message, if any. */
  private static Optional<String> quoted(PatternSyntaxException e) {
    String m = e.getMessage();
    int open = m.indexOf('`');
    int close = m.lastIndexOf('`');
    return open >= 0 && close > open ? Optional.of(m.substring(open + 1, close)) : Optional.empty();
  }

  /** Whether Java's backtracking engine, the dialect rules were often written for, accepts the pattern (load only). */
  private static boolean javaAccepts(String re) {
    try {
      java.util.regex.Pattern.compile(re);
      return true;
    } catch (java.util.regex.PatternSyntaxException e) {
      return false;
    }
  }
}
