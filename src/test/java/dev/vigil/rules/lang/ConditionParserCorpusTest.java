package dev.vigil.rules.lang;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Parses every macro and rule condition of Falco's public rules files (the syntax ground truth). The files are
 * read from the shared corpus folder, never copied into the project; without them the test aborts, saying so.
 */
class ConditionParserCorpusTest {

  private static final List<String> FILES =
      List.of("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml");

  @Test
  void everyFalcoConditionParses() throws IOException {
    Path dir = corpusDir();
    List<String> failures = new ArrayList<>();
    int parsed = 0;
    for (String file : FILES) {
      Path path = dir.resolve(file);
      assertThat(path).as("corpus file").exists();
      for (Map<?, ?> item : items(path)) {
        Object kind = item.containsKey("rule") ? item.get("rule") : item.get("macro");
        if (kind == null || !(item.get("condition") instanceof String)) {
          continue;
        }
        String condition = (String) item.get("condition");
        if (isAppend(item)) {
          // An appended fragment continues its base condition ("or ..."), so parse it after a stand-in base.
          condition = "base_condition " + condition;
        }
        try {
          ConditionParser.parse(condition);
          parsed++;
        } catch (ParseException e) {
          failures.add(file + " '" + kind + "' " + e.code() + " at " + e.pos() + ": " + e.getMessage());
        }
      }
    }
    System.out.println("ConditionParserCorpusTest: parsed " + parsed + " Falco conditions from " + dir);
    assertThat(failures).isEmpty();
    assertThat(parsed).isGreaterThan(300);
  }

  private static boolean isAppend(Map<?, ?> item) {
    Object override = item.get("override");
    return Boolean.TRUE.equals(item.get("append"))
        || (override instanceof Map && "append".equals(((Map<?, ?>) override).get("condition")));
  }

  private static List<Map<?, ?>> items(Path path) throws IOException {
    Object doc;
    try (InputStream in = Files.newInputStream(path)) {
      doc = new Yaml().load(in);
    }
    assertThat(doc).as(path.toString()).isInstanceOf(List.class);
    List<Map<?, ?>> items = new ArrayList<>();
    for (Object o : (List<?>) doc) {
      if (o instanceof Map) {
        items.add((Map<?, ?>) o);
      }
    }
    return items;
  }

  private static Path corpusDir() {
    List<Path> candidates = new ArrayList<>();
    String configured = System.getProperty("vigil.falcoRules");
    if (configured != null) {
      candidates.add(Path.of(configured));
    }
    candidates.add(Path.of("..", "shared", "falco-rules"));
    candidates.add(Path.of("/work/shared/falco-rules"));
    for (Path p : candidates) {
      if (Files.isRegularFile(p.resolve(FILES.get(0)))) {
        return p;
      }
    }
    return Assumptions.abort("Falco rules corpus not found (looked in " + candidates
        + "); the corpus test did NOT run. Set -Dvigil.falcoRules=DIR to point at falcosecurity/rules files.");
  }
}
