package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR003;
import static dev.vigil.rules.lang.DiagnosticCode.VR004;

import dev.vigil.rules.lang.DiagnosticCode;
import dev.vigil.common.YamlNodes;
import dev.vigil.rules.lang.Pos;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping of a rules file (an item, an exception, an override) with typed getters that throw {@link ItemError}
 * naming the mapping by its label ("rule 'x'"). A null value counts as absent for optional keys and as empty for
 * required ones. Not thread-safe (the label is set once the name is read).
 */
final class MapView {

  // yaml-cpp, which Falco uses, decodes these as booleans whatever the quoting.
  private static final Set<String> TRUE = Set.of("y", "yes", "true", "on");
  private static final Set<String> FALSE = Set.of("n", "no", "false", "off");

  private final String file;
  private final YamlText text;
  private final MappingNode node;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private String label;

  MapView(String file, YamlText text, MappingNode node, String label) {
    this.file = file;
    this.text = text;
    this.node = node;
    this.label = label;
    for (NodeTuple t : node.getValue()) {
      String key = YamlNodes.scalar(t.getKeyNode());
      if (key != null) {
        entries.putIfAbsent(key, t);
      }
    }
  }

  /** A nested mapping of the same file, e.g. one exception of a rule. */
  MapView child(MappingNode child, String childLabel) {
    return new MapView(file, text, child, childLabel);
  }

  String file() {
    return file;
  }

  String label() {
    return label;
  }

  void label(String newLabel) {
    this.label = newLabel;
  }

  MappingNode node() {
    return node;
  }

  List<String> keys() {
    return new ArrayList<>(entries.keySet());
  }

  /** Whether the key is written, even with an empty value. */
  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The value node, or null when the key is not written. */
  Node value(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? null : t.getValueNode();
  }

  Node keyNode(String key) {
    NodeTuple t = entries.get(key);
    return t == null ? node : t.getKeyNode();
  }

  Pos pos() {
    return YamlText.pos(node);
  }

  Defs.Origin origin() {
    return new Defs.Origin(file, pos());
  }

  Defs.Origin origin(Node at) {
    return new Defs.Origin(file, YamlText.pos(at));
  }

  /** Where the text of the scalar under {@code key} starts; see {@link YamlText#textOrigin}. */
  Defs.Origin textOrigin(String key) {
    return new Defs.Origin(file, text.textOrigin((ScalarNode) value(key)));
  }

  ItemError error(DiagnosticCode code, Node at, String message) {
    return new ItemError(new Diagnostic(code, file, YamlText.pos(at == null ? node : at), message));
  }

  Diagnostic warning(DiagnosticCode code, Node at, String message) {
    return new Diagnostic(code, file, YamlText.pos(at == null ? node : at), message);
  }

  /** A required non-empty scalar; {@code hint} tells the user what to write when it is missing. */
  String requiredText(String key, String hint) {
    if (!has(key)) {
      throw error(VR003, node, label + " has no '" + key + "'; " + hint);
    }
    String s = optionalText(key);
    if (s == null) {
      throw error(VR003, value(key), label + " has an empty '" + key + "'; " + hint);
    }
    return s;
  }

  /** An optional scalar: null when absent or empty-valued; an error when not a scalar or an empty string. */
  String optionalText(String key) {
    Node v = value(key);
    if (v == null || YamlNodes.isNull(v)) {
      return null;
    }
    String s = YamlNodes.scalar(v);
    if (s == null) {
      throw error(VR004, v, label + ": '" + key + "' must be text, not " + YamlText.describe(v));
    }
    if (s.isEmpty()) {
      throw error(VR003, v, label + " has an empty '" + key + "'; give it a value or remove the key");
    }
    return s;
  }

  Boolean optionalBool(String key) {
    Node v = value(key);
    if (v == null || YamlNodes.isNull(v)) {
      return null;
    }
    String s = YamlNodes.scalar(v);
    String lower = s == null ? "" : s.toLowerCase(Locale.ROOT);
    if (TRUE.contains(lower)) {
      return Boolean.TRUE;
    }
    if (FALSE.contains(lower)) {
      return Boolean.FALSE;
    }
    throw error(VR004, v, label + ": '" + key + "' must be true or false, not " + YamlText.describe(v));
  }

  boolean requiredBool(String key, String hint) {
    Boolean b = optionalBool(key);
    if (b == null) {
      throw error(VR003, has(key) ? value(key) : node, label + " has no value for '" + key + "'; " + hint);
    }
    return b;
  }

  /** A list of scalars (numbers are kept as written); null when absent or empty-valued. */
  List<String> optionalTextList(String key) {
    Node v = value(key);
    if (v == null || YamlNodes.isNull(v)) {
      return null;
    }
    if (!(v instanceof SequenceNode)) {
      throw error(VR004, v, label + ": '" + key + "' must be a list like [a, b], not " + YamlText.describe(v));
    }
    List<String> out = new ArrayList<>();
    for (Node e : ((SequenceNode) v).getValue()) {
      String s = YamlNodes.scalar(e);
      if (s == null) {
        throw error(VR004, e, label + ": each entry of '" + key + "' must be a plain value, not "
            + YamlText.describe(e));
      }
      out.add(s);
    }
    return out;
  }
}
