package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileChange;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.Capability;
import dev.vigil.rules.field.FieldTable;
import dev.vigil.rules.lang.DiagnosticCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Shared helpers for the rules tests: compiling YAML through the three stages (read, compile, evaluate) and building
 * events and container records. Test code only.
 */
final class RuleTestKit {

  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  static final String CONTAINER_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final ContainerRef WEB = new ContainerRef(CONTAINER_ID, "web", "docker.io/library/nginx", "1.25", "");

  private RuleTestKit() {}

  /** Everything enabled, nothing switched off by the user. */
  static RuleCompiler.Options allOptions() {
    return new RuleCompiler.Options(Capability.all(), List.of(), List.of(), Priority.DEBUG);
  }

  static LoadResult compile(String yaml) {
    return compile(allOptions(), yaml);
  }

  static LoadResult compile(RuleCompiler.Options opts, String... files) {
    List<RulesReader.Source> sources = new ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      sources.add(new RulesReader.Source(files.length == 1 ? "t.yaml" : "f" + (i + 1) + ".yaml", files[i]));
    }
    return RuleCompiler.compile(RulesReader.read(sources), FieldTable.standard(), opts);
  }

  /** Compiles files that must load without errors. */
  static LoadResult compileClean(String... files) {
    return compileClean(allOptions(), files);
  }

  static LoadResult compileClean(RuleCompiler.Options opts, String... files) {
    LoadResult r = compile(opts, files);
    assertThat(r.errors()).as("errors").isEmpty();
    return r;
  }

  static CompiledRule rule(LoadResult r, String name) {
    return r.rules().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no rule '" + name + "' in " + r.rules()));
  }

  /** Names of the rules the event matches, in evaluation order. */
  static List<String> matches(LoadResult r, Event e) {
    return matches(new RuleSet(r, null), e);
  }

  static List<String> matches(LoadResult r, ContainerDirectory dir, Event e) {
    return matches(new RuleSet(r, dir), e);
  }

  static List<String> matches(RuleSet set, Event e) {
    List<String> names = new ArrayList<>();
    int n = set.evaluate(e, (rule, fields) -> names.add(rule.name()));
    assertThat(n).isEqualTo(names.size());
    return names;
  }

  static List<Diagnostic> withCode(LoadResult r, DiagnosticCode code) {
    return r.diagnostics().stream().filter(d -> d.code() == code).toList();
  }

  // --- events ---------------------------------------------------------------------------------------------------

  /** A process {@code name} started as argv {@code args}, pid 1234, ppid 1000, root, no ancestors. */
  static ProcessExec exec(String name, String... args) {
    return exec(name, "", List.of(), args);
  }

  /** A process with ancestors given as names, parent first (pids 1000, 999, ...). */
  static ProcessExec exec(String name, String exePath, List<String> ancestorNames, String... args) {
    List<ProcessExec.Ancestor> ancestors = new ArrayList<>();
    for (int i = 0; i < ancestorNames.size(); i++) {
      ancestors.add(new ProcessExec.Ancestor(1000 - i, ancestorNames.get(i), ancestorNames.get(i)));
    }
    List<String> argv = args.length == 0 ? List.of(name) : Arrays.asList(args);
    return new ProcessExec(T0, WEB, "test", 1234, 1000, name, exePath, argv, 0, "root", "", ExecOrigin.CONTAINER,
        "", ancestors);
  }

  /** A process {@code name} in {@code container} whose ancestors are {@code ancestorNames}, parent first. */
  static ProcessExec execIn(ContainerRef container, String name, String... ancestorNames) {
    List<ProcessExec.Ancestor> ancestors = new ArrayList<>();
    for (int i = 0; i < ancestorNames.length; i++) {
      ancestors.add(new ProcessExec.Ancestor(1000 - i, ancestorNames[i], ancestorNames[i]));
    }
    return new ProcessExec(T0, container, "test", 1234, 1000, name, "", List.of(name), 0, "root", "",
        ExecOrigin.CONTAINER, "", ancestors);
  }

  static FileChange file(String path) {
    return new FileChange(T0, WEB, "test", path, FileChange.Kind.MODIFIED);
  }

  static FileChange deleted(String path) {
    return new FileChange(T0, WEB, "test", path, FileChange.Kind.DELETED);
  }

  // --- containers -----------------------------------------------------------------------------------------------

  static ContainerInfo info(Map<String, String> labels, List<String> capAdd, List<ContainerInfo.Mount> mounts) {
    return new ContainerInfo(WEB, "sha256:abc", labels, "", false, capAdd, List.of(), List.of(), mounts, Map.of(),
        0, 0, 0, "overlay2", Map.of(), 42, true, T0, List.of(), List.of(), "no");
  }

  static ContainerInfo.Mount bind(String source, String destination) {
    return new ContainerInfo.Mount("bind", source, destination, true, "rprivate");
  }

  /** A directory that knows one container record, by full id. */
  static ContainerDirectory directory(ContainerInfo info) {
    return ContainerDirectory.of(java.util.Map.of(info.ref().id(), info));
  }
}
