package dev.vigil.rules;

import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.rules.lang.Pos;
import java.util.Objects;

/**
 * An error or warning about a rules file, with a stable code (which decides the severity), the place and a one-line
 * message a user can act on. Printed as {@code file:line:col: error VR112: message}. Immutable.
 *
 * @param pos position in the file, or null when the problem has no single place
 */
public record Diagnostic(DiagnosticCode code, String file, Pos pos, String message) {

  public Diagnostic {
    Objects.requireNonNull(code, "code");
  }

  public DiagnosticCode.Severity severity() {
    return code.severity();
  }

  public boolean isError() {
    return code.isError();
  }

  @Override
  public String toString() {
    String where = file + (pos == null ? "" : ":" + pos.line() + ":" + pos.col());
    return where + ": " + severity().label() + " " + code + ": " + message;
  }
}
