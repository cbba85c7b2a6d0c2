package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR004;
import static dev.vigil.rules.lang.DiagnosticCode.VR008;
import static dev.vigil.rules.lang.DiagnosticCode.VW002;
import static dev.vigil.rules.lang.DiagnosticCode.VW005;

import dev.vigil.common.YamlNodes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a rule's {@code exceptions:} and merges them into a rule's existing ones the way Falco does: a new
 * definition needs fields; an append adds values to an exception of the same name or adds a new exception. Stateless;
 * thread-safe.
 */
final class ExceptionReader {

  private static final List<String> KEYS = List.of("name", "fields", "comps", "values");
  private static final Set<String> SINGLE_FIELD_COMPS = Set.of("in", "pmatch", "intersects");

  /**
   * One exception as written, before merging.
   *
   * @param fields null when not written; one element when {@code singleField}
   * @param comps null when not written; one element when not {@code compsList}
   * @param values null when not written
   */
  record Spec(MapView view, String name, List<String> fields, boolean singleField, List<String> comps,
      boolean compsList, SequenceNode values) {}

  private ExceptionReader() {}

  /** Reads the exceptions written under {@code rule}; none when the key is absent or empty. */
  static List<Spec> parse(MapView rule, DefsTable table) {
    Node v = rule.value("exceptions");
    if (v == null || YamlNodes.isNull(v)) {
      return List.of();
    }
    if (!(v instanceof SequenceNode)) {
      throw rule.error(VR004, v, rule.label() + ": 'exceptions' must be a list of mappings, not "
          + YamlText.describe(v));
    }
    List<Spec> specs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int index = 0;
    for (Node e : ((SequenceNode) v).getValue()) {
      index++;
      if (!(e instanceof MappingNode)) {
        throw rule.error(VR004, e, rule.label() + ": exception #" + index
            + " must be a mapping with name, fields, comps and values, not " + YamlText.describe(e));
      }
      MapView ex = rule.child((MappingNode) e, "exception #" + index + " of " + rule.label());
      String name = ex.requiredText("name", "give each exception a name");
      ex.label("exception '" + name + "' of " + rule.label());
      if (!names.add(name)) {
        // Falco warns too; both are kept, and an append handles the second like any later one.
        table.report(ex.warning(VW005, ex.keyNode("name"),
            rule.label() + " has more than one exception named '" + name + "'; give each a unique name"));
      }
      for (String key : ex.keys()) {
        if (!KEYS.contains(key)) {
          table.report(ex.warning(VW002, ex.keyNode(key), "unknown key '" + key + "' in " + ex.label()
              + " ignored; an exception has name, fields, comps and values"));
        }
      }
      List<String> fields = entry(ex, "fields");
      List<String> comps = entry(ex, "comps");
      Node values = ex.value("values");
      if (values != null && !YamlNodes.isNull(values) && !(values instanceof SequenceNode)) {
        throw ex.error(VR004, values, ex.label() + ": 'values' must be a list, not " + YamlText.describe(values));
      }
      specs.add(new Spec(ex, name, fields, fields != null && !(ex.value("fields") instanceof SequenceNode), comps,
          comps != null && ex.value("comps") instanceof SequenceNode,
          values instanceof SequenceNode ? (SequenceNode) values : null));
    }
    return specs;
  }

  /** The exceptions of a rule defined (or whose exceptions are replaced) by these specs. */
  static List<Defs.ExceptionDef> define(List<Spec> specs) {
    List<Defs.ExceptionDef> out = new ArrayList<>();
    for (Spec s : specs) {
      out.add(define(s));
    }
    return out;
  }

  /** {@code existing} with the specs appended: values of same-named exceptions extended, new exceptions added. */
  static List<Defs.ExceptionDef> append(List<Defs.ExceptionDef> existing, List<Spec> specs) {
    List<Defs.ExceptionDef> out = new ArrayList<>(existing);
    for (Spec s : specs) {
      int at = indexOf(out, s.name());
      if (at < 0) {
        if (s.fields() != null && (s.values() == null || s.values().getValue().isEmpty())) {
          throw s.view().error(VR008, s.view().node(), s.view().label()
              + " is new but has no values; add 'values', or use the name of an existing exception");
        }
        out.add(define(s));
        continue;
      }
      for (String key : List.of("fields", "comps")) {
        if (s.view().has(key)) {
          throw s.view().error(VR008, s.view().keyNode(key), s.view().label()
              + " already exists, so only values can be appended; remove '" + key + "'");
        }
      }
      Defs.ExceptionDef prev = out.get(at);
      List<List<Object>> values = new ArrayList<>(prev.values());
      values.addAll(rows(s.view(), s.values(), prev.fields().size(), prev.singleField()));
      out.set(at, new Defs.ExceptionDef(prev.name(), prev.fields(), prev.comps(), values, prev.singleField(),
          prev.origin()));
    }
    return out;
  }

