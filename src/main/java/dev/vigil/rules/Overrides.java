package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR004;
import static dev.vigil.rules.lang.DiagnosticCode.VR006;

import dev.vigil.common.YamlNodes;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * An item's {@code override:} mapping split into the keys to append and the keys to replace, validated against what
 * the item's kind allows. Immutable after {@link #parse}.
 */
final class Overrides {

  private final Set<String> append = new LinkedHashSet<>();
  private final Set<String> replace = new LinkedHashSet<>();

  private Overrides() {}

  /**
   * Reads {@code override:} of {@code item}; absent or empty means no override.
   *
   * @throws ItemError VR004 when it is not a mapping, VR006 for an operation other than append/replace or a key
   *     the kind does not allow with that operation
   */
  static Overrides parse(MapView item, List<String> appendable, List<String> replaceable) {
    Overrides o = new Overrides();
    Node v = item.value("override");
    if (v == null || YamlNodes.isNull(v)) {
      return o;
    }
    if (!(v instanceof MappingNode)) {
      throw item.error(VR004, v, item.label() + ": 'override' must be a mapping like {condition: append}, not "
          + YamlText.describe(v));
    }
    MapView map = item.child((MappingNode) v, item.label() + " 'override'");
    for (String key : map.keys()) {
      Node op = map.value(key);
      String what = YamlNodes.scalar(op);
      if ("append".equals(what)) {
        if (!appendable.contains(key)) {
          throw item.error(VR006, map.keyNode(key), item.label() + ": '" + key + "' cannot be appended to"
              + (replaceable.contains(key) ? "; use '" + key + ": replace'" : "; it cannot be overridden"));
        }
        o.append.add(key);
      } else if ("replace".equals(what)) {
        if (!replaceable.contains(key)) {
          throw item.error(VR006, map.keyNode(key), item.label() + ": '" + key + "' cannot be overridden"
              + "; overridable keys are " + String.join(", ", replaceable));
        }
        o.replace.add(key);
      } else {
        throw item.error(VR006, op, item.label() + ": override of '" + key + "' must be 'append' or 'replace', not "
            + YamlText.describe(op));
      }
    }
    return o;
  }

  boolean isEmpty() {
    return append.isEmpty() && replace.isEmpty();
  }

  boolean appends(String key) {
    return append.contains(key);
  }

  boolean replaces(String key) {
    return replace.contains(key);
  }

  /** The keys to append, in the order written. */
  Set<String> appended() {
    return Collections.unmodifiableSet(append);
  }

  /** The keys to replace, in the order written. */
  Set<String> replaced() {
    return Collections.unmodifiableSet(replace);
  }
}
