package dev.vigil.rules;

import dev.vigil.rules.lang.Pos;

/**
 * An error or warning about a rules file, with a stable code, the place and a one-line message a user can act on.
 * Printed as {@code file:line:col: error VR112: message}. Immutable.
 *
 * @param pos position in the file, or null when the problem has no single place
 */
public record Diagnostic(Severity severity, String code, String file, Pos pos, String message) {

  /** How bad a diagnostic is: errors make a load fail, warnings do not. */
  public enum Severity {
    ERROR,
    WARNING
  }

  public static Diagnostic error(String code, String file, Pos pos, String message) {
    return new Diagnostic(Severity.ERROR, code, file, pos, message);
  }

  public static Diagnostic warning(String code, String file, Pos pos, String message) {
    return new Diagnostic(Severity.WARNING, code, file, pos, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    String where = file + (pos == null ? "" : ":" + pos.line() + ":" + pos.col());
    return where + ": " + (isError() ? "error " : "warning ") + code + ": " + message;
  }
}
