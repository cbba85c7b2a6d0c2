package dev.vigil.rules.lang;

import java.util.List;

/**
 * A field as written in a condition: {@code proc.aname[2]}, {@code fd.name}, {@code tolower(proc.name)}.
 *
 * @param name the field name, e.g. {@code proc.aname}
 * @param arg the bracket argument without brackets ({@code 2} for {@code proc.aname[2]}), or null
 * @param transformers transformers applied to the field, innermost first: {@code toupper(tolower(f))} gives
 *     {@code [tolower, toupper]}
 */
public record FieldRef(String name, String arg, List<String> transformers, Pos pos) {

  public FieldRef {
    transformers = List.copyOf(transformers);
  }

  /** The field as Falco prints it, with argument and transformers. */
  public String display() {
    String s = arg == null ? name : name + "[" + arg + "]";
    for (String t : transformers) {
      s = t + "(" + s + ")";
    }
    return s;
  }
}
