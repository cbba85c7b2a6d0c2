package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/RULES.md's table of input cuts is exactly {@link InputLimits.Limit}, the one table the code cuts by. */
class InputLimitsDocTest {

  @Test
  void rulesDoc_listsEveryLimit_withItsSizeAndWhatItCovers_andNoOther() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("vigil.projectDir", "."), "docs", "RULES.md"));
    List<String> rows = doc.lines().filter(l -> l.startsWith("| `")).filter(l -> l.split("\\|").length == 4)
        .filter(l -> l.split("\\|")[2].trim().matches("[0-9]+")).toList();

    assertThat(rows).containsExactlyElementsOf(Arrays.stream(InputLimits.Limit.values())
        .map(l -> "| `" + l.what + "` | " + l.maxChars + " | " + l.covers + " |").toList());
  }
}
