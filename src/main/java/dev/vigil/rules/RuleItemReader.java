package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR003;
import static dev.vigil.rules.lang.DiagnosticCode.VR005;
import static dev.vigil.rules.lang.DiagnosticCode.VR006;
import static dev.vigil.rules.lang.DiagnosticCode.VR007;
import static dev.vigil.rules.lang.DiagnosticCode.VR010;
import static dev.vigil.rules.lang.DiagnosticCode.VR011;
import static dev.vigil.rules.lang.DiagnosticCode.VW003;
import static dev.vigil.rules.lang.DiagnosticCode.VW004;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies one {@code - rule:} item to the table with Falco's semantics: a new definition (replacing one of the same
 * name in place), a legacy {@code append: true}, an {@code override:} of chosen keys, or a standalone
 * {@code enabled:}. Nothing is changed unless the whole item is valid. Stateless; thread-safe.
 */
final class RuleItemReader {

  static final List<String> KEYS = List.of("rule", "condition", "output", "desc", "priority", "source", "enabled",
      "tags", "exceptions", "warn_evttypes", "skip-if-unknown-filter", "append", "override", "capture",
      "capture_duration", "capture_events", "capture_filesize");
  private static final List<String> APPENDABLE = List.of("condition", "output", "desc", "tags", "exceptions");
  private static final List<String> REPLACEABLE = List.of("condition", "output", "desc", "priority", "tags",
      "exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter", "capture", "capture_duration",
      "capture_events", "capture_filesize");
  private static final List<String> DEFINING = List.of("condition", "output", "desc", "priority");
  private static final String NEW_RULE_HINT =
      "a new rule needs condition, output, desc and priority (to change an existing rule, use 'override')";

  private RuleItemReader() {}

  static void read(MapView item, YamlText text, String name, DefsTable table) {
    boolean legacyAppend = Boolean.TRUE.equals(item.optionalBool("append"));
    Overrides overrides = Overrides.parse(item, APPENDABLE, REPLACEABLE);
    if (legacyAppend && !overrides.isEmpty()) {
      throw item.error(VR007, item.keyNode("append"), item.label()
          + " has both 'append: true' and 'override'; remove 'append' and say 'append' per key under 'override'");
    }
    if (!overrides.isEmpty()) {
      override(item, text, name, overrides, table);
    } else if (legacyAppend) {
      table.report(item.warning(VW004, item.keyNode("append"), item.label() + ": 'append: true' is deprecated;"
          + " write override: {condition: append} (or exceptions: append) instead"));
      append(item, text, name, table);
    } else if (DEFINING.stream().noneMatch(item::has)) {
      enable(item, name, table);
    } else {
      define(item, text, name, table);
    }
  }

  private static void define(MapView item, YamlText text, String name, DefsTable table) {
    item.requiredText("condition", NEW_RULE_HINT);
    TextMap condition = RulesReader.conditionMap(item, text);
    String output = item.requiredText("output", NEW_RULE_HINT).strip();
    String desc = item.requiredText("desc", NEW_RULE_HINT);
    String priority = item.requiredText("priority", NEW_RULE_HINT);
    String source = item.optionalText("source");
    source = source == null ? "syscall" : source;
    Boolean enabled = item.optionalBool("enabled");
    item.optionalBool("warn_evttypes");
    item.optionalBool("capture");
    Boolean skip = item.optionalBool("skip-if-unknown-filter");
    List<String> tags = item.optionalTextList("tags");
    List<Defs.ExceptionDef> exceptions = ExceptionReader.define(ExceptionReader.parse(item, table));
    Defs.RuleDef prev = table.rules.get(name);
    if (prev != null && !prev.source().equals(source)) {
      throw item.error(VR011, item.has("source") ? item.value("source") : item.node(), item.label()
          + " is redefined for source '" + source + "' but was defined for '" + prev.source()
          + "'; give the rule another name");
    }
    table.rules.put(name, new Defs.RuleDef(name, desc, condition.text(), condition, output, priority,
        distinct(tags), enabled == null || enabled, exceptions, source, Boolean.TRUE.equals(skip),
        item.origin()));
  }

  private static void append(MapView item, YamlText text, String name, DefsTable table) {
    for (String key : item.keys()) {
      if (KEYS.contains(key) && !List.of("rule", "append", "condition", "exceptions").contains(key)) {
        table.report(item.warning(VW003, item.keyNode(key), "'" + key + "' is ignored when appending to "
            + item.label() + " with 'append: true'; use override: {" + key + ": replace} to change it"));
      }
    }
    if (!item.has("condition") && !item.has("exceptions")) {
      throw item.error(VR005, item.keyNode("append"), item.label()
          + " has 'append: true' but no 'condition' or 'exceptions' to append; add one of them");
    }
    TextMap condition = null;
    if (item.has("condition")) {
      item.requiredText("condition", "give the text to append");
      condition = RulesReader.conditionMap(item, text);
    }
    List<ExceptionReader.Spec> specs = ExceptionReader.parse(item, table);
    Draft d = new Draft(target(item, name, table, "append"));
    if (condition != null) {
      d.condition = d.condition.append(condition);
    }
    if (item.has("exceptions")) {
      d.exceptions = ExceptionReader.append(d.exceptions, specs);
    }
    table.rules.put(name, d.build());
  }

