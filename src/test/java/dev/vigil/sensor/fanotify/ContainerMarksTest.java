package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerRef;
import org.junit.jupiter.api.Test;

class ContainerMarksTest {

  private static final String A_DIR = "/var/lib/docker/overlay2/aaaa/merged";
  private static final String B_DIR = "/var/lib/docker/overlay2/aaaa/merged-b";
  private static final ContainerRef A = new ContainerRef("a".repeat(64), "a", "img", "1", "");
  private static final ContainerRef B = new ContainerRef("b".repeat(64), "b", "img", "1", "");
  private final ContainerMarks marks = new ContainerMarks(1_000);

  private void addBoth() {
    marks.add(new ContainerMarks.Mark(A, A_DIR, A_DIR, 61, 0));
    marks.add(new ContainerMarks.Mark(B, B_DIR, B_DIR, 62, 0));
  }

  @Test
  void containerProcessPaths_areAlreadyInsideTheContainer_deviceDecides() {
    addBoth();

    assertThat(marks.resolve(61, "/etc/shadow")).isEqualTo(new ContainerMarks.Resolved(A, "/etc/shadow"));
    assertThat(marks.resolve(62, "/etc/shadow")).isEqualTo(new ContainerMarks.Resolved(B, "/etc/shadow"));
  }

  @Test
  void hostPathsThroughMergedDir_loseThePrefix() {
    addBoth();

    assertThat(marks.resolve(61, A_DIR + "/root/.ssh/authorized_keys"))
        .isEqualTo(new ContainerMarks.Resolved(A, "/root/.ssh/authorized_keys"));
    assertThat(marks.resolve(61, A_DIR)).isEqualTo(new ContainerMarks.Resolved(A, "/"));
  }

  @Test
  void unknownDevice_fallsBackToLongestMergedDirPrefix_onPathBoundaries() {
    addBoth();

    assertThat(marks.resolve(-1, B_DIR + "/etc/passwd")).isEqualTo(new ContainerMarks.Resolved(B, "/etc/passwd"));
    assertThat(marks.resolve(99, A_DIR + "/etc/passwd")).isEqualTo(new ContainerMarks.Resolved(A, "/etc/passwd"));
    assertThat(marks.resolve(99, A_DIR + "x/etc/passwd")).isNull();
    assertThat(marks.resolve(99, "/etc/passwd")).isNull();
  }

  @Test
  void nonPaths_andDeletedSuffix() {
    addBoth();

    assertThat(marks.resolve(61, "anon_inode:[eventfd]")).isNull();
    assertThat(marks.resolve(61, "")).isNull();
    assertThat(marks.resolve(61, "/tmp/x (deleted)")).isEqualTo(new ContainerMarks.Resolved(A, "/tmp/x"));
  }

  @Test
  void strip_onlyAtSeparator() {
    assertThat(ContainerMarks.strip("/m", "/m/a")).isEqualTo("/a");
    assertThat(ContainerMarks.strip("/m", "/m")).isEqualTo("/");
    assertThat(ContainerMarks.strip("/m", "/ma")).isNull();
    assertThat(ContainerMarks.strip("/m", "/x/m/a")).isNull();
  }

  @Test
  void retiredMark_resolvesDuringGrace_thenIsSwept() {
    addBoth();
    marks.retire(A.id(), 10);

    assertThat(marks.live(A.id())).isEmpty();
    assertThat(marks.resolve(61, "/etc/passwd")).isNotNull();
    marks.sweep(10 + 500);
    assertThat(marks.resolve(61, "/etc/passwd")).isNotNull();
    marks.sweep(10 + 1_001);
    assertThat(marks.resolve(61, "/etc/passwd")).isNull();
    assertThat(marks.resolve(-1, A_DIR + "/etc/passwd")).isNull();
    assertThat(marks.live()).extracting(m -> m.container().name()).containsExactly("b");
  }

  @Test
  void recycledDevice_belongsToTheNewContainer() {
    marks.add(new ContainerMarks.Mark(A, A_DIR, A_DIR, 61, 0));
    marks.retire(A.id(), 10);
    marks.add(new ContainerMarks.Mark(B, B_DIR, B_DIR, 61, 0));

    assertThat(marks.resolve(61, "/etc/passwd").container()).isEqualTo(B);
    marks.sweep(Long.MAX_VALUE);
    assertThat(marks.resolve(61, "/etc/passwd").container()).isEqualTo(B);
  }

  @Test
  void restartedContainer_newDeviceReplacesOld() {
    marks.add(new ContainerMarks.Mark(A, A_DIR, A_DIR, 61, 0));
    marks.add(new ContainerMarks.Mark(A, A_DIR, A_DIR, 70, 0));

    assertThat(marks.resolve(70, "/x").container()).isEqualTo(A);
    assertThat(marks.resolve(61, "/x")).isNull();
  }

  @Test
  void version_movesWithEveryChangeOfTheMarks() {
    long v0 = marks.version();
    addBoth();
    long v1 = marks.version();
    marks.retire(A.id(), 5_000);
    long v2 = marks.version();
    marks.sweep(5_500);
    long v3 = marks.version();
    marks.sweep(7_000);
    long v4 = marks.version();

    assertThat(v1).isGreaterThan(v0);
    assertThat(v2).isGreaterThan(v1);
    assertThat(v3).as("nothing old enough to drop").isEqualTo(v2);
    assertThat(v4).isGreaterThan(v3);
  }

  @Test
  void renamesWatched_isKeptWhenRetired_andLookupByDevice() {
    marks.add(new ContainerMarks.Mark(A, A_DIR, A_DIR, 61, 0, true));

    assertThat(marks.mark(61).renamesWatched()).isTrue();
    marks.retire(A.id(), 1);
    assertThat(marks.mark(61).renamesWatched()).isTrue();
    assertThat(marks.mark(61).isRetired()).isTrue();
    assertThat(marks.mark(-1)).isNull();
    assertThat(marks.mark(99)).isNull();
  }
}
