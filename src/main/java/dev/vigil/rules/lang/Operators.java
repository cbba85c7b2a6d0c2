package dev.vigil.rules.lang;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The check operators of Falco's condition language, grouped by what they take on their right, as libsinsp's
 * filter parser groups them. Operators are case-sensitive. Constants only; thread-safe.
 */
public final class Operators {

  /** Operators with no right-hand side. */
  public static final Set<String> UNARY = Set.of("exists");

  /** Operators whose right-hand side must be a number (or a field). */
  public static final Set<String> NUMERIC = Set.of("<", "<=", ">", ">=");

  /** Operators whose right-hand side is one quoted or bare string (or a field). */
  public static final Set<String> STRING = Set.of("=", "==", "!=", "contains", "icontains", "bcontains",
      "startswith", "bstartswith", "endswith", "glob", "iglob", "regex");

  /** Operators whose right-hand side is a parenthesised list, a list name, or a field. */
  public static final Set<String> LIST = Set.of("in", "intersects", "pmatch");

  // Falco's number syntax for the right of <, <=, > and >=: decimal (sign, fraction, exponent) or hex.
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?[0-9]+\\.?[0-9]*([eE][+-][0-9]+)?|0[xX][0-9a-fA-F]+");

  private Operators() {}

  /** True for any operator of the language. */
  public static boolean isOperator(String op) {
    return UNARY.contains(op) || NUMERIC.contains(op) || STRING.contains(op) || LIST.contains(op);
  }

  /** True for the word string operators, which Falco requires to be followed by a blank. */
  static boolean needsBlankAfter(String op) {
    return STRING.contains(op) && Character.isLetter(op.charAt(0));
  }

  /** True when {@code text} is a number as Falco writes one after a numeric operator. */
  static boolean isNumber(String text) {
    return NUMBER.matcher(text).matches();
  }
}
