package dev.vigil.rules.lang;

import java.util.List;

/** The right-hand side of a comparison. */
public sealed interface Operand {

  Pos pos();

  /**
   * A single value: {@code bash}, {@code "a b"}, {@code '/etc/'}, {@code 4}.
   *
   * @param text the value with quotes removed and escapes resolved
   * @param quoted true when written in quotes (a quoted word is never taken for a list name)
   */
  record Value(String text, boolean quoted, Pos pos) implements Operand {}

  /**
   * A parenthesised list: {@code (bash, sh, shell_binaries)}. Bare items may name lists; the compiler expands
   * them.
   */
  record ListValue(List<Value> items, Pos pos) implements Operand {
    public ListValue {
      items = List.copyOf(items);
    }
  }

  /** Another field as the value, written {@code val(proc.pname)} in Falco. */
  record FieldValue(FieldRef field, Pos pos) implements Operand {}
}
