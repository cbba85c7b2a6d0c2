package dev.vigil.rules.field;

/** Value types of fields; they decide which operators a condition may use on a field. */
public enum FieldType {
  /** Text; compared as strings. */
  STRING,
  /** A 64-bit integer (pids, uids, ports, byte counts, nanoseconds, percentages rounded down). */
  NUMBER,
  /** A floating-point number (CPU percent, rates). */
  DECIMAL,
  /** true or false. */
  BOOL,
  /** Several strings (ancestors' names, capabilities, mounts); an operator matches when any element does. */
  STRING_LIST
}
