package dev.vigil.rules;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operators of the condition language as predicates over one extracted value, with Falco's semantics: a
 * missing value never matches (even for {@code !=}); a multi-valued field matches when any element does
 * ({@code !=} when none is equal). Values on the right are converted once, at compile time. Stateless.
 */
final class Matchers {

  private Matchers() {}

  /** A predicate on one non-null scalar value. */
  interface Scalar extends Predicate<Object> {}

  /** Wraps a scalar predicate with the missing-value and any-element rules. */
  static Cond check(FieldAccessor field, Scalar p, boolean negated) {
    return ctx -> {
      Object v = ctx.value(field);
      if (v == null) {
        return false;
      }
      // Scalars first: String and Boolean are final and Number is a class, so each test is one compare, while
      // `instanceof List` (an interface) scans the value's class's secondary supertypes on every call (JDK 17).
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        return p.test(v) != negated;
      }
      if (v instanceof List<?> list) {
        for (Object o : list) {
          if (o != null && p.test(o)) {
            return !negated;
          }
        }
        return negated && !list.isEmpty();
      }
      return p.test(v) != negated;
    };
  }

  static Cond exists(FieldAccessor field) {
    return ctx -> {
      Object v = ctx.value(field);
      return v instanceof String s ? !s.isEmpty() : v != null && !(v instanceof List<?> l && l.isEmpty());
    };
  }

  static Scalar equalsString(String value) {
    return o -> value.equals(o.toString());
  }

  static Scalar equalsNumber(long value) {
    return o -> o instanceof Number n ? n.longValue() == value && !(o instanceof Double d && d != Math.floor(d))
        : value == parseLongOr(o.toString(), Long.MIN_VALUE);
  }

  static Scalar equalsDecimal(double value) {
    return o -> o instanceof Number n && n.doubleValue() == value;
  }

  static Scalar equalsBool(boolean value) {
    return o -> o instanceof Boolean b ? b == value : Boolean.parseBoolean(o.toString()) == value;
  }

  static Scalar compare(String op, double value) {
    switch (op) {
      case "<":
        return o -> o instanceof Number n && n.doubleValue() < value;
      case "<=":
        return o -> o instanceof Number n && n.doubleValue() <= value;
      case ">":
        return o -> o instanceof Number n && n.doubleValue() > value;
      default:
        return o -> o instanceof Number n && n.doubleValue() >= value;
    }
  }

  static Scalar contains(String value) {
    return o -> o.toString().contains(value);
  }

  static Scalar icontains(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return o -> o.toString().toLowerCase(Locale.ROOT).contains(lower);
  }

  static Scalar startsWith(String value) {
    return o -> o.toString().startsWith(value);
  }

  static Scalar endsWith(String value) {
    return o -> o.toString().endsWith(value);
  }

  static Scalar inStrings(Set<String> values) {
    return o -> values.contains(o.toString());
  }

  static Scalar inNumbers(Set<Long> values) {
    return o -> o instanceof Number n ? values.contains(n.longValue()) : values.contains(parseLongOr(o.toString(),
        Long.MIN_VALUE));
  }

  static Scalar regex(Pattern p) {
    String literal = requiredLiteral(p);
    if (literal.isEmpty()) {
      return o -> p.matcher(o.toString()).matches();
    }
    // Rules write ".*x( .*|$)"-style patterns; backtracking through them costs far more than a substring search
    // for a literal every match must contain, which rejects almost all values first.
    return o -> {
      String s = o.toString();
      return s.contains(literal) && p.matcher(s).matches();
    };
  }

  /**
   * The longest run of literal characters at the top level of the pattern (outside groups, classes and
   * alternatives, not under a quantifier), which any match must contain; empty when there is none or the pattern
   * uses flags, quoting or top-level alternation that make this unsafe to tell.
   */
  static String requiredLiteral(Pattern p) {
    String re = p.pattern();
    if (p.flags() != 0 || re.contains("(?") || re.contains("\\Q")) {
      return "";
    }
    String best = "";
    StringBuilder run = new StringBuilder();
    int i = 0;
    while (i < re.length()) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (i + 1 >= re.length()) {
          return "";
        }
        char n = re.charAt(i + 1);
        if (!Character.isLetterOrDigit(n)) {
          run.append(n); // an escaped metacharacter: \. \| \( ...
        } else if ("dDsSwWbBhHvVRXAGZz".indexOf(n) >= 0) {
          best = longer(best, run); // a one-letter class or boundary
        } else {
          return ""; // \x41, \u0041, \p{L}, back-references, ...: not worth telling apart
        }
        i += 2;
      } else if (c == '(' || c == '[') {
        best = longer(best, run);
        i = skipGroup(re, i);
        if (i < 0) {
          return "";
        }
      } else if (c == '|') {
        return ""; // top-level alternatives: nothing is required by all of them
      } else if (c == '*' || c == '?' || c == '{') {
        if (run.length() > 0) {
          run.setLength(run.length() - 1); // the quantified character may be absent
        }
        best = longer(best, run);
        if (c == '{') {
          i = re.indexOf('}', i);
          if (i < 0) {
            return "";
          }
        }
        i++;
      } else if (c == '+' || c == '.' || c == '^' || c == '$') {
        best = longer(best, run); // after x+, what follows is not adjacent to a single x
        i++;
      } else {
        run.append(c);
        i++;
      }
    }
    return longer(best, run);
  }

  private static String longer(String best, StringBuilder run) {
    String r = run.toString();
    run.setLength(0);
    return r.length() > best.length() ? r : best;
  }

  /** Index after the group or class that opens at {@code i}; -1 when unsure (nested classes, no close). */
  private static int skipGroup(String re, int i) {
    int depth = 0;
    for (int j = i; j < re.length(); j++) {
      char c = re.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '[') {
        int k = j + 1;
        if (k < re.length() && re.charAt(k) == '^') {
          k++;
        }
        if (k < re.length() && re.charAt(k) == ']') {
          return -1;
        }
        while (k < re.length() && re.charAt(k) != ']') {
          if (re.charAt(k) == '[') {
            return -1;
          }
          k += re.charAt(k) == '\\' ? 2 : 1;
        }
        if (k >= re.length()) {
          return -1;
        }
        j = k;
        if (depth == 0) {
          return j + 1;
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth <= 0) {
          return depth == 0 ? j + 1 : -1;
        }
      }
    }
    return -1;
  }

  /** Path prefix match on whole components: {@code /etc} matches {@code /etc} and {@code /etc/x}, not {@code /etcx}. */
  static Scalar pmatch(List<String> prefixes, List<Pattern> globs) {
    // Each prefix as the path itself (no trailing slash) and as a directory (with one), built once, not per event.
    String[] bases = new String[prefixes.size()];
    String[] dirs = new String[prefixes.size()];
    for (int i = 0; i < bases.length; i++) {
      String p = prefixes.get(i);
      bases[i] = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
      dirs[i] = bases[i].equals("/") ? "/" : bases[i] + "/";
    }
    return o -> {
      String path = o.toString();
      for (int i = 0; i < bases.length; i++) {
        if (path.startsWith(dirs[i]) || path.equals(bases[i])) {
          return true;
        }
      }
      for (Pattern g : globs) {
        // A glob prefix matches the path or any of its leading components.
        String cur = path;
        while (!cur.isEmpty()) {
          if (g.matcher(cur).matches()) {
            return true;
          }
          int slash = cur.lastIndexOf('/');
          cur = slash <= 0 ? "" : cur.substring(0, slash);
        }
      }
      return false;
    };
  }

  /** fnmatch-style glob ({@code *}, {@code ?}, {@code [...]}) as an anchored RE2 pattern (compiled by the caller). */
  static String glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*':
          re.append(".*");
          break;
        case '?':
          re.append('.');
          break;
        case '[':
          int close = glob.indexOf(']', i + 1);
          if (close > i) {
            String set = glob.substring(i + 1, close);
            if (set.startsWith("!")) {
              set = "^" + set.substring(1);
            }
            re.append('[').append(set.replace("\\", "\\\\")).append(']');
            i = close;
          } else {
            re.append("\\[");
          }
          break;
        default:
          re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return re.toString();
  }

  static boolean isGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
  }

  static Scalar matches(Pattern p) {
    return o -> p.matcher(o.toString()).matches();
  }

  static long parseLongOr(String s, long dflt) {
    try {
      return Long.decode(s.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