  private static Defs.ExceptionDef define(Spec s) {
    MapView ex = s.view();
    if (s.fields() == null) {
      throw ex.error(VR008, ex.node(), ex.label()
          + " has no 'fields'; list the fields its values are compared with, e.g. fields: [proc.name]");
    }
    List<String> comps = comps(s);
    return new Defs.ExceptionDef(s.name(), s.fields(), comps,
        rows(ex, s.values(), s.fields().size(), s.singleField()), s.singleField(), ex.origin());
  }

  private static List<String> comps(Spec s) {
    MapView ex = s.view();
    if (s.singleField()) {
      if (s.comps() == null) {
        return List.of("in");
      }
      if (s.compsList() || !SINGLE_FIELD_COMPS.contains(s.comps().get(0))) {
        throw ex.error(VR008, ex.value("comps"), ex.label()
            + " has a single field, so 'comps' must be one of in, pmatch or intersects");
      }
      return s.comps();
    }
    if (s.comps() == null) {
      return Collections.nCopies(s.fields().size(), "=");
    }
    if (!s.compsList() || s.comps().size() != s.fields().size()) {
      throw ex.error(VR008, ex.value("comps"), ex.label() + " has " + s.fields().size() + " fields but "
          + (s.compsList() ? s.comps().size() + " comps" : "a single comp")
          + "; give a list with one comparison operator per field");
    }
    return s.comps();
  }

  private static List<List<Object>> rows(MapView ex, SequenceNode values, int fieldCount, boolean singleField) {
    List<List<Object>> rows = new ArrayList<>();
    if (values == null) {
      return rows;
    }
    for (Node row : values.getValue()) {
      if (singleField) {
        if (row instanceof SequenceNode) {
          throw ex.error(VR008, row, ex.label()
              + " has a single field, so 'values' must be a flat list of values, not a list of lists");
        }
        rows.add(List.of(value(ex, row)));
        continue;
      }
      if (!(row instanceof SequenceNode)) {
        throw ex.error(VR008, row, ex.label() + " has " + fieldCount
            + " fields, so each entry of 'values' must be a list of " + fieldCount + " values, one per field");
      }
      List<Node> cells = ((SequenceNode) row).getValue();
      if (cells.size() != fieldCount) {
        throw ex.error(VR008, row, ex.label() + " has " + fieldCount + " fields but this row of values has "
            + cells.size() + "; give one value per field");
      }
      List<Object> out = new ArrayList<>();
      for (Node cell : cells) {
        if (cell instanceof SequenceNode) {
          List<String> items = new ArrayList<>();
          for (Node item : ((SequenceNode) cell).getValue()) {
            items.add(value(ex, item));
          }
          out.add(items);
        } else {
          out.add(value(ex, cell));
        }
      }
      rows.add(out);
    }
    return rows;
  }

  private static String value(MapView ex, Node node) {
    return text(ex, node, "values");
  }

  private static String text(MapView ex, Node node, String what) {
    String s = YamlNodes.scalar(node);
    if (s == null || s.isEmpty()) {
      throw ex.error(VR004, node, ex.label() + ": " + what + " must be non-empty plain values, not "
          + (s == null ? YamlText.describe(node) : "an empty string"));
    }
    return s;
  }

  /** {@code fields} or {@code comps}: one name, or a list of names; null when absent or empty-valued. */
  private static List<String> entry(MapView ex, String key) {
    Node v = ex.value(key);
    if (v == null || YamlNodes.isNull(v)) {
      return null;
    }
    if (v instanceof SequenceNode) {
      List<String> out = new ArrayList<>();
      for (Node e : ((SequenceNode) v).getValue()) {
        out.add(text(ex, e, "'" + key + "' entries"));
      }
      return out;
    }
    return List.of(text(ex, v, "'" + key + "'"));
  }

  private static int indexOf(List<Defs.ExceptionDef> list, String name) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
