package dev.vigil.rules.lang;

/**
 * A condition that cannot be parsed: a stable error code, where, and a one-line message a user can act on.
 */
public final class ParseException extends Exception {

  private static final long serialVersionUID = 1L;

  private final DiagnosticCode code;
  private final transient Pos pos;

  public ParseException(DiagnosticCode code, Pos pos, String message) {
    super(message);
    this.code = code;
    this.pos = pos;
  }

  /** Stable error code, e.g. {@link DiagnosticCode#VR101}. */
  public DiagnosticCode code() {
    return code;
  }

  public Pos pos() {
    return pos;
  }
}
