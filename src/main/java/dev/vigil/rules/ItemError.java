package dev.vigil.rules;

/**
 * Thrown while reading one rules-file item to abandon it: the item then has no effect and its diagnostic, if any, is
 * reported. Internal to the reader; carries an immutable {@link Diagnostic}.
 */
final class ItemError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Diagnostic diagnostic;

  ItemError(Diagnostic diagnostic) {
    // No stack trace: this is control flow for a user's mistake, not a bug.
    super(diagnostic == null ? "already reported" : diagnostic.message(), null, false, false);
    this.diagnostic = diagnostic;
  }

  /** Abandons an item whose only problem follows from an error already reported for an earlier item. */
  static ItemError alreadyReported() {
    return new ItemError(null);
  }

  /** The diagnostic to report, or null when the cause was already reported. */
  Diagnostic diagnostic() {
    return diagnostic;
  }
}
