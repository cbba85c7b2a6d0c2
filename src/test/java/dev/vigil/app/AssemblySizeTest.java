package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent's assembly stays small and readable (issue 10): no method of the start-up, the sensor plan or the event
 * chain grows past 60 lines. A new subsystem adds a step, a catalog entry or a chain stage, not a longer method.
 */
class AssemblySizeTest {

  private static final int MAX = 60;
  private static final Pattern MEMBER =
      Pattern.compile("^  (?!return|throw|new |if |for |while )[\\w<>\\[\\],.? ]+\\b\\w+\\(.*");
  private static final List<String> FILES = List.of("MonitorRuntime.java", "Startup.java", "SensorPlan.java",
      "SensorCatalog.java", "EventChain.java");

  /** Methods of a class longer than {@value #MAX} lines. */
  static List<String> longMethods(List<String> lines) {
    return methods(lines).stream().filter(m -> m.lines() > MAX).map(m -> m.head() + " (" + m.lines() + " lines)")
        .toList();
  }

  record Method(String head, int lines) {}

  /** Top-level methods of a class (two-space indent), each with its length in lines, brace-counted. */
  static List<Method> methods(List<String> lines) {
    List<Method> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (!MEMBER.matcher(l).matches() || l.contains(" = ") || l.trim().endsWith(";")) {
        continue;
      }
      int depth = 0;
      boolean opened = false;
      int j = i;
      for (; j < lines.size(); j++) {
        String s = lines.get(j).replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"");
        for (char c : s.toCharArray()) {
          if (c == '{') {
            depth++;
            opened = true;
          } else if (c == '}') {
            depth--;
          }
        }
        if (opened && depth == 0) {
          break;
        }
        if (!opened && s.trim().endsWith(";")) {
          break; // an abstract or interface method
        }
      }
      if (opened) {
        out.add(new Method(l.trim(), j - i + 1));
      }
      i = opened ? j : i;
    }
    return out;
  }

  @Test
  void noMethodOfTheAssemblyIsLongerThan60Lines() throws Exception {
    Path dir = Path.of(System.getProperty("vigil.projectDir", "."), "src/main/java/dev/vigil/app");
    for (String f : FILES) {
      assertThat(longMethods(Files.readAllLines(dir.resolve(f)))).as(f).isEmpty();
    }
    // the scan sees the runtime's steps (it would pass vacuously if it saw no method)
    assertThat(methods(Files.readAllLines(dir.resolve("MonitorRuntime.java")))).extracting(Method::head)
        .contains("private void sensors() {", "int run() throws InterruptedException {").hasSizeGreaterThan(12);
  }

  @Test
  void theCheckFindsALongMethod() {
    List<String> src = new ArrayList<>(List.of("final class X {", "  void run() {"));
    for (int i = 0; i < 61; i++) {
      src.add("    step();");
    }
    src.addAll(List.of("  }", "", "  int small() {", "    return 1;", "  }", "}"));
    assertThat(longMethods(src)).containsExactly("void run() { (63 lines)");
  }
}
