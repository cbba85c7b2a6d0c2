package dev.vigil.sensor.proc;

/**
 * The kernel's process connector cannot be used here (no CAP_NET_ADMIN, not in the host's pid/user namespace,
 * kernel without CONFIG_PROC_EVENTS, or JNA cannot load libc). The message says which, in one line, so the agent can
 * log it once and fall back to polling. Immutable.
 */
public final class ConnectorUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConnectorUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
