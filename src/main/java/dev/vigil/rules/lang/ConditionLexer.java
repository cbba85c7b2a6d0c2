package dev.vigil.rules.lang;

import static dev.vigil.rules.lang.DiagnosticCode.VR100;
import static dev.vigil.rules.lang.DiagnosticCode.VR101;
import static dev.vigil.rules.lang.DiagnosticCode.VR103;
import static dev.vigil.rules.lang.DiagnosticCode.VR106;

/**
 * Character-level scanner over one condition text, tracking 1-based line and column. Falco's filter grammar is
 * scannerless (what a run of characters means depends on where it stands), so the parser asks for the kind of
 * token it expects next rather than consuming a fixed token stream. Single use, not thread-safe.
 */
final class ConditionLexer {

  /** Returned by {@link #peek()} at the end of the text. */
  static final int EOF = -1;

  /** Symbol operators, longest first where one is a prefix of another, as Falco tries them. */
  private static final String[] SYMBOL_OPS = {"<=", "<", ">=", ">", "==", "=", "!="};

  private static final int MAX_SHOWN = 30;

  private final String text;
  private int idx;
  private int line = 1;
  private int col = 1;

  ConditionLexer(String text) {
    this.text = text;
  }

  Pos pos() {
    return new Pos(line, col);
  }

  boolean atEnd() {
    return idx >= text.length();
  }

  int peek() {
    return peek(0);
  }

  int peek(int ahead) {
    int i = idx + ahead;
    return i < text.length() ? text.charAt(i) : EOF;
  }

  /** Blanks as Falco's lexer skips them; true when at least one was skipped. */
  boolean skipBlanks() {
    int start = idx;
    while (isBlank(peek())) {
      advance(1);
    }
    return idx > start;
  }

  static boolean isBlank(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B' || c == '\b';
  }

  static boolean isQuote(int c) {
    return c == '"' || c == '\'';
  }

  /** Consumes {@code s} if the text continues with it exactly. */
  boolean tryConsume(String s) {
    if (text.startsWith(s, idx)) {
      advance(s.length());
      return true;
    }
    return false;
  }

  /**
   * The name at the cursor without consuming it, or null: Falco's identifier {@code [a-zA-Z][a-zA-Z0-9_]*}, with
   * further {@code .segment}s of the same shape making it a field name.
   */
  String peekName() {
    int end = nameEnd(idx);
    return end == idx ? null : text.substring(idx, end);
  }

  private int nameEnd(int from) {
    int i = identEnd(from);
    if (i == from) {
      return from;
    }
    while (i + 1 < text.length() && text.charAt(i) == '.') {
      int next = identEnd(i + 1);
      if (next == i + 1) {
        break;
      }
      i = next;
    }
    return i;
  }

