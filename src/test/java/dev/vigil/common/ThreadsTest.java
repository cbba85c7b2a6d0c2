package dev.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadsTest {

  @Test
  void daemonThreadsAreNamedAndNotStarted() {
    Thread t = Threads.daemon("vigil-test", () -> {});
    assertThat(t.getName()).isEqualTo("vigil-test");
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getState()).isEqualTo(Thread.State.NEW);
  }

  @Test
  void startRunsTheTaskOnANamedDaemonThread() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    String[] seen = new String[1];
    Thread t = Threads.start("vigil-started", () -> {
      seen[0] = Thread.currentThread().getName();
      ran.countDown();
    });
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    t.join(5000);
    assertThat(seen[0]).isEqualTo("vigil-started");
    assertThat(t.isDaemon()).isTrue();
  }

  @Test
  void factoriesNameEveryThread() {
    ThreadFactory one = Threads.daemon("vigil-tick");
    assertThat(one.newThread(() -> {}).getName()).isEqualTo("vigil-tick");
    assertThat(one.newThread(() -> {}).isDaemon()).isTrue();
    ThreadFactory pool = Threads.numbered("vigil-pool");
    assertThat(pool.newThread(() -> {}).getName()).isEqualTo("vigil-pool-1");
    assertThat(pool.newThread(() -> {}).getName()).isEqualTo("vigil-pool-2");
    assertThat(pool.newThread(() -> {}).isDaemon()).isTrue();
  }
}
