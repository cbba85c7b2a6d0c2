package dev.vigil.rules.lang;

/** A 1-based line and column in a condition's text (or, once offset, in a rules file). */
public record Pos(int line, int col) {

  /** This position seen from a text that starts at {@code origin} (for conditions embedded in YAML). */
  public Pos offsetBy(Pos origin) {
    return line == 1 ? new Pos(origin.line(), origin.col() + col - 1) : new Pos(origin.line() + line - 1, col);
  }

  @Override
  public String toString() {
    return line + ":" + col;
  }
}
