package dev.vigil.app;

/** Process exit codes of the {@code vigil} command; documented in the README. */
final class ExitCodes {
  static final int OK = 0;
  /** An unexpected error, or a configuration that cannot work (unwritable alerts file, ...). */
  static final int ERROR = 1;
  /** Bad command line (picocli's own code). */
  static final int USAGE = 2;
  /** The Docker engine cannot be reached, its TLS handshake failed, or its API is too old. */
  static final int ENGINE_UNAVAILABLE = 3;
  /** The Docker engine's socket is not permitted to this user. */
  static final int ENGINE_PERMISSION = 4;

  private ExitCodes() {}
}
