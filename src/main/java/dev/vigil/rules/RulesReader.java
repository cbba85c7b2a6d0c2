package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR001;
import static dev.vigil.rules.lang.DiagnosticCode.VR002;
import static dev.vigil.rules.lang.DiagnosticCode.VR003;
import static dev.vigil.rules.lang.DiagnosticCode.VR004;
import static dev.vigil.rules.lang.DiagnosticCode.VR007;
import static dev.vigil.rules.lang.DiagnosticCode.VR009;
import static dev.vigil.rules.lang.DiagnosticCode.VR010;
import static dev.vigil.rules.lang.DiagnosticCode.VW001;
import static dev.vigil.rules.lang.DiagnosticCode.VW002;
import static dev.vigil.rules.lang.DiagnosticCode.VW004;
import static dev.vigil.rules.lang.DiagnosticCode.VW006;

import dev.vigil.common.TextLimits;
import dev.vigil.common.YamlNodes;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads Falco-compatible rules files, in order, into {@link Defs.Collected}: lists, macros and rules after Falco's
 * redefinition, {@code append: true}, {@code override:} and standalone {@code enabled:} semantics across all files,
 * plus diagnostics. Conditions are not parsed here. Stateless and thread-safe.
 *
 * <p>Unlike Falco, which stops a file at its first error, an item with an error is skipped as a whole (it changes
 * nothing) and reading goes on, so one pass reports every broken item. A YAML syntax error still ends its file.
 * As in Falco, {@code override: {items: replace}} (or {@code condition: replace}) on a list or macro is a plain
 * (re)definition and needs no earlier one. Priority words, comparison operators and field names are left to the
 * compiler.
 *
 * <p>Problems are reported with the VR0xx (error: the item is skipped) and VW00x (warning) codes of
 * {@link dev.vigil.rules.lang.DiagnosticCode}, which explains each.
 */
public final class RulesReader {

  /** A rules file's name (shown in diagnostics) and its text. */
  public record Source(String name, String text) {
    public Source {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(text, "text");
    }
  }

  private static final List<String> LIST_KEYS = List.of("list", "items", "append", "override");
  private static final List<String> MACRO_KEYS = List.of("macro", "condition", "append", "override");
  private static final List<String> KINDS = List.of("list", "macro", "rule");
  // The names Falco's condition grammar can refer to; Falco warns about others.
  private static final Pattern LIST_NAME = Pattern.compile("[^()\"'\\s=,]+");
  private static final Pattern MACRO_NAME = Pattern.compile("[a-zA-Z]+[a-zA-Z0-9_]*");
  private static final Pattern ENGINE_VERSION = Pattern.compile("\\d+|\\d+\\.\\d+\\.\\d+");

  private RulesReader() {}

  /** Reads {@code sources} in order, later files changing what earlier ones defined. Never throws for bad input. */
  public static Defs.Collected read(List<Source> sources) {
    DefsTable table = new DefsTable();
    for (Source source : sources) {
      readFile(source, table);
    }
    return table.collected();
  }

