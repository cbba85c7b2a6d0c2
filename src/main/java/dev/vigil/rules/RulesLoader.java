package dev.vigil.rules;

import static dev.vigil.rules.lang.DiagnosticCode.VR000;
import static dev.vigil.rules.lang.DiagnosticCode.VR009;

import dev.vigil.common.TextLimits;

import dev.vigil.rules.field.FieldTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads rules the way {@code vigil monitor --rules} does: the built-in file shipped in the jar first (unless left
 * out), then each path in order; a directory contributes its {@code *.yaml}/{@code *.yml} files in name order.
 * Reading, merging and compiling are the stages of {@link RulesReader} and {@link RuleCompiler}. Stateless.
 */
public final class RulesLoader {

  /** Name under which the built-in rules appear in diagnostics and {@code vigil rules list}. */
  public static final String BUILTIN = "builtin:vigil_rules.yaml";

  private RulesLoader() {}

  /** The built-in rules file shipped inside the jar. */
  public static RulesReader.Source builtin() {
    try (InputStream in = RulesLoader.class.getResourceAsStream("/rules/vigil_rules.yaml")) {
      if (in == null) {
        throw new IllegalStateException("built-in rules missing from the jar");
      }
      return new RulesReader.Source(BUILTIN, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static LoadResult load(boolean withBuiltin, List<Path> paths, RuleCompiler.Options opts) {
    List<Diagnostic> problems = new ArrayList<>();
    List<RulesReader.Source> sources = new ArrayList<>();
    if (withBuiltin) {
      sources.add(builtin());
    }
    sources.addAll(sources(paths, problems));
    Defs.Collected read = RulesReader.read(sources);
    List<Diagnostic> all = new ArrayList<>(problems);
    all.addAll(read.diagnostics());
    Defs.Collected merged = new Defs.Collected(read.lists(), read.macros(), read.rules(), all);
    return RuleCompiler.compile(merged, FieldTable.standard(), opts);
  }

  /** The largest rules file read (Falco's own rules are under 100 KB). */
  public static final long MAX_FILE_BYTES = 16L << 20;

  /** The files named by {@code paths}, directories expanded; unreadable paths become VR000 errors. */
  public static List<RulesReader.Source> sources(List<Path> paths, List<Diagnostic> problems) {
    List<RulesReader.Source> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> files = Files.list(p)) {
          files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
              .forEach(f -> read(f, out, problems));
        } catch (IOException e) {
          problems.add(new Diagnostic(VR000, p.toString(), null, "cannot list rules directory: " + e));
        }
      } else {
        read(p, out, problems);
      }
    }
    return out;
  }

  private static void read(Path f, List<RulesReader.Source> out, List<Diagnostic> problems) {
    try {
      java.util.Optional<String> tooLarge = TextLimits.checkSize(f, MAX_FILE_BYTES);
      if (tooLarge.isPresent()) {
        problems.add(new Diagnostic(VR009, f.toString(), null, "rules file too large: " + tooLarge.get()));
        return;
      }
      byte[] bytes = Files.readAllBytes(f);
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      out.add(new RulesReader.Source(f.toString(), text));
    } catch (CharacterCodingException e) {
      problems.add(new Diagnostic(VR000, f.toString(), null, "rules file is not valid UTF-8"));
    } catch (IOException e) {
      problems.add(new Diagnostic(VR000, f.toString(), null, "cannot read rules file: "
          + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())));
    }
  }
}
