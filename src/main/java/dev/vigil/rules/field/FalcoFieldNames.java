package dev.vigil.rules.field;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The names of the fields Falco defines, read once from {@code /rules/falco-field-names.txt} (names only; lines
 * starting with # are comments; {@code prefix.*} covers a family such as {@code evt.arg.*}). Immutable.
 */
final class FalcoFieldNames {

  static final Set<String> NAMES = load();

  private FalcoFieldNames() {}

  private static Set<String> load() {
    Set<String> out = new HashSet<>();
    try (InputStream in = FalcoFieldNames.class.getResourceAsStream("/rules/falco-field-names.txt")) {
      if (in == null) {
        return Set.of();
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.trim();
        if (!t.isEmpty() && !t.startsWith("#")) {
          out.add(t);
        }
      }
    } catch (IOException e) {
      return Set.of();
    }
    return Set.copyOf(out);
  }
}
