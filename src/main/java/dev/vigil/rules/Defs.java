package dev.vigil.rules;

import dev.vigil.rules.lang.Pos;
import java.util.List;
import java.util.Objects;

/**
 * The definitions a set of rules files yields once read and merged in order (appends and overrides applied), before
 * compilation. Immutable records; positions point into the file named by each definition.
 */
public final class Defs {

  private Defs() {}

  /** Where a definition (or one of its values) was written. */
  public record Origin(String file, Pos pos) {
    @Override
    public String toString() {
      return file + ":" + pos;
    }
  }

  /**
   * A {@code - list:} item. Items are the raw strings; bare names of other lists are expanded by the compiler.
   */
  public record ListDef(String name, List<String> items, Origin origin) {
    public ListDef {
      items = List.copyOf(items);
    }
  }

  /**
   * A {@code - macro:} item.
   *
   * @param conditionMap where each part of {@code condition} was written: its text is {@code condition}, and a
   *     part appended later maps into its own file and item
   */
  public record MacroDef(String name, String condition, Origin origin, TextMap conditionMap) {
    public MacroDef {
      checkMap(condition, conditionMap);
    }

    /** Where the condition text starts (for an appended condition, where its first part starts). */
    public Origin conditionOrigin() {
      return conditionMap.origin();
    }
  }

  /**
   * One exception of a rule: {@code fields} with their {@code comps} (same length; default {@code =}, or {@code in}
   * for the single-field form) and the {@code values} rows. In the single-field form ({@code singleField} true) each
   * row holds one value and the comparison is against the whole list of rows' values.
   *
   * @param values rows of values; each value is a String, or a List of Strings for list comparisons
   */
  public record ExceptionDef(String name, List<String> fields, List<String> comps, List<List<Object>> values,
      boolean singleField, Origin origin) {
    public ExceptionDef {
      fields = List.copyOf(fields);
      comps = List.copyOf(comps);
      values = List.copyOf(values);
    }
  }

  /**
   * A {@code - rule:} item after merging.
   *
   * @param conditionMap where each part of {@code condition} was written (see {@link MacroDef})
   * @param priority the priority word as written (validated by the compiler)
   * @param source the event source, {@code syscall} when not given
   * @param skipIfUnknownFilter Falco's {@code skip-if-unknown-filter}: an unknown field skips the rule silently
   */
  public record RuleDef(String name, String desc, String condition, TextMap conditionMap, String output,
      String priority, List<String> tags, boolean enabled, List<ExceptionDef> exceptions, String source,
      boolean skipIfUnknownFilter, Origin origin) {
    public RuleDef {
      checkMap(condition, conditionMap);
      tags = List.copyOf(tags);
      exceptions = List.copyOf(exceptions);
    }

    /** Where the condition text starts (for an appended condition, where its first part starts). */
    public Origin conditionOrigin() {
      return conditionMap.origin();
    }
  }

  private static void checkMap(String condition, TextMap map) {
    if (!Objects.requireNonNull(map, "conditionMap").text().equals(condition)) {
      throw new IllegalArgumentException("the condition's map is for another text: '" + map.text() + "'");
    }
  }

  /** Everything read from a sequence of files, in definition order, with the problems found while reading. */
  public record Collected(List<ListDef> lists, List<MacroDef> macros, List<RuleDef> rules,
      List<Diagnostic> diagnostics) {
    public Collected {
      lists = List.copyOf(lists);
      macros = List.copyOf(macros);
      rules = List.copyOf(rules);
      diagnostics = List.copyOf(diagnostics);
    }
  }
}
