package dev.vigil.rules;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

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
      return v != null && !(v instanceof List<?> l && l.isEmpty()) && !(v instanceof String s && s.isEmpty());
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
    return o -> p.matcher(o.toString()).matches();
  }

  /** Path prefix match on whole components: {@code /etc} matches {@code /etc} and {@code /etc/x}, not {@code /etcx}. */
  static Scalar pmatch(List<String> prefixes, List<Pattern> globs) {
    return o -> {
      String path = o.toString();
      for (String p : prefixes) {
        String base = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
        if (path.equals(base) || path.startsWith(base.equals("/") ? "/" : base + "/")) {
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

  /** fnmatch-style glob ({@code *}, {@code ?}, {@code [...]}) as an anchored pattern. */
  static Pattern glob(String glob, boolean ignoreCase) {
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
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
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