  private static void enable(MapView item, String name, DefsTable table) {
    if (!item.has("enabled")) {
      throw item.error(VR003, item.node(), item.label() + " has no 'condition', 'output', 'desc' or 'priority';"
          + " " + NEW_RULE_HINT);
    }
    boolean enabled = item.requiredBool("enabled", "write 'enabled: true' or 'enabled: false'");
    for (String key : item.keys()) {
      if (KEYS.contains(key) && !key.equals("rule") && !key.equals("enabled") && !key.equals("append")) {
        table.report(item.warning(VW003, item.keyNode(key), "'" + key + "' is ignored on an item that only"
            + " enables or disables " + item.label() + "; use 'override' to change it"));
      }
    }
    table.report(item.warning(VW004, item.keyNode("enabled"), item.label() + ": a standalone 'enabled' is"
        + " deprecated; add override: {enabled: replace}"));
    Draft d = new Draft(target(item, name, table, "enabled"));
    d.enabled = enabled;
    table.rules.put(name, d.build());
  }

  private static void override(MapView item, YamlText text, String name, Overrides overrides,
      DefsTable table) {
    Set<String> requested = new LinkedHashSet<>(overrides.appended());
    requested.addAll(overrides.replaced());
    for (String key : requested) {
      if (!item.has(key)) {
        throw item.error(VR006, item.keyNode("override"), item.label() + " overrides '" + key + "' but has no '"
            + key + "'; add the new '" + key + "' or remove it from 'override'");
      }
    }
    for (String key : item.keys()) {
      if (REPLACEABLE.contains(key) && !requested.contains(key)) {
        throw item.error(VR006, item.keyNode(key), item.label() + " has '" + key + "' but 'override' has no"
            + " entry for it; add '" + key + ": replace' (or 'append') under 'override', or remove the key");
      }
    }
    // Read and check everything before looking the rule up, so a bad item reports its own mistake first.
    TextMap condition = null;
    if (overrides.appends("condition") || overrides.replaces("condition")) {
      item.requiredText("condition", "give the condition text");
      condition = RulesReader.conditionMap(item, text);
    }
    String output = requested.contains("output") ? item.requiredText("output", "give the output text").strip() : null;
    String desc = requested.contains("desc") ? item.requiredText("desc", "give the description") : null;
    String priority = requested.contains("priority") ? item.requiredText("priority", "give a priority") : null;
    List<String> tags = item.optionalTextList("tags");
    Boolean enabled = requested.contains("enabled") ? item.requiredBool("enabled", "write true or false") : null;
    Boolean skip = requested.contains("skip-if-unknown-filter")
        ? item.requiredBool("skip-if-unknown-filter", "write true or false") : null;
    item.optionalBool("warn_evttypes");
    item.optionalBool("capture");
    List<ExceptionReader.Spec> specs = ExceptionReader.parse(item, table);
    List<Defs.ExceptionDef> replacedExceptions =
        overrides.replaces("exceptions") ? ExceptionReader.define(specs) : null;

    Draft d = new Draft(target(item, name, table, "override"));
    if (overrides.appends("condition")) {
      d.condition = d.condition.append(condition);
    } else if (condition != null) {
      d.condition = condition;
    }
    if (output != null) {
      d.output = overrides.appends("output") ? d.output + " " + output : output;
    }
    if (desc != null) {
      d.desc = overrides.appends("desc") ? d.desc + " " + desc : desc;
    }
    if (overrides.appends("tags")) {
      d.tags.addAll(tags == null ? List.of() : tags);
    } else if (overrides.replaces("tags")) {
      d.tags = new LinkedHashSet<>(tags == null ? List.of() : tags);
    }
    if (overrides.appends("exceptions")) {
      d.exceptions = ExceptionReader.append(d.exceptions, specs);
    } else if (replacedExceptions != null) {
      d.exceptions = replacedExceptions;
    }
    d.priority = priority == null ? d.priority : priority;
    d.enabled = enabled == null ? d.enabled : enabled;
    d.skipIfUnknownFilter = skip == null ? d.skipIfUnknownFilter : skip;
    table.rules.put(name, d.build());
  }

  private static Defs.RuleDef target(MapView item, String name, DefsTable table, String how) {
    Defs.RuleDef prev = table.rules.get(name);
    if (prev == null) {
      if (table.hasFailed("rule", name)) {
        throw ItemError.alreadyReported();
      }
      throw item.error(VR010, item.node(), item.label() + " has '" + how + "' but no rule by that name is"
          + " defined; define the rule first, in this file or in one read before it");
    }
    return prev;
  }

  private static List<String> distinct(List<String> tags) {
    return tags == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(tags));
  }

  /** A rule being changed by an append or override; starts as a copy of the existing definition. */
  private static final class Draft {
    private final Defs.RuleDef base;
    /** The condition's text with where each part was written. */
    TextMap condition;
    String output;
    String desc;
    String priority;
    Set<String> tags;
    boolean enabled;
    List<Defs.ExceptionDef> exceptions;
    boolean skipIfUnknownFilter;

    Draft(Defs.RuleDef base) {
      this.base = base;
      condition = base.conditionMap();
      output = base.output();
      desc = base.desc();
      priority = base.priority();
      tags = new LinkedHashSet<>(base.tags());
      enabled = base.enabled();
      exceptions = base.exceptions();
      skipIfUnknownFilter = base.skipIfUnknownFilter();
    }

    Defs.RuleDef build() {
      return new Defs.RuleDef(base.name(), desc, condition.text(), condition, output, priority,
          new ArrayList<>(tags), enabled, exceptions, base.source(), skipIfUnknownFilter, base.origin());
    }
  }
}
