package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Configuration keys given on the command line ({@code -o KEY=VALUE}, and the dedicated options that translate to
 * them), applied to the configuration file's tree before it is bound, so every key of the file can be set either
 * way and both are checked by the same reader (docs/CONFIGURATION.md).
 *
 * <p>KEY is a dotted path of the file's keys; a list element is {@code name[n]} (n may be the list's length, which
 * appends) and {@code name[]} appends. Missing sections are created. VALUE is read as a YAML flow value, so
 * {@code 30s}, {@code true}, {@code 5}, {@code [a, b]} and {@code {X-Team: sec}} mean what they mean in the file;
 * an empty VALUE is the empty string. {@code ${NAME}} is replaced from the environment as in the file, so a secret
 * can be given as {@code -o 'sinks.slack.webhook_url=${SLACK_URL}'} without appearing in the process list.
 * Options apply in order; a later one wins. Immutable once built.
 */
final class ConfigOverrides {

  /** One override: set {@code path} to {@code value}, or remove the key when value is null. */
  private record Override(String origin, List<Object> path, JsonNode value) {}

  private static final Object APPEND = new Object();

  private final List<Override> overrides;

  private ConfigOverrides(List<Override> overrides) {
    this.overrides = List.copyOf(overrides);
  }

  static ConfigOverrides none() {
    return new ConfigOverrides(List.of());
  }

  boolean isEmpty() {
    return overrides.isEmpty();
  }

  /** A builder that parses {@code KEY=VALUE} options; errors are {@link ConfigFile.ConfigException}s. */
  static final class Builder {
    private final ObjectMapper yaml;
    private final Function<String, String> env;
    private final List<Override> list = new ArrayList<>();

    Builder(ObjectMapper yaml, Function<String, String> env) {
      this.yaml = yaml;
      this.env = env;
    }

    /** Adds {@code -o KEY=VALUE}. */
    Builder option(String option) throws ConfigFile.ConfigException {
      int eq = option.indexOf('=');
      if (eq <= 0) {
        throw new ConfigFile.ConfigException("-o " + option + ": expected KEY=VALUE, e.g. -o store.retention=7d");
      }
      String key = option.substring(0, eq).trim();
      String origin = "-o " + key;
      list.add(new Override(origin, path(origin, key), value(origin, option.substring(eq + 1))));
      return this;
    }

    /** Sets KEY to an already-built value, for a dedicated option such as {@code --store-retention}. */
    Builder set(String origin, String key, JsonNode value) throws ConfigFile.ConfigException {
      list.add(new Override(origin, path(origin, key), value));
      return this;
    }

    /** Removes KEY, e.g. {@code url} when {@code --opensearch-url} gives {@code urls}. */
    Builder remove(String origin, String key) throws ConfigFile.ConfigException {
      list.add(new Override(origin, path(origin, key), null));
      return this;
    }

    ConfigOverrides build() {
      return new ConfigOverrides(list);
    }

    private JsonNode value(String origin, String text) throws ConfigFile.ConfigException {
      if (text.isBlank()) {
        return TextNode.valueOf("");
      }
      try (ConfigFile.EnvSubstitution p = new ConfigFile.EnvSubstitution(yaml.getFactory().createParser(text), env)) {
        JsonNode n = yaml.readTree(p);
        return n == null || n.isMissingNode() ? TextNode.valueOf("") : n;
      } catch (JsonMappingException e) { // an unset ${NAME}: the message names the variable, never a value
        throw new ConfigFile.ConfigException(origin + ": " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new ConfigFile.ConfigException(origin + ": the value is not a valid YAML value ("
            + firstLine(e.getMessage()) + "); quote it, e.g. -o '" + origin.substring(3) + "=\"...\"'");
      }
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "syntax error";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Parses {@code a.b[2].c} / {@code a.b[]} into names (String), indexes (Integer) and appends. */
  static List<Object> path(String origin, String key) throws ConfigFile.ConfigException {
    List<Object> out = new ArrayList<>();
    if (key.isEmpty()) {
      throw new ConfigFile.ConfigException(origin + ": empty key");
    }
    for (String seg : key.split("\\.", -1)) {
      int br = seg.indexOf('[');
      String name = br < 0 ? seg : seg.substring(0, br);
      if (name.isEmpty()) {
        throw new ConfigFile.ConfigException(origin + ": empty key segment in '" + key + "'");
      }
      out.add(name);
      while (br >= 0) {
        int close = seg.indexOf(']', br);
        if (close < 0) {
          throw new ConfigFile.ConfigException(origin + ": unclosed '[' in '" + key + "'");
        }
        String idx = seg.substring(br + 1, close).trim();
        if (idx.isEmpty()) {
          out.add(APPEND);
        } else {
          try {
            int i = Integer.parseInt(idx);
            if (i < 0) {
              throw new NumberFormatException();
            }
            out.add(i);
          } catch (NumberFormatException e) {
            throw new ConfigFile.ConfigException(origin + ": '[" + idx + "]' is not a list index in '" + key + "'");
          }
        }
        br = close + 1 < seg.length() ? close + 1 : -1;
        if (br >= 0 && seg.charAt(br) != '[') {
          throw new ConfigFile.ConfigException(origin + ": unexpected '" + seg.substring(br) + "' in '" + key + "'");
        }
      }
    }
    return out;
  }

  /** Applies every override in order to {@code root} (the file's top-level mapping, changed in place). */
  void applyTo(ObjectNode root) throws ConfigFile.ConfigException {
    for (Override o : overrides) {
      apply(root, o);
    }
  }

  private static void apply(ObjectNode root, Override o) throws ConfigFile.ConfigException {
    JsonNode node = root;
    StringBuilder at = new StringBuilder();
    List<Object> p = o.path();
    for (int i = 0; i < p.size(); i++) {
      Object seg = p.get(i);
      boolean last = i == p.size() - 1;
      Object next = last ? null : p.get(i + 1);
      if (seg instanceof String name) {
        if (!(node instanceof ObjectNode obj)) {
          throw notA(o, at, "section (a mapping)");
        }
        if (last) {
          if (o.value() == null) {
            obj.remove(name);
          } else {
            obj.set(name, o.value().deepCopy());
          }
          return;
        }
        JsonNode child = obj.get(name);
        if (child == null || child.isNull()) {
          child = next instanceof String ? obj.putObject(name) : obj.putArray(name);
        }
        node = child;
        at.append(at.length() == 0 ? "" : ".").append(name);
      } else {
        if (!(node instanceof ArrayNode arr)) {
          throw notA(o, at, "list");
        }
        int idx = seg == APPEND ? arr.size() : (Integer) seg;
        if (idx > arr.size()) {
          throw new ConfigFile.ConfigException(o.origin() + ": " + at + " has " + arr.size()
              + " element(s); use [" + arr.size() + "] or [] to add one");
        }
        if (last) {
          if (o.value() == null) {
            if (idx < arr.size()) {
              arr.remove(idx);
            }
          } else if (idx == arr.size()) {
            arr.add(o.value().deepCopy());
          } else {
            arr.set(idx, o.value().deepCopy());
          }
          return;
        }
        if (idx == arr.size()) {
          arr.add(next instanceof String ? JsonNodeFactory.instance.objectNode()
              : JsonNodeFactory.instance.arrayNode());
        }
        node = arr.get(idx);
        at.append('[').append(idx).append(']');
      }
    }
  }

  private static ConfigFile.ConfigException notA(Override o, StringBuilder at, String what) {
    return new ConfigFile.ConfigException(o.origin() + ": " + (at.length() == 0 ? "the top level" : at)
        + " is not a " + what);
  }
}
