package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container run assessed at start is not assessed again when its start event is replayed; a new run is. */
class StartAssessmentsTest {

  private static final Instant T = Instant.parse("2026-12-07T22:00:00.123456789Z");

  private static ContainerInfo run(String id, Instant startedAt) {
    return new ContainerInfo(new ContainerRef(id, "web", "nginx", "1", ""), "sha256:1", Map.of(), "", false,
        List.of(), List.of(), List.of(), List.of(), Map.of(), 0, 0, 0, "overlay2", Map.of(), 100, true, startedAt,
        List.of(), List.of(), "");
  }

  @Test
  void replayedStartOfTheSameRun_isAlreadyAssessed_aRestart_isNot() {
    StartAssessments s = new StartAssessments();
    assertThat(s.assessAtStart(run("a1", T))).isTrue();
    assertThat(s.assessAtStart(run("a1", T))).as("same run twice").isFalse();
    assertThat(s.alreadyAssessed(run("a1", T))).isTrue();
    assertThat(s.alreadyAssessed(run("a1", T.plusSeconds(30)))).as("restarted after the agent's start").isFalse();
    assertThat(s.alreadyAssessed(run("b2", T))).as("another container started at the same time").isFalse();
  }

  @Test
  void destroyedContainer_isForgotten_othersKept() {
    StartAssessments s = new StartAssessments();
    s.assessAtStart(run("a1", T));
    s.assessAtStart(run("a10", T));
    s.removed("a1");
    assertThat(s.alreadyAssessed(run("a1", T))).isFalse();
    assertThat(s.alreadyAssessed(run("a10", T))).isTrue();
    assertThat(s.size()).isEqualTo(1);
  }
}
