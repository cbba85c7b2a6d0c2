package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerRef;
import dev.vigil.sensor.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path lookups of event descriptors with real files: a temporary directory stands for a container's MergedDir
 * (opened from the host, as a host process would), and a fake stands for the {@link RenameWatch}.
 */
class EventFilesTest {

  private static final ContainerRef C = new ContainerRef("c".repeat(64), "web", "img", "1", "");

  /** Counts generations by hand and remembers which directories were watched. */
  private static final class FakeRenames implements EventFiles.Renames {
    long generation;
    int generationCalls;
    boolean refuse;
    final Set<String> marked = new HashSet<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public long generation() {
      generationCalls++;
      return generation;
    }

    @Override
    public int watchParents(String root, String path) {
      calls.add(path);
      if (refuse) {
        return -1;
      }
      int added = 0;
      for (int end = 0; end >= 0; end = path.indexOf('/', end + 1)) {
        added += marked.add(root + path.substring(0, end)) ? 1 : 0;
      }
      return added;
    }
  }

  @TempDir
  Path dir;
  private final FakeRenames renames = new FakeRenames();
  private final EventFiles files = new EventFiles(renames);
  private final List<Integer> open = new ArrayList<>();

  @AfterEach
  void closeAll() {
    open.forEach(LibC::close);
    files.close();
  }

  private ContainerMarks.Mark mark(boolean renamesWatched) {
    return new ContainerMarks.Mark(C, dir.toString(), dir.toString(), 1, 0, renamesWatched);
  }

  /** Opens {@code p} as the kernel does for an event and looks its path up as the reader does. */
  private String lookUp(EventFiles f, Path p, ContainerMarks.Mark m) {
    int fd = LibC.open(LibC.directCString(p.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC);
    assertThat(fd).isNotNegative();
    open.add(fd);
    assertThat(f.stat(fd)).isTrue();
    return f.path(fd, m);
  }

  private String lookUp(Path p, ContainerMarks.Mark m) {
    return lookUp(files, p, m);
  }

  private Path file(String name) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x");
    return p;
  }

  @Test
  void remembered_afterItsDirectoriesAreWatched_untilTheGenerationMoves() throws Exception {
    Path f = file("a/f");
    assertThat(lookUp(f, mark(true))).isEqualTo(dir + "/a/f");
    assertThat(renames.calls).containsExactly("/a/f");
    assertThat(renames.marked).containsExactlyInAnyOrder(dir.toString(), dir + "/a");
    files.clear();
    Files.move(dir.resolve("a"), dir.resolve("b"));

    // Not reported (the fake does not see renames): the remembered path answers, no readlink.
    assertThat(lookUp(dir.resolve("b/f"), mark(true))).isEqualTo(dir + "/a/f");
    assertThat(files.rememberedHits()).isEqualTo(1);
    files.clear();

    renames.generation++;
    assertThat(lookUp(dir.resolve("b/f"), mark(true))).isEqualTo(dir + "/b/f");
    assertThat(files.rememberedHits()).isEqualTo(1);
  }

  @Test
  void generationIsAskedOncePerBatch() throws Exception {
    Path f = file("a/f");
    for (int batch = 0; batch < 3; batch++) {
      for (int i = 0; i < 4; i++) {
        assertThat(lookUp(f, mark(true))).isEqualTo(f.toString());
      }
      files.clear();
    }

    assertThat(renames.generationCalls).isEqualTo(3);
    assertThat(files.rememberedHits()).isEqualTo(11);
  }

  @Test
  void notRemembered_whenADirectoryCannotBeWatched() throws Exception {
    Path f = file("a/f");
    renames.refuse = true;

    assertThat(lookUp(f, mark(true))).isEqualTo(f.toString());
    files.clear();
    assertThat(lookUp(f, mark(true))).isEqualTo(f.toString());
    assertThat(files.hits()).isZero();
    assertThat(renames.calls).hasSize(2);
  }

  @Test
  void batchOnly_forFilesystemsWhoseRenamesAreNotWatched() throws Exception {
    Path f = file("a/f");
    assertThat(lookUp(f, mark(false))).isEqualTo(dir + "/a/f");
    assertThat(lookUp(f, mark(false))).isEqualTo(dir + "/a/f");
    assertThat(lookUp(f, null)).isEqualTo(dir + "/a/f");
    assertThat(files.hits()).isEqualTo(2);
    assertThat(files.rememberedHits()).isZero();
    files.clear();
    Files.move(dir.resolve("a"), dir.resolve("b"));

    assertThat(lookUp(dir.resolve("b/f"), mark(false))).isEqualTo(dir + "/b/f");
    assertThat(renames.calls).isEmpty();
    assertThat(renames.generationCalls).isZero();
  }

  @Test
  void filesWithSeveralLinks_areNeverRemembered() throws Exception {
    Path f = file("a/f");
    Files.createLink(dir.resolve("a/g"), f);

    assertThat(lookUp(f, mark(true))).isEqualTo(dir + "/a/f");
    assertThat(lookUp(dir.resolve("a/g"), mark(true))).isEqualTo(dir + "/a/g");
    assertThat(files.hits()).isZero();
    assertThat(renames.calls).isEmpty();
  }

  @Test
  void forgetRemembered_dropsPathsKeptAcrossBatches() throws Exception {
    Path f = file("a/f");
    lookUp(f, mark(true));
    files.clear();
    Files.move(dir.resolve("a"), dir.resolve("b"));
    files.forgetRemembered();

    assertThat(lookUp(dir.resolve("b/f"), mark(true))).isEqualTo(dir + "/b/f");
  }

  @Test
  void withoutAWatch_pathsAreKeptForOneBatchOnly() throws Exception {
    try (EventFiles plain = new EventFiles()) {
      Path f = file("a/f");
      assertThat(lookUp(plain, f, mark(true))).isEqualTo(f.toString());
      plain.clear();
      Files.move(dir.resolve("a"), dir.resolve("b"));

      assertThat(lookUp(plain, dir.resolve("b/f"), mark(true))).isEqualTo(dir + "/b/f");
      assertThat(plain.hits()).isZero();
    }
  }
}
