package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detect.baseline.AnomalyConfig;
import dev.vigil.detect.baseline.BaselineStore;
import dev.vigil.detect.baseline.ImageBaseline;
import dev.vigil.detect.baseline.IntervalSample;
import dev.vigil.event.ContainerRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BaselineCommandTest {

  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private final StringWriter out = new StringWriter();

  @TempDir
  Path dataDir;

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    return cli.execute(args);
  }

  /** Saves a model of {@code image} that has learned {@code samples} samples. */
  private void model(String image, int samples) throws IOException {
    AnomalyConfig cfg = new AnomalyConfig(true, Duration.ofSeconds(30), 20, 2.5, 2, 10, 32, 0.0, 3, 8, 64, 64,
        Duration.ofSeconds(600), 1L);
    ImageBaseline m = ImageBaseline.create(image, cfg);
    ContainerRef c = new ContainerRef("c".repeat(64), "c1", image, "", "");
    for (int i = 0; i < samples; i++) {
      Instant t = T0.plusSeconds(30L * i);
      m.observe(new IntervalSample(c, image, t, t.plusSeconds(30), 5 + i % 3, 50e6, 1000, 2000, 10, 4,
          List.of("/bin/sh"), 0, 2, 20, 3));
    }
    new BaselineStore(dataDir).write(image, m.toFile(T0.plusSeconds(30L * samples)).encode());
  }

  @Test
  void show_listsEveryImageWithStateSamplesLastUpdateAndSize() throws IOException {
    model("nginx:1.27-alpine", 25);
    model("registry.example.com/shop/api:2.14.3", 7);
    Files.writeString(new BaselineStore(dataDir).dir().resolve("broken-00000000.json"), "{\"format\":1,");

    assertThat(run("baseline", "show", "--data-dir", dataDir.toString())).isZero();
    String text = out.toString();
    assertThat(text).contains("IMAGE").contains("STATE").contains("SIZE");
    assertThat(text.lines().filter(l -> l.startsWith("nginx:1.27-alpine")).findFirst()).get().asString()
        .contains("scoring").contains(" 25 ").contains("2026-11-29T10:12:30Z").contains("kB");
    assertThat(text.lines().filter(l -> l.startsWith("registry.example.com/shop/api:2.14.3")).findFirst()).get()
        .asString().contains("learning 7/20").contains(" 7 ");
    assertThat(text).contains("broken-00000000.json").contains("UNREADABLE");
  }

  @Test
  void show_oneImage_printsTheModelAndEachFeaturesNormalValue() throws IOException {
    model("nginx:latest", 25);
    assertThat(run("baseline", "show", "nginx", "--data-dir", dataDir.toString())).isZero();
    assertThat(out.toString()).contains("image        nginx:latest")
        .contains("state        scoring (25 samples learned, learning period 20)")
        .contains("10 trees x 32 samples")
        .contains("executables  1 known")
        .containsPattern("tx_rate +2\\.0 kB/s")
        .containsPattern("memory_bytes +50\\.0 MB");
  }

  @Test
  void show_unknownImage_exits1() throws IOException {
    model("nginx:1.27-alpine", 3);
    assertThat(run("baseline", "show", "redis:7", "--data-dir", dataDir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("no baseline for image redis:7");
  }

  @Test
  void show_emptyDataDir_saysSo() {
    assertThat(run("baseline", "show", "--data-dir", dataDir.toString())).isZero();
    assertThat(out.toString()).contains("no baselines in");
  }

  @Test
  void reset_deletesOnlyThatImagesModel() throws IOException {
    model("nginx:1.27-alpine", 3);
    model("postgres:16.4", 3);
    BaselineStore store = new BaselineStore(dataDir);

    assertThat(run("baseline", "reset", "nginx:1.27-alpine", "--data-dir", dataDir.toString())).isZero();
    assertThat(out.toString()).contains("deleted the baseline of nginx:1.27-alpine");
    assertThat(store.exists("nginx:1.27-alpine")).isFalse();
    assertThat(store.exists("postgres:16.4")).isTrue();

    assertThat(run("baseline", "reset", "nginx:1.27-alpine", "--data-dir", dataDir.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("no baseline for image nginx:1.27-alpine");
  }

  @Test
  void reset_withoutImage_isAUsageError() {
    assertThat(run("baseline", "reset", "--data-dir", dataDir.toString())).isEqualTo(2);
  }
}
