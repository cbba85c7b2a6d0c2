package dev.vigil.sensor.docker;

/**
 * The Docker engine cannot be used: unreachable, not permitted, or too old. The message is one line a user can
 * act on (what failed, where, and the likely fix), meant to be printed without a stack trace.
 */
public final class EngineUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the engine is unavailable; the CLI maps each reason to an exit code. */
  public enum Reason {
    UNREACHABLE,
    PERMISSION_DENIED,
    TLS,
    UNSUPPORTED_VERSION
  }

  private final Reason reason;

  public EngineUnavailableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