  private int identEnd(int from) {
    if (from >= text.length() || !isLetter(text.charAt(from))) {
      return from;
    }
    int i = from + 1;
    while (i < text.length() && isIdentPart(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Consumes and returns the name at the cursor, or returns null and consumes nothing. */
  String readName() {
    String name = peekName();
    if (name != null) {
      advance(name.length());
    }
    return name;
  }

  /**
   * The operator at the cursor without consuming it, or null: a symbol operator, else the word
   * {@code [a-zA-Z0-9_]+} there (which may not be an operator at all; the caller decides).
   */
  String peekOperator() {
    for (String op : SYMBOL_OPS) {
      if (text.startsWith(op, idx)) {
        return op;
      }
    }
    int i = idx;
    while (i < text.length() && isIdentPart(text.charAt(i))) {
      i++;
    }
    return i == idx ? null : text.substring(idx, i);
  }

  /**
   * Consumes a bare value: Falco's {@code [^()"',=[:space:]]+}, so {@code /usr/bin/}, {@code 127.0.0.1},
   * {@code -c}, {@code *.sh}, {@code a<b} and {@code C:\x} are single words. Empty when none is there.
   */
  String readBare() {
    int i = idx;
    while (i < text.length() && isBareChar(text.charAt(i))) {
      i++;
    }
    String word = text.substring(idx, i);
    advance(word.length());
    return word;
  }

  static boolean isBareChar(int c) {
    return c != EOF && !isBlank(c) && !isQuote(c) && c != '(' && c != ')' && c != ',' && c != '=';
  }

  /** Consumes a bare field argument, Falco's {@code [^]["'[:space:]]+}. Empty when none is there. */
  String readFieldArg() {
    int i = idx;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (isBlank(c) || isQuote(c) || c == '[' || c == ']') {
        break;
      }
      i++;
    }
    String arg = text.substring(idx, i);
    advance(arg.length());
    return arg;
  }

  /**
   * Consumes a quoted string at the cursor (which must be a quote) and returns its content with escapes resolved.
   * Escapes are Falco's: {@code \b \f \n \r \t \\ \/}, the string's own quote, and {@code \ } which Falco reads as
   * a single backslash (kept so that rules written against Falco match the same text).
   */
  String readQuoted() throws ParseException {
    Pos start = pos();
    char quote = text.charAt(idx);
    advance(1);
    StringBuilder sb = new StringBuilder();
    while (!atEnd()) {
      char c = text.charAt(idx);
      if (c == quote) {
        advance(1);
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        advance(1);
        continue;
      }
      if (idx + 1 >= text.length()) {
        break;
      }
      sb.append(unescape(text.charAt(idx + 1), quote));
      advance(2);
    }
    throw new ParseException(VR103, start, "unterminated string, expected a closing " + quote);
  }

  private char unescape(char e, char quote) throws ParseException {
    switch (e) {
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case ' ':
      case '\\':
        return '\\';
      case '/':
        return '/';
      case '"':
      case '\'':
        if (e == quote) {
          return e;
        }
        throw new ParseException(VR106, pos(),
            "escape \\" + e + " is not allowed in a " + quote + "-quoted string, write " + e + " unescaped");
      default:
        String shown = Character.isISOControl(e) ? " followed by U+" + String.format("%04X", (int) e) : "" + e;
        throw new ParseException(VR106, pos(), "unsupported escape sequence \\" + shown + " in quoted string");
    }
  }

  /** The token at the cursor as an error message shows it, quoted; {@code end of condition} at the end. */
  String describeNext() {
    if (atEnd()) {
      return "end of condition";
    }
    int c = peek();
    if (isBlank(c)) {
      return c == '\n' || c == '\r' ? "a line break" : "a blank";
    }
    int end;
    if (isQuote(c)) {
      int close = text.indexOf(c, idx + 1);
      end = close < 0 ? text.length() : close + 1;
    } else {
      end = idx;
      while (end < text.length() && isBareChar(text.charAt(end))) {
        end++;
      }
      end = Math.max(end, idx + 1);
    }
    String token = text.substring(idx, end);
    if (token.length() > MAX_SHOWN) {
      token = token.substring(0, MAX_SHOWN) + "...";
    }
    return "'" + oneLine(token) + "'";
  }

  /** {@code s} with control characters (line breaks, tabs) shown as spaces, so that messages stay on one line. */
  static String oneLine(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    return sb.toString();
  }

  /**
   * The would-be operator at the cursor as an error message shows it, quoted: a word, or a run of symbols such as
   * {@code ~=}.
   */
  String describeOperator() {
    String word = peekOperator();
    if (word != null) {
      return "'" + word + "'";
    }
    int end = idx;
    while (end < text.length()) {
      char c = text.charAt(end);
      if (isBlank(c) || isQuote(c) || isIdentPart(c) || c == '(' || c == ')' || c == ',') {
        break;
      }
      end++;
    }
    if (end == idx) {
      return describeNext();
    }
    String token = end - idx > MAX_SHOWN ? text.substring(idx, idx + MAX_SHOWN) + "..." : text.substring(idx, end);
    return "'" + oneLine(token) + "'";
  }

  /**
   * The error for a missing {@code what} at the cursor: VR100 when the text has ended, else VR101 naming what
   * was found instead.
   */
  ParseException expected(String what) {
    if (atEnd()) {
      return new ParseException(VR100, pos(), "unexpected end of condition, expected " + what);
    }
    return new ParseException(VR101, pos(), "unexpected token " + describeNext() + ", expected " + what);
  }

  private void advance(int n) {
    for (int k = 0; k < n; k++) {
      char c = text.charAt(idx++);
      // A CRLF pair is one line break: the LF that follows does the counting.
      if (c == '\n' || (c == '\r' && peek() != '\n')) {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isIdentPart(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '_';
  }
}
