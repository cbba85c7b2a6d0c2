package dev.vigil.app;

import dev.vigil.rules.CompiledRule;
import dev.vigil.rules.Diagnostic;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleCompiler;
import dev.vigil.rules.RulesLoader;
import dev.vigil.event.Capability;
import dev.vigil.rules.lang.DiagnosticCode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil rules validate|list|diagnostics}: check rules files, show what is loaded, explain diagnostics. */
@Command(name = "rules", description = "Check rules files and list the rules Vigil loads.",
    subcommands = {RulesCommand.Validate.class, RulesCommand.ListRules.class, RulesCommand.Diagnostics.class})
final class RulesCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints diagnostics as {@code file:line:col: error CODE: message}. */
  static void print(List<Diagnostic> diags, PrintWriter out) {
    for (Diagnostic d : diags) {
      out.println(d);
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {"Check rules files: YAML, items, conditions, fields, operators, macros, lists, outputs.",
          "Files are read after the built-in rules (as monitor would), so they may use its lists and macros.",
          "Prints each problem as file:line:col: error|warning CODE: message; exits 1 when there are errors."})
  static final class Validate implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Rules files or directories, in load order.")
    List<Path> files;

    @Option(names = "--no-default-rules", description = "Validate the files on their own, without the built-ins.")
    boolean noDefaultRules;

    @Option(names = "--all-sensors",
        description = "Check as if every sensor ran; by default, as the sensors this host can run.")
    boolean allSensors;

    @Override
    public Integer call() {
      LoadResult r = RulesLoader.load(!noDefaultRules, files, new RuleCompiler.Options(
          allSensors ? Capability.all() : SensorPlan.probe(java.util.Set.of()).capabilities(), List.of(), List.of(),
          dev.vigil.alert.Priority.DEBUG));
      PrintWriter out = spec.commandLine().getOut();
      // The user's files are the subject: the built-ins' own warnings (rules off for a missing sensor) are noise.
      List<Diagnostic> shown = r.diagnostics().stream()
          .filter(d -> d.isError() || !d.file().equals(RulesLoader.BUILTIN)).toList();
      print(shown, out);
      long errors = shown.stream().filter(Diagnostic::isError).count();
      out.printf("%d rules: %d enabled, %d disabled; %d errors, %d warnings%n", r.rules().size(), r.enabled().size(),
          r.rules().size() - r.enabled().size(), errors, shown.size() - errors);
      out.flush();
      return r.hasErrors() ? ExitCodes.ERROR : ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the rules that would load: name, priority, tags, enabled state and source file.")
  static final class ListRules implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RuleOptions ruleOptions = new RuleOptions();

    @Option(names = "--all-sensors",
        description = "List as if every sensor ran; by default, as the sensors this host can run.")
    boolean allSensors;

    @Override
    public Integer call() {
      LoadResult r = ruleOptions.load(allSensors ? Capability.all()
          : SensorPlan.probe(java.util.Set.of()).capabilities());
      PrintWriter out = spec.commandLine().getOut();
      if (r.hasErrors()) {
        print(r.errors(), out);
        out.flush();
        return ExitCodes.ERROR;
      }
      out.printf("%-55s %-13s %-8s %-32s %s%n", "RULE", "PRIORITY", "ENABLED", "SOURCE", "TAGS");
      for (CompiledRule c : r.rules()) {
        out.printf("%-55s %-13s %-8s %-32s %s%n", c.name(), c.priority().label(), c.enabled() ? "yes" : "no",
            c.origin().file() + ":" + c.origin().pos().line(), String.join(",", c.tags()));
        if (!c.enabled()) {
          out.printf("    disabled: %s%n", c.disabledReason());
        }
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "diagnostics", mixinStandardHelpOptions = true,
      description = {"Explain the codes of rules diagnostics (VR errors, VW warnings): what raises each, how to fix",
          "it. Without CODE, lists every code with its severity and title."})
  static final class Diagnostics implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "CODE", arity = "0..*", description = "Codes to explain, e.g. VR112.")
    List<String> codes = List.of();

    @Option(names = "--markdown", description = "Print every code as Markdown (the source of docs/DIAGNOSTICS.md).")
    boolean markdown;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (markdown) {
        out.print(markdown());
      } else if (codes.isEmpty()) {
        for (DiagnosticCode c : DiagnosticCode.values()) {
          out.printf("%s  %-7s  %s%n", c, c.severity().label(), c.title());
        }
      } else {
        for (DiagnosticCode c : codes.stream().map(this::code).toList()) {
          out.printf("%s %s: %s%n%s%n", c, c.severity().label(), c.title(), c.explanation());
        }
      }
      out.flush();
      return ExitCodes.OK;
    }

    private DiagnosticCode code(String text) {
      try {
        return DiagnosticCode.valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "unknown diagnostic code '" + text
            + "'; `vigil rules diagnostics` lists them");
      }
    }

    static String markdown() {
      StringBuilder sb = new StringBuilder();
      sb.append("""
          # Rule diagnostics

          Generated by `vigil rules diagnostics --markdown` from `DiagnosticCode`; do not edit by hand.
          `vigil rules validate` prints each problem of a rules file as \
          `file:line:col: error|warning CODE: message`; `vigil monitor`, `vigil replay` and `vigil rules list` print \
          the errors. Any error makes the load fail (`vigil rules validate` exits 1, `vigil monitor` does not start); \
          warnings do not. VR0xx codes come from reading the files and their items, VR1xx from conditions and \
          outputs; VW codes are warnings. `vigil rules diagnostics CODE` prints one explanation.

          | code | severity | title |
          |---|---|---|
          """);
      for (DiagnosticCode c : DiagnosticCode.values()) {
        sb.append("| [").append(c).append("](#").append(c.name().toLowerCase(Locale.ROOT)).append(") | ")
            .append(c.severity().label()).append(" | ").append(c.title()).append(" |\n");
      }
      for (DiagnosticCode c : DiagnosticCode.values()) {
        sb.append("\n## ").append(c).append("\n\n**").append(c.title()).append("** (")
            .append(c.severity().label()).append(")\n\n").append(c.explanation()).append('\n');
      }
      return sb.toString();
    }
  }
}
