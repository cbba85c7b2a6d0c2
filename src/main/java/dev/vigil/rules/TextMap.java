package dev.vigil.rules;

import dev.vigil.rules.lang.Pos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps positions in a condition's text (as the condition lexer counts them: 1-based line and column, a line break
 * being LF, CR or CRLF) to positions in the rules files the text was read from. Immutable; thread-safe.
 *
 * <p>The text is covered by pieces: a run of text characters copied verbatim from one source line, so a text
 * offset inside a piece maps exactly to a file column. Between pieces lie the characters YAML put there instead of
 * a line break (a space when folding, a line feed, the indentation of a more-indented line); a position there, or
 * at the end of the text, maps to just after the preceding piece, i.e. to the end of that source line's content.
 * An <em>open</em> piece has no known end: positions after it are counted on from it, on its source line. A map
 * built from only where the text starts ({@link #firstLine}) is one open piece, exact on the first line only.
 *
 * <p>Texts joined by {@link #append} (a rule's or macro's {@code append}ed condition) keep the pieces of every
 * part, each with its own file, so a position in an appended part maps into the file that appended it.
 */
public final class TextMap {

  /** Text offsets {@code [start, end)} were copied from {@code file} at {@code line}, from column {@code col}. */
  private record Piece(int start, int end, String file, int line, int col, boolean open) {}

  private final String text;
  private final Defs.Origin origin;
  private final List<Piece> pieces;
  private final int[] lineStarts;

  private TextMap(String text, Defs.Origin origin, List<Piece> pieces) {
    this.text = text;
    this.origin = origin;
    this.pieces = List.copyOf(pieces);
    this.lineStarts = lineStarts(text);
  }

  /**
   * The map of a text known only by where it starts: exact on the text's first line; later lines are counted from
   * there ({@code origin}'s line plus the text line, from column 1), as if the text were copied there verbatim.
   */
  public static TextMap firstLine(String text, Defs.Origin origin) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(origin, "origin");
    List<Piece> pieces = new ArrayList<>();
    int[] starts = lineStarts(text);
    for (int i = 0; i < starts.length; i++) {
      int line = origin.pos().line() + i;
      int col = i == 0 ? origin.pos().col() : 1;
      pieces.add(new Piece(starts[i], lineEnd(text, starts, i), origin.file(), line, col, i == starts.length - 1));
    }
    return new TextMap(text, origin, pieces);
  }

  /** Collects the pieces of one scalar's text, in text order; see {@link YamlText#textMap}. */
  static final class Builder {
    private final String text;
    private final Defs.Origin origin;
    private final List<Piece> pieces = new ArrayList<>();

    Builder(String text, Defs.Origin origin) {
      this.text = Objects.requireNonNull(text, "text");
      this.origin = Objects.requireNonNull(origin, "origin");
    }

    /** Text offsets {@code [start, end)} are the file's characters at {@code line} from (code point) {@code col}. */
    Builder piece(int start, int end, int line, int col) {
      pieces.add(new Piece(start, end, origin.file(), line, col, false));
      return this;
    }

    /**
     * The map; {@code complete} false when the rest of the text could not be matched to the source, which leaves
     * the last piece open (or, with no piece at all, maps the whole text from its origin as {@link #firstLine}).
     */
    TextMap build(boolean complete) {
      if (pieces.isEmpty()) {
        return firstLine(text, origin);
      }
      if (!complete) {
        Piece last = pieces.remove(pieces.size() - 1);
        pieces.add(new Piece(last.start(), last.end(), last.file(), last.line(), last.col(), true));
      }
      return new TextMap(text, origin, pieces);
    }
  }

  /** The text this maps. */
  public String text() {
    return text;
  }

  /** Where the text starts: the file and position of its first character (of the first part, when appended to). */
  public Defs.Origin origin() {
    return origin;
  }

  /**
   * This text followed by a space and {@code part}, as Falco joins an appended condition; positions in
   * {@code part}'s text keep mapping into {@code part}'s own file.
   */
  public TextMap append(TextMap part) {
    int shift = text.length() + 1;
    List<Piece> joined = new ArrayList<>(pieces);
    for (Piece p : part.pieces) {
      joined.add(new Piece(p.start() + shift, p.end() + shift, p.file(), p.line(), p.col(), p.open()));
    }
    return new TextMap(text + " " + part.text, origin, joined);
  }

  /** Where the text's character at {@code inText} (a position the condition lexer or parser reported) was read. */
  public Defs.Origin toFile(Pos inText) {
    return at(offset(inText));
  }

  /** {@link #toFile} without the file, for texts read from a single file. */
  public Pos toFilePos(Pos inText) {
    return toFile(inText).pos();
  }

  /** Where the character at text offset {@code offset} (0-based; the text's length means its end) was read. */
  Defs.Origin at(int offset) {
    int o = Math.max(0, Math.min(offset, text.length()));
    Piece p = pieces.get(0);
    for (Piece q : pieces) {
      if (q.start() > o) {
        break;
      }
      p = q;
    }
    int within = o < p.start() ? 0 : p.open() || o <= p.end() ? o - p.start() : p.end() - p.start();
    int cols = text.codePointCount(p.start(), p.start() + within);
    return new Defs.Origin(p.file(), new Pos(p.line(), p.col() + cols));
  }

  /** The text offset of a lexer position; positions past a line's end or the text's end are clamped. */
  private int offset(Pos inText) {
    if (inText.line() > lineStarts.length) {
      return text.length();
    }
    int line = Math.max(1, inText.line()) - 1;
    int start = lineStarts[line];
    return Math.max(start, Math.min(start + inText.col() - 1, lineEnd(text, lineStarts, line)));
  }

  /** Offsets where each line of {@code s} starts, counting line breaks as the condition lexer does. */
  private static int[] lineStarts(String s) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= s.length() || s.charAt(i + 1) != '\n'))) {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Where line {@code i} of {@code s} ends, before its line break. */
  private static int lineEnd(String s, int[] starts, int i) {
    if (i + 1 >= starts.length) {
      return s.length();
    }
    int end = starts[i + 1] - 1;
    return end > starts[i] && s.charAt(end) == '\n' && s.charAt(end - 1) == '\r' ? end - 1 : end;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextMap m && text.equals(m.text) && origin.equals(m.origin) && pieces.equals(m.pieces);
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, origin, pieces);
  }

  @Override
  public String toString() {
    return "TextMap" + pieces;
  }
}
