package dev.vigil.sink.delivery;

/**
 * A destination did not acknowledge a batch. {@link #retryable()} says whether trying the same batch again can
 * succeed (a refused connection, a timeout, HTTP 429 or 5xx) or cannot (HTTP 400 for this payload: the delivery
 * layer then counts the batch as failed and skips it, so not retryable means dropped). Failures an operator can fix
 * without the payload changing (a rejected credential, a certificate) are retryable, so the alerts wait in the
 * spool rather than being dropped. The message never contains secrets such as webhook URLs.
 */
public final class DeliveryException extends Exception {

  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public DeliveryException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public DeliveryException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public boolean retryable() {
    return retryable;
  }
}
