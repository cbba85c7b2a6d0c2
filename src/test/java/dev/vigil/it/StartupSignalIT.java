package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** SIGTERM during start-up (here: while waiting for an engine that never comes) ends the agent at once. */
class StartupSignalIT {

  @Test
  void sigtermWhileWaitingForTheEngine_exitsWithin2s_with143() throws Exception {
    try (Agent a = Agent.start("monitor", "-H", "unix:///tmp/vigil-it-never.sock", "--wait-for-engine")) {
      a.awaitLog(l -> l.contains("waiting for the engine"), Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      int code = a.stop();
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertThat(code).isEqualTo(143);
      assertThat(millis).as(a.stderrText()).isLessThan(2_000);
      assertThat(a.stderrText()).doesNotContain("Exception");
    }
  }
}
