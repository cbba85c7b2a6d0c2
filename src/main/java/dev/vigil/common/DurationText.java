package dev.vigil.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people write them in configuration files: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h},
 * {@code 30d}, a bare number of seconds, or ISO-8601 ({@code PT30S}). One parser for every config record outside
 * {@code app} (which has picocli's converter), so {@code timeout: 10s} and {@code retention: 30d} read the same way.
 */
public final class DurationText {

  private DurationText() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the text and showing examples
   */
  public static Duration parse(String text) {
    String v = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      }
      if (v.length() >= 2) {
        long n = Long.parseLong(v.substring(0, v.length() - 1).trim());
        switch (v.charAt(v.length() - 1)) {
          case 's':
            return Duration.ofSeconds(n);
          case 'm':
            return Duration.ofMinutes(n);
          case 'h':
            return Duration.ofHours(n);
          case 'd':
            return Duration.ofDays(n);
          default:
            break;
        }
      }
    } catch (RuntimeException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration (examples: 500ms, 30s, 5m, 2h, 30d)");
  }

  /**
   * The duration as the configuration file writes it: the largest unit that divides it ({@code 30s}, {@code 5m},
   * {@code 2h}, {@code 30d}, {@code 500ms}); {@link #parse} reads it back.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }

  /**
   * Jackson binding for {@code Duration} record components: {@code @JsonDeserialize(using = Deserializer.class)}.
   * Reads {@link #parse}'s forms; a bare integer is seconds. A component that replaced a number of seconds or
   * milliseconds keeps the old key as {@code @JsonAlias("interval_seconds")} (or {@code "..._ms"}): read under that
   * name, a bare integer is in the old key's unit, and one deprecation warning names the new key
   * ({@link ConfigBinding}).
   */
  public static final class Deserializer extends StdDeserializer<Duration> implements ContextualDeserializer {

    private static final long serialVersionUID = 1L;

    /** The component's key, null outside a property (then no alias is recognised). */
    private final String key;

    public Deserializer() {
      this(null);
    }

    private Deserializer(String key) {
      super(Duration.class);
      this.key = key;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
      return property == null ? this : new Deserializer(property.getName());
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String name = p.currentName();
      boolean old = key != null && name != null && !name.equals(key);
      Duration d;
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        d = old && name.endsWith("_ms") ? Duration.ofMillis(p.getLongValue()) : Duration.ofSeconds(p.getLongValue());
      } else if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      } else {
        try {
          d = parse(p.getText());
        } catch (IllegalArgumentException e) {
          throw InvalidFormatException.from(p, e.getMessage(), p.getText(), Duration.class);
        }
      }
      if (old) {
        ConfigBinding.deprecated(ctxt, p.getParsingContext(), key, format(d));
      }
      return d;
    }
  }
}
