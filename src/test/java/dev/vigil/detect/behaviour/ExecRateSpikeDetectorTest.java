package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExecRateSpikeDetectorTest {

  private final Fixture f = new Fixture();
  private final ContainerRef c = f.container("app");

  private ExecRateSpikeDetector detector() {
    ExecRateSpikeDetector d = new ExecRateSpikeDetector(ExecRateSpikeConfig.defaults(), f.context());
    f.feed(d, f.lifecycle(c, "start"));
    return d;
  }

  /** Stats samples only (the heartbeat that moves the buckets), for {@code seconds}. */
  private void idle(ExecRateSpikeDetector d, int seconds) {
    for (int s = 0; s < seconds; s += 5) {
      f.advanceSeconds(5);
      f.feed(d, f.cpu(c, 1));
    }
  }

  private void burst(ExecRateSpikeDetector d, int n, Duration spacing, ExecOrigin origin) {
    for (int i = 0; i < n; i++) {
      f.feed(d, f.exec(c, origin, "nc", "nc", "127.0.0.1", Integer.toString(i + 1)));
      f.advance(spacing);
    }
  }

  @Test
  void containerThatNeverExecs_thenRunsAShellLoop_alerts() {
    ExecRateSpikeDetector d = detector();
    idle(d, 90);
    burst(d, 99, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    assertThat(f.alerts).isEmpty();
    burst(d, 200, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    assertThat(f.alerts).hasSize(1);
    Alert a = f.alerts.get(0);
    assertThat(a.rule()).isEqualTo(ExecRateSpikeDetector.RULE);
    assertThat(a.priority()).isEqualTo(Priority.NOTICE);
    assertThat(a.tags()).contains("T1059");
    assertThat(a.outputFields()).containsEntry("vigil.exec.count", 100)
        .containsEntry("vigil.exec.baseline", 0.0)
        .containsEntry("vigil.exec.window_s", 60L)
        .containsEntry("proc.name", "nc")
        .containsEntry("vigil.exec.recent_procs", "nc,nc,nc,nc");
  }

  @Test
  void steadyExecsFromTheStart_areTheBaseline() {
    ExecRateSpikeDetector d = detector();
    for (int s = 0; s < 900; s++) { // a shell loop doing 3 execs a second, from its start
      f.advanceSeconds(1);
      for (int i = 0; i < 3; i++) {
        f.feed(d, f.exec(c, "date", "date"));
      }
    }
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void noAlertWhileLearning() {
    ExecRateSpikeDetector d = detector();
    burst(d, 500, Duration.ofMillis(10), ExecOrigin.CONTAINER); // an entrypoint script's burst
    idle(d, 60);
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void spikeMustBeAFactorOfTheBaseline() {
    ExecRateSpikeDetector d = detector();
    for (int s = 0; s < 120; s++) { // 20 execs per 10 s: 120 per window
      f.advance(Duration.ofMillis(500));
      f.feed(d, f.exec(c, "sh", "sh", "-c", "true"));
    }
    burst(d, 300, Duration.ofMillis(10), ExecOrigin.CONTAINER); // ~420 in the window: < 10x of 120
    assertThat(f.alerts).isEmpty();
    burst(d, 1000, Duration.ofMillis(5), ExecOrigin.CONTAINER);
    assertThat(f.alerts).hasSize(1);
  }

  @Test
  void oneAlertPerEpisode_resetAndRearm() {
    ExecRateSpikeDetector d = detector();
    idle(d, 90);
    burst(d, 300, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    idle(d, 30);
    burst(d, 300, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC); // within the reset period
    assertThat(f.alerts).hasSize(1);
    idle(d, 120);
    burst(d, 300, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    assertThat(f.alerts).hasSize(2);
    assertThat(f.alerts.get(1).outputFields().get("vigil.exec.baseline")).isEqualTo(0.0);
  }

  @Test
  void healthchecks_areNotCounted() {
    ExecRateSpikeDetector d = detector();
    idle(d, 90);
    burst(d, 300, Duration.ofMillis(20), ExecOrigin.HEALTHCHECK);
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void containerGoneMidWindow_losesItsCounts() {
    ExecRateSpikeDetector d = detector();
    idle(d, 90);
    burst(d, 80, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    f.feed(d, f.lifecycle(c, "destroy"));
    assertThat(d.tracked()).isZero();
    burst(d, 80, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    assertThat(f.alerts).isEmpty();
  }

  @Test
  void longGap_countsAsEmptyBuckets() {
    ExecRateSpikeDetector d = detector();
    for (int s = 0; s < 120; s++) { // 2 execs per second for two minutes
      f.advance(Duration.ofMillis(500));
      f.feed(d, f.exec(c, "sh", "sh"));
    }
    f.advance(Duration.ofHours(10)); // no stats in between: the gap is one decay step
    burst(d, 150, Duration.ofMillis(20), ExecOrigin.DOCKER_EXEC);
    assertThat(f.alerts).hasSize(1);
    assertThat((Double) f.alerts.get(0).outputFields().get("vigil.exec.baseline")).isLessThan(1.0);
  }
}
