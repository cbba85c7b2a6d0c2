package dev.vigil.store;

/**
 * The alert database cannot be opened or read: a corrupted or foreign file, a lock held by another process, a
 * schema written by a newer Vigil, a directory that cannot be written. The message is one line that names the file
 * and says what to do; it is meant to be shown to the operator as it is.
 */
public final class StoreException extends Exception {

  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