  private static void readFile(Source source, DefsTable table) {
    java.util.Optional<String> longLine = TextLimits.checkLines(source.text());
    if (longLine.isPresent()) { // before parsing: a huge token costs the YAML scanner quadratic time
      table.report(new Diagnostic(VR009, source.name(), null, longLine.get() + "; this file is not read"));
      return;
    }
    List<Node> documents = new ArrayList<>();
    try {
      // All documents first: a syntax error anywhere means none of the file is used, as in Falco.
      for (Node doc : new Yaml(new LoaderOptions()).composeAll(new StringReader(source.text()))) {
        documents.add(doc);
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String context = e.getContext() == null ? "" : " (" + YamlText.oneLine(e.getContext()) + ")";
      table.report(new Diagnostic(VR001, source.name(), mark == null ? null : YamlText.pos(mark),
          "invalid YAML: " + YamlText.oneLine(e.getProblem()) + context + "; fix it here, the rest of this file"
              + " is not read"));
      return;
    } catch (YAMLException e) {
      table.report(new Diagnostic(VR001, source.name(), null,
          "invalid YAML: " + YamlText.oneLine(e.getMessage()) + "; this file is not read"));
      return;
    }
    YamlText text = new YamlText(source.text());
    for (Node doc : documents) {
      if (YamlNodes.isNull(doc)) {
        continue;
      }
      if (!(doc instanceof SequenceNode)) {
        table.report(new Diagnostic(VR002, source.name(), YamlText.pos(doc), "a rules file must be a YAML"
            + " list of items ('- list:', '- macro:', '- rule:'), not " + YamlText.describe(doc)));
        continue;
      }
      for (Node item : ((SequenceNode) doc).getValue()) {
        if (YamlNodes.isNull(item)) {
          continue;
        }
        if (!(item instanceof MappingNode)) {
          table.report(new Diagnostic(VR002, source.name(), YamlText.pos(item), "each item of a rules file"
              + " must be a mapping such as '- rule: name', not " + YamlText.describe(item)));
          continue;
        }
        readItem(new MapView(source.name(), text, (MappingNode) item, "item"), text, table);
      }
    }
  }

  private static void readItem(MapView item, YamlText text, DefsTable table) {
    List<Node> duplicates = new ArrayList<>();
    YamlText.findDuplicateKeys(item.node(), duplicates::add);
    if (!duplicates.isEmpty()) {
      for (Node key : duplicates) {
        table.report(new Diagnostic(VR001, item.file(), YamlText.pos(key), "key '" + YamlNodes.scalar(key)
            + "' is repeated in one mapping; keep only one (this item is ignored)"));
      }
      return;
    }
    String kind = null;
    String name = null;
    try {
      if (item.has("required_engine_version")) {
        engineVersion(item);
        return;
      }
      if (item.has("required_plugin_versions")) {
        return;
      }
      kind = KINDS.stream().filter(item::has).findFirst().orElse(null);
      if (kind == null) {
        String first = item.keys().isEmpty() ? "" : item.keys().get(0);
        table.report(item.warning(VW001, item.node(), "unknown item '" + first + "' ignored; expected list,"
            + " macro, rule, required_engine_version or required_plugin_versions"));
        return;
      }
      name = item.requiredText(kind, "give the " + kind + " a name");
      item.label(kind + " '" + name + "'");
      List<String> known = kind.equals("list") ? LIST_KEYS : kind.equals("macro") ? MACRO_KEYS
          : RuleItemReader.KEYS;
      for (String key : item.keys()) {
        if (!known.contains(key)) {
          table.report(item.warning(VW002, item.keyNode(key), "unknown key '" + key + "' in " + item.label()
              + " ignored; check its spelling"));
        }
      }
      if (kind.equals("list")) {
        list(item, name, table);
      } else if (kind.equals("macro")) {
        macro(item, text, name, table);
      } else {
        RuleItemReader.read(item, text, name, table);
      }
    } catch (ItemError e) {
      if (e.diagnostic() != null) {
        table.report(e.diagnostic());
      }
      if (name != null) {
        table.markFailed(kind, name);
      }
    }
  }

  private static void engineVersion(MapView item) {
    String version = item.requiredText("required_engine_version", "give a version such as 0.57.0");
    if (!ENGINE_VERSION.matcher(version).matches()) {
      throw item.error(VR004, item.value("required_engine_version"), "required_engine_version must be a number"
          + " or an x.y.z version, not '" + version + "'");
    }
  }

  private static void list(MapView item, String name, DefsTable table) {
    if (!LIST_NAME.matcher(name).matches()) {
      table.report(item.warning(VW006, item.value("list"), item.label() + " cannot be referred to in a"
          + " condition; use a name without spaces, quotes, parentheses, '=' or ','"));
    }
    boolean append = appendFlag(item, Overrides.parse(item, List.of("items"), List.of("items")), "items", table);
    List<String> items = item.optionalTextList("items");
    if (items == null) {
      throw item.error(VR003, item.has("items") ? item.value("items") : item.node(), item.label()
          + " has no 'items'; add 'items: [...]' (it may be empty: [])");
    }
    if (append) {
      Defs.ListDef prev = target(item, name, table.lists.get(name), table, "list");
      List<String> merged = new ArrayList<>(prev.items());
      merged.addAll(items);
      table.lists.put(name, new Defs.ListDef(name, merged, prev.origin()));
    } else {
      table.lists.put(name, new Defs.ListDef(name, items, item.origin()));
    }
  }

  private static void macro(MapView item, YamlText text, String name, DefsTable table) {
    if (!MACRO_NAME.matcher(name).matches()) {
      table.report(item.warning(VW006, item.value("macro"), item.label() + " cannot be referred to in a"
          + " condition; use letters, digits and '_', starting with a letter"));
    }
    boolean append = appendFlag(item, Overrides.parse(item, List.of("condition"), List.of("condition")),
        "condition", table);
    item.requiredText("condition", "add the macro's 'condition'");
    TextMap condition = conditionMap(item, text);
    if (append) {
      Defs.MacroDef prev = target(item, name, table.macros.get(name), table, "macro");
      TextMap joined = prev.conditionMap().append(condition);
      table.macros.put(name, new Defs.MacroDef(name, joined.text(), prev.origin(), joined));
    } else {
      table.macros.put(name, new Defs.MacroDef(name, condition.text(), item.origin(), condition));
    }
  }

  /**
   * Where the text of the item's {@code condition} lies in its file, line by line; the condition must have been
   * checked to be a non-empty scalar (by {@link MapView#requiredText}).
   */
  static TextMap conditionMap(MapView item, YamlText text) {
    return text.textMap(item.file(), (ScalarNode) item.value("condition"));
  }

  /**
   * Whether a list or macro item appends (legacy flag or {@code override: {key: append}}) rather than (re)defines.
   * As in Falco, {@code key: replace} is a plain redefinition, so it needs no earlier definition.
   */
  private static boolean appendFlag(MapView item, Overrides overrides, String key, DefsTable table) {
    boolean legacy = Boolean.TRUE.equals(item.optionalBool("append"));
    if (legacy && !overrides.isEmpty()) {
      throw item.error(VR007, item.keyNode("append"), item.label() + " has both 'append: true' and 'override';"
          + " remove 'append' and write 'override: {" + key + ": append}'");
    }
    if (legacy) {
      table.report(item.warning(VW004, item.keyNode("append"), item.label() + ": 'append: true' is deprecated;"
          + " write override: {" + key + ": append} instead"));
    }
    return legacy || overrides.appends(key);
  }

  private static <T> T target(MapView item, String name, T prev, DefsTable table, String kind) {
    if (prev == null) {
      if (table.hasFailed(kind, name)) {
        throw ItemError.alreadyReported();
      }
      throw item.error(VR010, item.node(), item.label() + " has 'append' but no " + kind + " by that name is"
          + " defined; define it first, in this file or in one read before it");
    }
    return prev;
  }
}
