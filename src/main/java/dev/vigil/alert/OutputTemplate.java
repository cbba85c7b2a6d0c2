package dev.vigil.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Falco output template: literal text with {@code %field.name} (optionally {@code %field.name[arg]}) references,
 * rendered against a field map. A field that is absent or null renders as {@code <NA>}, as in Falco. Parsed once,
 * rendered many times; immutable and thread-safe.
 */
public final class OutputTemplate {

  /** What Falco prints for a field without a value. */
  public static final String NA = "<NA>";

  private final List<String> literals;
  private final List<String> fields;

  private OutputTemplate(List<String> literals, List<String> fields) {
    this.literals = literals;
    this.fields = fields;
  }

  public static OutputTemplate parse(String template) {
    List<String> literals = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder lit = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c == '%' && i + 1 < template.length() && isFieldStart(template.charAt(i + 1))) {
        int j = i + 1;
        while (j < template.length() && isFieldChar(template.charAt(j))) {
          j++;
        }
        if (j < template.length() && template.charAt(j) == '[') {
          int close = template.indexOf(']', j);
          if (close > 0) {
            j = close + 1;
          }
        }
        // A trailing dot belongs to the sentence, not to the field name.
        while (template.charAt(j - 1) == '.') {
          j--;
        }
        literals.add(lit.toString());
        lit.setLength(0);
        fields.add(template.substring(i + 1, j));
        i = j;
      } else {
        lit.append(c);
        i++;
      }
    }
    literals.add(lit.toString());
    return new OutputTemplate(List.copyOf(literals), List.copyOf(fields));
  }

  /** The field names the template references, in order, duplicates kept. */
  public List<String> fields() {
    return fields;
  }

  public String render(Map<String, ?> values) {
    StringBuilder sb = new StringBuilder(128);
    for (int k = 0; k < fields.size(); k++) {
      sb.append(literals.get(k));
      Object v = values.get(fields.get(k));
      sb.append(v == null ? NA : v.toString());
    }
    sb.append(literals.get(literals.size() - 1));
    return sb.toString();
  }

  private static boolean isFieldStart(char c) {
    return Character.isLetter(c);
  }

  private static boolean isFieldChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '_';
  }
}
