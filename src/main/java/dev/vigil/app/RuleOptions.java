package dev.vigil.app;

import dev.vigil.alert.Priority;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleCompiler;
import dev.vigil.rules.RulesLoader;
import dev.vigil.event.Capability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The rule-selection options shared by {@code monitor}, {@code replay} and {@code rules list}. */
final class RuleOptions {

  @Option(names = "--rules", paramLabel = "PATH",
      description = "Rules file or directory (*.yaml, *.yml in name order) loaded after the built-in rules; "
          + "repeatable, in order. Later items append to or override earlier ones by name, as in Falco.")
  List<Path> rules = new ArrayList<>();

  @Option(names = "--no-default-rules", description = "Do not load the built-in rules; only --rules files.")
  boolean noDefaultRules;

  @Option(names = "--disable-rule", paramLabel = "TEXT",
      description = "Disable every rule whose name contains TEXT (repeatable).")
  List<String> disableRule = new ArrayList<>();

  @Option(names = "--disable-tag", paramLabel = "TAG", description = "Disable every rule with this tag (repeatable).")
  List<String> disableTag = new ArrayList<>();

  @Option(names = "--min-priority", paramLabel = "PRIORITY", defaultValue = "debug",
      converter = PriorityConverter.class,
      description = "Load only rules of this priority or more severe: emergency, alert, critical, error, warning, "
          + "notice, informational, debug (default: ${DEFAULT-VALUE}).")
  Priority minPriority;

  LoadResult load(Set<Capability> capabilities) {
    return RulesLoader.load(!noDefaultRules, rules,
        new RuleCompiler.Options(capabilities, disableRule, disableTag, minPriority));
  }

  /** picocli converter for priorities, with Falco's spellings. */
  static final class PriorityConverter implements picocli.CommandLine.ITypeConverter<Priority> {
    @Override
    public Priority convert(String value) {
      try {
        return Priority.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
