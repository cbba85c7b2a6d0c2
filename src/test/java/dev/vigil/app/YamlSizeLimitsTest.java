package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.alert.Priority;
import dev.vigil.common.TextLimits;
import dev.vigil.detect.logsig.SignatureFile;
import dev.vigil.detect.logsig.SignatureFileException;
import dev.vigil.event.Capability;
import dev.vigil.rules.Diagnostic;
import dev.vigil.rules.LoadResult;
import dev.vigil.rules.RuleCompiler;
import dev.vigil.rules.RulesLoader;
import dev.vigil.rules.lang.DiagnosticCode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 10 MB value on one line once cost the YAML scanner minutes of CPU before the file was refused: rules,
 * configuration and signature files are now refused by size and line length before parsing. The timeouts only catch a
 * hang (the check is linear; parsing such a line is quadratic).
 */
class YamlSizeLimitsTest {

  private static final String HUGE = "a".repeat(10 << 20);
  private static final Duration HANG = Duration.ofSeconds(20);

  private static LoadResult rules(Path file) {
    return RulesLoader.load(false, List.of(file), new RuleCompiler.Options(Capability.all(), List.of(), List.of(),
        Priority.DEBUG));
  }

  @Test
  void rulesFile_withA10MbLine_isRefusedBeforeParsing_namingTheLine(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("big.yaml"), "- rule: big\n  desc: d\n  condition: proc.name = " + HUGE
        + "\n  output: o\n  priority: WARNING\n");
    LoadResult r = assertTimeoutPreemptively(HANG, () -> rules(f));
    assertThat(r.errors()).extracting(Diagnostic::code).containsExactly(DiagnosticCode.VR009);
    assertThat(r.errors().get(0).message()).startsWith("line 3 is 10,485,785 characters long");
    assertThat(r.rules()).isEmpty();
  }

  @Test
  void rulesFile_over16Mb_isRefusedUnread(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("huge.yaml");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(RulesLoader.MAX_FILE_BYTES + 1); // sparse: nothing to read, only its size counts
    }
    LoadResult r = rules(f);
    assertThat(r.errors()).singleElement().satisfies(d -> {
      assertThat(d.code()).isEqualTo(DiagnosticCode.VR009);
      assertThat(d.message()).contains("16,777,217 bytes");
    });
  }

  @Test
  void aLineAtTheLimit_isRead() {
    String ok = "- list: l\n  items: [" + "b".repeat(TextLimits.MAX_LINE - 20) + "]\n";
    assertThat(TextLimits.checkLines(ok)).isEmpty();
    assertThat(TextLimits.checkLines(ok + "x".repeat(TextLimits.MAX_LINE + 1))).get().asString()
        .startsWith("line 3 is 65,537 characters long");
  }

  @Test
  void configFile_withA1MbLine_orOver4Mb_isAUsageErrorBeforeParsing(@TempDir Path dir) throws Exception {
    Path big = Files.writeString(dir.resolve("big.yaml"), "data_dir: /tmp/" + HUGE + "\n");
    assertThatThrownBy(() -> ConfigFile.load(big, k -> null, ConfigFile.overrides(k -> null).build()))
        .isInstanceOf(ConfigFile.ConfigException.class).hasMessage(big + ": the file is 10,485,776 bytes; at most "
            + "4,194,304 are read");
    Path f = Files.writeString(dir.resolve("vigil.yaml"), "data_dir: /tmp/" + "a".repeat(1 << 20) + "\n");
    assertThatThrownBy(() -> assertTimeoutPreemptively(HANG, () -> ConfigFile.load(f, k -> null,
        ConfigFile.overrides(k -> null).build())))
        .isInstanceOf(ConfigFile.ConfigException.class).hasMessageStartingWith(f + ": line 1 is 1,048,591 characters long");
  }

  @Test
  void signatureFile_withA10MbLine_isRefusedBeforeParsing() {
    assertThatThrownBy(() -> assertTimeoutPreemptively(HANG, () -> SignatureFile.parse("signatures:\n  - id: x\n"
        + "    pattern: " + HUGE + "\n", "sigs.yaml")))
        .isInstanceOf(SignatureFileException.class).hasMessageContaining("sigs.yaml: line 3 is 10,485,7");
  }
}
