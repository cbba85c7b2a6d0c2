package dev.vigil.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a section of the configuration file becomes its owner's config record. Every section is a record
 * whose components are the section's snake_case keys ({@code @JsonProperty}), nullable so that a missing key is
 * told from a written one; the record's compact constructor puts in the defaults and checks the values, throwing an
 * {@link IllegalArgumentException} that names the key's full dotted path. Durations are {@link DurationText}, sizes
 * {@link SizeText}. This class binds a section's tree to such a record with the shared settings (unknown keys and
 * nulls for primitives are errors) and turns whatever goes wrong into one {@link ConfigError}: the dotted path of the
 * key at fault and a one-line message; an unknown key gets the nearest known key ("did you mean") and the allowed
 * ones. Whoever read the text (the configuration file's loader) adds file, line and column from the path.
 *
 * <p>A duration key that replaced a number of seconds ({@code interval} for {@code interval_seconds}) keeps the old
 * spelling as a {@code @JsonAlias}; binding it logs one deprecation warning per key and binding, naming the new key
 * (see {@link DurationText.Deserializer}). Thread-safe.
 */
public final class ConfigBinding {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigBinding.class);

  /** The reader attribute holding the dotted path the bound tree sits at ("" for the file's root). */
  static final String SECTION = "vigil.config.section";
  /** The reader attribute holding the deprecated keys already warned about in this binding. */
  static final String WARNED = "vigil.config.warned";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigBinding() {}

  /**
   * A section that cannot be used: {@link #path()} is the dotted key path at fault (the unknown key itself, the key
   * whose value is wrong, or the section whose values do not fit together), {@link #getMessage()} one line to print.
   */
  public static final class ConfigError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final boolean atKey;

    ConfigError(String path, boolean atKey, String message, Throwable cause) {
      super(message, cause);
      this.path = path;
      this.atKey = atKey;
    }

    /** The dotted path of the key at fault ({@code sinks.webhooks[0].url}); "" for the top level. */
    public String path() {
      return path;
    }

    /** True when the key itself is at fault (unknown), false when its value is. */
    public boolean atKey() {
      return atKey;
    }
  }

  /**
   * Binds {@code node} (null or missing: an empty section, so the record's defaults) to {@code type}.
   *
   * @param section the section's dotted path ({@code sinks.opensearch}; "" for the file's root), the start of every
   *     path in errors and warnings
   * @throws ConfigError with a one-line message naming the key
   */
  public static <T> T bind(JsonNode node, Class<T> type, String section) {
    Set<String> warned = new HashSet<>();
    JsonNode tree = node == null || node.isNull() || node.isMissingNode() ? MAPPER.createObjectNode() : node;
    ObjectReader reader = MAPPER.readerFor(type).withAttribute(SECTION, section).withAttribute(WARNED, warned);
    try {
      return reader.readValue(tree);
    } catch (UnrecognizedPropertyException e) {
      List<JsonMappingException.Reference> refs = e.getPath();
      String in = join(section, refs.subList(0, Math.max(0, refs.size() - 1)));
      throw new ConfigError(join(section, refs), true, "unknown key '" + e.getPropertyName() + "'"
          + (in.isEmpty() ? " at the top level" : " in " + in) + hint(e.getPropertyName(), e.getKnownPropertyIds()),
          e);
    } catch (ValueInstantiationException e) {
      // the record's constructor refused the values: its message names the key
      throw validation(join(section, e.getPath()), at(tree, e.getPath()), e.getCause() != null ? e.getCause() : e);
    } catch (JsonMappingException e) {
      String path = join(section, e.getPath());
      for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
        if (c instanceof IllegalArgumentException && !(c instanceof JsonProcessingException)) {
          return throwValidation(path, at(tree, e.getPath()), c);
        }
      }
      throw new ConfigError(path, false, prefixed(path, cleaned(e)), e);
    } catch (JsonProcessingException e) {
      throw new ConfigError(section, false, prefixed(section, e.getOriginalMessage()), e);
    } catch (java.io.IOException e) { // a tree is in memory
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static <T> T throwValidation(String path, JsonNode section, Throwable c) {
    throw validation(path, section, c);
  }

  /**
   * A record's own message. Its path is the key the message starts with when that is a key below {@code path}
   * (written in full, {@code store.retention must ...}, or as a key of the refused section, {@code queue must ...},
   * which is then written in full); else the section's.
   */
  private static ConfigError validation(String path, JsonNode section, Throwable cause) {
    String m = String.valueOf(cause.getMessage());
    int end = 0;
    while (end < m.length() && " :(".indexOf(m.charAt(end)) < 0) {
      end++;
    }
    String named = m.substring(0, end);
    if (!path.isEmpty() && named.startsWith(path + ".")) {
      return new ConfigError(named, false, m, cause);
    }
    if (section != null && section.isObject() && !named.isEmpty() && section.has(named)) {
      String key = path.isEmpty() ? named : path + "." + named;
      return new ConfigError(key, false, path.isEmpty() ? m : path + "." + m, cause);
    }
    return new ConfigError(path, false, prefixed(path, m), cause);
  }

  /** The node {@code refs} lead to from {@code tree}, null when they leave it. */
  private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> refs) {
    JsonNode n = tree;
    for (JsonMappingException.Reference r : refs) {
      if (n == null) {
        return null;
      }
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : r.getIndex() >= 0 ? n.get(r.getIndex()) : n;
    }
    return n;
  }

  /** {@code path: message}, unless the message already starts with the path. */
  private static String prefixed(String path, String message) {
    return path.isEmpty() || message.startsWith(path) ? message : path + ": " + message;
  }

  /** Jackson's message without its reference chain, class names and source excerpt. */
  private static String cleaned(JsonMappingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    if (e instanceof InvalidFormatException f && m.startsWith("Cannot deserialize") && f.getTargetType() != null) {
      Class<?> t = f.getTargetType();
      String what = t == Integer.class || t == int.class || t == Long.class || t == long.class ? "a whole number"
          : Number.class.isAssignableFrom(t) || t == double.class ? "a number"
          : t == Boolean.class || t == boolean.class ? "true or false" : null;
      if (what != null) {
        return "'" + f.getValue() + "' is not " + what;
      }
    }
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.replaceAll(" \\(through reference chain.*", "").replaceAll(" \\(token JsonToken\\.[A-Z_]+\\)", "")
        .replaceAll("`[a-z.]+\\.([A-Za-z]+\\$)*", "`")
        .replace("java.lang.", "").replace("`", "");
  }

  /** {@code section} and the references as one dotted path: {@code sinks.webhooks[0].url}. */
  public static String join(String section, List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder(section);
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** "; did you mean 'x'? (allowed: a, b, x)". */
  static String hint(String key, Collection<Object> known) {
    List<String> names = new ArrayList<>();
    if (known != null) {
      known.forEach(o -> names.add(o.toString()));
    }
    names.sort(null);
    String best = nearest(key, names);
    return (best != null ? "; did you mean '" + best + "'?" : "") + " (allowed: " + String.join(", ", names) + ")";
  }

  /** The name closest to {@code key} by edit distance, when it is close enough to be a typo; else null. */
  public static String nearest(String key, Collection<String> names) {
    return Suggestions.nearest(names, key.toLowerCase(Locale.ROOT), Math.max(2, key.length() / 3));
  }

  /**
   * Logs, once per binding source, that the key the parser is at is a deprecated spelling of {@code newKey}.
   *
   * @param value the value as the new key would be written
   */
  static void deprecated(DeserializationContext ctxt, JsonStreamContext at, String newKey, String value) {
    String section = ctxt == null || ctxt.getAttribute(SECTION) == null ? "" : (String) ctxt.getAttribute(SECTION);
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
      parts.add(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : c.getCurrentName());
    }
    StringBuilder sb = new StringBuilder(section);
    for (String p : parts) {
      sb.append(p.startsWith("[") || sb.length() == 0 ? "" : ".").append(p);
    }
    String oldPath = sb.toString();
    @SuppressWarnings("unchecked")
    Set<String> warned = ctxt == null ? null : (Set<String>) ctxt.getAttribute(WARNED);
    if (warned == null || warned.add(oldPath)) {
      int dot = oldPath.lastIndexOf('.');
      String newPath = (dot < 0 ? "" : oldPath.substring(0, dot + 1)) + newKey;
      LOG.warn("configuration key {} is deprecated and will be removed: write {}: {} instead", oldPath, newPath,
          value);
    }
  }
}
