package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.FileOpen;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's per-event handling with real descriptors but without fanotify: a temporary directory plays a
 * container's MergedDir, and the test opens files in it as the kernel would for an event.
 */
class FanotifyReaderTest {

  private static final ContainerRef C = new ContainerRef("c".repeat(64), "web", "img", "1", "");
  @TempDir
  Path merged;
  private final List<Event> out = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private final ContainerMarks marks = new ContainerMarks(1_000_000_000L);
  private final NoticeThrottle notices = new NoticeThrottle("kernel.fanotify", out::add, Clock.systemUTC(),
      1_000_000_000L).kind(FanotifyReader.OVERFLOW, "").kind(FanotifyReader.UNREADABLE, "");
  private FanotifyReader reader;
  private Process child;

  @BeforeEach
  void setUp() throws Exception {
    reader = new FanotifyReader(null, marks, out::add, Clock.systemUTC(), metrics, notices,
        PermissionDecider.ALLOW_ALL, "kernel.fanotify");
    Files.createDirectories(merged.resolve("etc"));
    Files.writeString(merged.resolve("etc/shadow"), "root:x:::\n");
    child = new ProcessBuilder("sleep", "30").start();
  }

  @AfterEach
  void tearDown() {
    child.destroyForcibly();
  }

  private int open(Path p) {
    int fd = LibC.open(LibC.directCString(p.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC);
    assertThat(fd).isNotNegative();
    return fd;
  }

  private void markMerged() {
    long dev = FanotifyGroup.deviceOf(merged.toString());
    marks.add(new ContainerMarks.Mark(C, merged.toString(), merged.toString(), dev, 0));
  }

  private List<FileOpen> opens() {
    return out.stream().filter(FileOpen.class::isInstance).map(FileOpen.class::cast).toList();
  }

  /**
   * True while {@code fd} still refers to a file of this test's temporary tree: other threads of the test JVM may
   * reuse the number as soon as the reader closes it, so the number alone proves nothing.
   */
  private boolean isOpen(int fd) {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).startsWith(merged.getParent());
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void eventOfAContainerFile_becomesOneFileOpenPerModeBit_withPathInsideAndProcessName_fdClosed() throws Exception {
    markMerged();
    int fd = open(merged.resolve("etc/shadow"));
    int pid = (int) child.pid();
    Thread.sleep(200); // let the child exec sleep, so its name is "sleep"

    reader.event(Fanotify.FAN_OPEN_EXEC | Fanotify.FAN_CLOSE_NOWRITE | Fanotify.FAN_CLOSE_WRITE, fd, pid);

    assertThat(isOpen(fd)).isFalse();
    assertThat(opens()).extracting(FileOpen::mode).containsExactly(FileOpen.Mode.EXEC, FileOpen.Mode.READ,
        FileOpen.Mode.WRITE);
    assertThat(opens()).allSatisfy(f -> {
      assertThat(f.path()).isEqualTo("/etc/shadow");
      assertThat(f.container()).isEqualTo(C);
      assertThat(f.pid()).isEqualTo(pid);
      assertThat(f.procName()).isEqualTo("sleep");
      assertThat(f.sensor()).isEqualTo("kernel.fanotify");
    });
  }

  @Test
  void sameFileTwiceInABatch_resolvesTheSame() {
    markMerged();
    int pid = (int) child.pid();
    reader.event(Fanotify.FAN_CLOSE_NOWRITE, open(merged.resolve("etc/shadow")), pid);
    reader.event(Fanotify.FAN_CLOSE_NOWRITE, open(merged.resolve("etc/shadow")), pid);

    assertThat(opens()).extracting(FileOpen::path).containsExactly("/etc/shadow", "/etc/shadow");
  }

  @Test
  void ownEvents_areDropped_fdStillClosed() {
    markMerged();
    int fd = open(merged.resolve("etc/shadow"));

    reader.event(Fanotify.FAN_CLOSE_NOWRITE, fd, (int) ProcessHandle.current().pid());

    assertThat(out).isEmpty();
    assertThat(isOpen(fd)).isFalse();
  }

  @Test
  void fileOfNoMarkedContainer_isCountedUnreadable_andNoticed() {
    int fd = open(merged.resolve("etc/shadow"));

    reader.event(Fanotify.FAN_CLOSE_WRITE, fd, (int) child.pid());
    notices.flush(System.nanoTime());

    assertThat(isOpen(fd)).isFalse();
    assertThat(opens()).isEmpty();
    assertThat(metrics.count("vigil.sensor.unreadable", "sensor", "kernel.fanotify")).isEqualTo(1);
    SensorNotice n = (SensorNotice) out.get(0);
    assertThat(n.what()).isEqualTo("unreadable");
    assertThat(n.count()).isEqualTo(1);
    assertThat(n.message()).contains("not a marked container filesystem");
  }

  @Test
  void overflowAndMissingDescriptorAndMalformedData_areCountedAndNoticed() {
    reader.event(Fanotify.FAN_Q_OVERFLOW, Fanotify.FAN_NOFD, 0);
    reader.event(Fanotify.FAN_CLOSE_WRITE, Fanotify.FAN_NOFD, 42);
    reader.malformed("metadata version 2, expected 3");
    notices.flush(System.nanoTime());

    assertThat(metrics.count("vigil.sensor.overflow", "sensor", "kernel.fanotify")).isEqualTo(1);
    assertThat(metrics.count("vigil.sensor.unreadable", "sensor", "kernel.fanotify")).isEqualTo(2);
    assertThat(out).map(e -> (SensorNotice) e).extracting(SensorNotice::what, SensorNotice::count)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("overflow", 1L),
            org.assertj.core.groups.Tuple.tuple("unreadable", 2L));
    assertThat(out).allMatch(e -> e.container().equals(ContainerRef.HOST));
  }
}
