package dev.vigil.rules.lang;

/**
 * A 1-based line and column: in a condition's text as the lexer counts them, or, once mapped (see
 * {@code dev.vigil.rules.TextMap}), in a rules file.
 */
public record Pos(int line, int col) {

  @Override
  public String toString() {
    return line + ":" + col;
  }
}
