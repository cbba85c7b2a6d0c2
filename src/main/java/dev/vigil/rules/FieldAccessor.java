package dev.vigil.rules;

import dev.vigil.event.Event;
import dev.vigil.rules.field.FieldDef;
import dev.vigil.rules.field.FieldType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A field as used in a condition or output: definition, bracket argument and transformers, with a slot in the
 * per-event value cache. Identical uses share one accessor (and so one extraction per event). Immutable.
 */
record FieldAccessor(FieldDef def, String arg, List<String> transformers, int slot) {

  static final List<String> TRANSFORMERS = List.of("tolower", "toupper", "basename", "b64", "len");

  /** The type after transformers ({@code len} makes a number). */
  FieldType type() {
    return transformers.contains("len") ? FieldType.NUMBER : def.type();
  }

  String display() {
    String s = arg == null ? def.name() : def.name() + "[" + arg + "]";
    for (String t : transformers) {
      s = t + "(" + s + ")";
    }
    return s;
  }

  Object extract(Event e, EvalContext ctx) {
    Object v = def.extractor().get(e, ctx, arg);
    for (String t : transformers) {
      if (v == null) {
        return null;
      }
      v = apply(t, v);
    }
    return v;
  }

  private static Object apply(String t, Object v) {
    if (!(v instanceof String) && v instanceof List<?> list) { // String first: see Matchers.check
      if (t.equals("len")) {
        return (long) list.size();
      }
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(apply(t, o));
      }
      return out;
    }
    String s = v.toString();
    switch (t) {
      case "tolower":
        return s.toLowerCase(Locale.ROOT);
      case "toupper":
        return s.toUpperCase(Locale.ROOT);
      case "basename":
        return s.substring(s.lastIndexOf('/') + 1);
      case "len":
        return (long) s.length();
      case "b64":
        try {
          return new String(Base64.getDecoder().decode(s.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return null;
        }
      default:
        return v;
    }
  }
}
