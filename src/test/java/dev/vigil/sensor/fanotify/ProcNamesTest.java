package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Process names from /proc, with a child process of the test as the subject. */
class ProcNamesTest {

  private final ProcNames names = new ProcNames();
  private Process child;
  private int pid;

  @BeforeEach
  void start() throws Exception {
    child = new ProcessBuilder("sleep", "30").start();
    pid = (int) child.pid();
    long end = System.nanoTime() + 5_000_000_000L;
    while (!new ProcNames().name(pid).equals("sleep") && System.nanoTime() < end) {
      Thread.sleep(20); // until the child has exec'd sleep
    }
  }

  @AfterEach
  void stop() {
    child.destroyForcibly();
  }

  @Test
  void nameIsReadOnce_andReusedForTheTtl_thenReadAgain() {
    names.batch(1_000_000_000L);
    assertThat(names.name(pid)).isEqualTo("sleep");
    names.batch(1_000_000_000L + ProcNames.TTL_NANOS - 1);
    assertThat(names.name(pid)).isEqualTo("sleep");
    assertThat(names.reads()).isEqualTo(1);

    names.batch(1_000_000_000L + ProcNames.TTL_NANOS);
    assertThat(names.name(pid)).isEqualTo("sleep");
    assertThat(names.reads()).isEqualTo(2);
  }

  @Test
  void exec_readsAfresh_withoutCaching_soTheNextEventReadsAgain() {
    names.batch(0);
    names.name(pid);
    assertThat(names.fresh(pid)).isEqualTo("sleep");
    assertThat(names.name(pid)).isEqualTo("sleep");
    assertThat(names.name(pid)).isEqualTo("sleep");

    assertThat(names.reads()).isEqualTo(3);
  }

  @Test
  void goneOrInvalidProcesses_haveNoName() throws Exception {
    child.destroyForcibly().waitFor();
    names.batch(0);

    assertThat(names.name(pid)).isEmpty();
    assertThat(names.name(0)).isEmpty();
    assertThat(names.fresh(-1)).isEmpty();
  }
}
