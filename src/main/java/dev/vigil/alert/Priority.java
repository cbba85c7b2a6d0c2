package dev.vigil.alert;

import java.util.Locale;

/** Falco's priorities, most severe first; {@link #label()} is the exact word Falco writes in JSON. */
public enum Priority {
  EMERGENCY("Emergency"),
  ALERT("Alert"),
  CRITICAL("Critical"),
  ERROR("Error"),
  WARNING("Warning"),
  NOTICE("Notice"),
  INFORMATIONAL("Informational"),
  DEBUG("Debug");

  private final String label;

  Priority(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** True when this priority is at least as severe as {@code min}. */
  public boolean atLeast(Priority min) {
    return ordinal() <= min.ordinal();
  }

  /**
   * Parses a priority as Falco rules files spell it, case-insensitively; accepts Falco's aliases
   * {@code INFO} and {@code WARN}.
   *
   * @throws IllegalArgumentException naming the accepted words
   */
  public static Priority parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    switch (t) {
      case "INFO":
        return INFORMATIONAL;
      case "WARN":
        return WARNING;
      default:
        for (Priority p : values()) {
          if (p.name().equals(t)) {
            return p;
          }
        }
    }
    throw new IllegalArgumentException("unknown priority '" + text
        + "' (expected Emergency, Alert, Critical, Error, Warning, Notice, Informational or Debug)");
  }
}
