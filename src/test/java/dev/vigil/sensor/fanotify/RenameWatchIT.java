package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rename watch against the real kernel (needs CAP_SYS_ADMIN): first with a directory under the build's target
 * directory standing for a container root, then with a real container's overlay, changed from inside.
 */
class RenameWatchIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static final String C = "vigil-it-renamewatch";
  private RenameWatch watch;
  private Path dir;

  @BeforeEach
  void open() throws Exception {
    watch = RenameWatch.open();
    dir = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "renamewatch");
  }

  @AfterEach
  void close() throws Exception {
    watch.close();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void renamesAndUnlinksInWatchedDirectories_moveTheGeneration_othersDoNot() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.createDirectories(dir.resolve("other"));
    Files.writeString(dir.resolve("a/b/f"), "x");
    Files.writeString(dir.resolve("other/x"), "x");
    String root = dir.toString();

    assertThat(watch.watchParents(root, "/a/b/f")).as("root, /a, /a/b").isEqualTo(3);
    assertThat(watch.watchParents(root, "/a/b/f")).isZero();
    assertThat(watch.watchParents(root, "/a/missing/f")).isEqualTo(-1);
    long g0 = watch.generation();
    Files.move(dir.resolve("other/x"), dir.resolve("other/y"));
    Files.delete(dir.resolve("other/y"));
    assertThat(watch.generation()).as("other/ is not watched").isEqualTo(g0);

    Files.move(dir.resolve("a/b/f"), dir.resolve("a/b/g"));
    long g1 = watch.generation();
    assertThat(g1).as("file rename").isGreaterThan(g0);
    assertThat(watch.watchedDirectories()).as("forgotten: a renamed directory keeps its mark").isZero();
    assertThat(watch.watchParents(root, "/a/b/g")).as("marked again").isEqualTo(3);
    Files.move(dir.resolve("a/b"), dir.resolve("a/c"));
    long g2 = watch.generation();
    assertThat(g2).as("directory rename").isGreaterThan(g1);
    watch.watchParents(root, "/a/c/g");
    Files.delete(dir.resolve("a/c/g"));
    long g3 = watch.generation();
    assertThat(g3).as("unlink").isGreaterThan(g2);
    watch.reset();
    assertThat(watch.generation()).as("reset").isGreaterThan(g3);
    assertThat(watch.invalidations()).isEqualTo(3);
  }

  @Test
  void overlayDirectories_markedThroughTheMergedDir_reportRenamesMadeInTheContainer() throws Exception {
    docker("rm", "-f", C);
    try {
      String id = docker("run", "-d", "--name", C, "--network", "none", IMAGE, "sh", "-c",
          "mkdir -p /tmp/d && echo x > /tmp/d/f && sleep 60");
      assertThat(id).hasSize(64);
      String merged = docker("inspect", "-f", "{{.GraphDriver.Data.MergedDir}}", C);
      long until = System.nanoTime() + 10_000_000_000L;
      while (!Files.exists(Path.of(merged, "tmp/d/f")) && System.nanoTime() < until) {
        Thread.sleep(100);
      }

      assertThat(watch.watchParents(merged, "/tmp/d/f")).isEqualTo(3);
      long g0 = watch.generation();
      docker("exec", C, "sh", "-c", "mkdir -p /var/x && touch /var/x/y && rm /var/x/y");
      assertThat(watch.generation()).as("/var/x is not watched").isEqualTo(g0);
      docker("exec", C, "mv", "/tmp/d/f", "/tmp/d/g");
      assertThat(watch.generation()).as("rename inside the container").isGreaterThan(g0);
    } finally {
      docker("rm", "-f", C);
    }
  }

  private static String docker(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.trim();
  }
}
