package dev.vigil.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them in configuration files: {@code 1048576}, {@code 512KB}, {@code 256MB},
 * {@code 1GB} (powers of 1024; {@code KiB}, {@code MiB}, {@code GiB} and {@code k}, {@code m}, {@code g} read the
 * same). One parser for every size key, in {@code app}'s sections and in the config records of other packages.
 */
public final class SizeText {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]i?b?|b)?");

  private SizeText() {}

  /**
   * Parses a size.
   *
   * @return the number of bytes, or null when the text is not a size (negative, fractional, unknown unit, too big)
   */
  public static Long parseOrNull(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    try {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "b" : m.group(2);
      int shift;
      switch (unit.charAt(0)) {
        case 'k':
          shift = 10;
          break;
        case 'm':
          shift = 20;
          break;
        case 'g':
          shift = 30;
          break;
        case 't':
          shift = 40;
          break;
        default:
          shift = 0;
      }
      if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
        return null;
      }
      return n << shift;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Parses a size.
   *
   * @throws IllegalArgumentException naming the text and showing examples
   */
  public static long parse(String text) {
    Long n = parseOrNull(text);
    if (n == null) {
      throw new IllegalArgumentException("'" + text + "' is not a size (examples: 1048576, 512KB, 256MB, 1GB)");
    }
    return n;
  }

  /** Jackson binding for {@code Long} record components: {@code @JsonDeserialize(using = Deserializer.class)}. */
  public static final class Deserializer extends StdDeserializer<Long> {

    private static final long serialVersionUID = 1L;

    public Deserializer() {
      super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT && p.currentToken() != JsonToken.VALUE_STRING) {
        return (Long) ctxt.handleUnexpectedToken(Long.class, p);
      }
      String text = p.getText();
      try {
        return parse(text);
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, e.getMessage(), text, Long.class);
      }
    }
  }
}
