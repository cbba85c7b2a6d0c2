package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerActivity;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.FileChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link DockerDiffSensor#news}, which needs no engine: the sensor is built without a connection or inventory
 * (the constructor only stores them; they are used by {@code start()} and {@code poll()}, never called here).
 */
class DockerDiffSensorTest {

  private static final Instant NOW = Instant.parse("2026-11-29T08:43:00Z");
  private static final ContainerInfo C = new ContainerInfo(
      new ContainerRef("23b5d328ee9943495312f5862d4f33d25a264a64c08b169021da557d8fcae0bd", "h3fixture",
          "vigil-test/busybox", "1", ""),
      "sha256:bcaf", Map.of(), "", false, List.of(), List.of(), List.of(), List.of(), Map.of(), 0, 0, 0,
      "overlay2", Map.of(), 4242, true, NOW, List.of("sleep", "600"), List.of(), "no");

  private final Metrics metrics = Metrics.inMemory();
  private final DockerDiffSensor sensor = new DockerDiffSensor(null, null, e -> true,
      Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(3), metrics);
  private final DockerDiffSensor.Seen seen = new DockerDiffSensor.Seen();

  private static List<String[]> raw(String... pathKind) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < pathKind.length; i += 2) {
      out.add(new String[] {pathKind[i], pathKind[i + 1]});
    }
    return out;
  }

  @Test
  void news_dockerKinds_mapToAddedModifiedDeleted() {
    List<FileChange> out = sensor.news(C, raw("/etc/passwd", "0", "/etc/evil", "1", "/etc/motd", "2"), seen);

    assertThat(out).extracting(FileChange::path, FileChange::change).containsExactly(
        org.assertj.core.groups.Tuple.tuple("/etc/passwd", FileChange.Kind.MODIFIED),
        org.assertj.core.groups.Tuple.tuple("/etc/evil", FileChange.Kind.ADDED),
        org.assertj.core.groups.Tuple.tuple("/etc/motd", FileChange.Kind.DELETED));
    assertThat(out).allSatisfy(f -> {
      assertThat(f.container()).isEqualTo(C.ref());
      assertThat(f.sensor()).isEqualTo("docker.diff");
      assertThat(f.time()).isEqualTo(NOW);
    });
  }

  @Test
  void news_modifiedParentDirectoryOfAnotherEntry_leftOut() {
    // what `docker diff` answers after `echo x > /etc/evil` and `rm /root/.profile`
    List<FileChange> out = sensor.news(C, raw("/etc", "0", "/etc/evil", "1", "/root", "0", "/root/.profile", "2"),
        seen);
    assertThat(out).extracting(FileChange::path).containsExactly("/etc/evil", "/root/.profile");
  }

  @Test
  void news_modifiedDirectoryWithoutChildEntries_reported() {
    assertThat(sensor.news(C, raw("/var/log", "0"), seen)).extracting(FileChange::path).containsExactly("/var/log");
  }

  @Test
  void news_modifiedPathThatIsOnlyAStringPrefix_reported() {
    assertThat(sensor.news(C, raw("/etc", "0", "/etcx", "1", "/etc.d", "1"), seen)).extracting(FileChange::path)
        .containsExactly("/etc", "/etcx", "/etc.d");
  }

  @Test
  void news_addedDirectoryWithAddedChildren_bothReported() {
    assertThat(sensor.news(C, raw("/tmp/x", "1", "/tmp/x/payload", "1"), seen)).extracting(FileChange::path)
        .containsExactly("/tmp/x", "/tmp/x/payload");
  }

  @Test
  void news_samePathAndKindAgain_notReported() {
    sensor.news(C, raw("/etc/evil", "1"), seen);
    assertThat(sensor.news(C, raw("/etc/evil", "1", "/tmp/x", "1"), seen))
        .extracting(FileChange::path).containsExactly("/tmp/x");
  }

  @Test
  void news_samePathNewKind_reportedAgain() {
    sensor.news(C, raw("/etc/evil", "1"), seen);
    assertThat(sensor.news(C, raw("/etc/evil", "2"), seen)).singleElement()
        .satisfies(f -> assertThat(f.change()).isEqualTo(FileChange.Kind.DELETED));
  }

  @Test
  void news_beyondMaxPaths_droppedAndCounted() {
    List<String[]> many = new ArrayList<>();
    for (int i = 0; i < DockerDiffSensor.MAX_PATHS + 3; i++) {
      many.add(new String[] {"/data/f" + i, "1"});
    }
    List<FileChange> out = sensor.news(C, many, seen);
    assertThat(out).hasSize(DockerDiffSensor.MAX_PATHS);
    assertThat(metrics.count("vigil.events.dropped", "sensor", "docker.diff")).isEqualTo(3);
  }

  @Test
  void deletionsOnly_quietContainersSkipped_untilActivityOrEveryTenthPoll() {
    ContainerActivity activity = new ContainerActivity();
    DockerDiffSensor gated = new DockerDiffSensor(null, null, e -> true, Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(30), metrics, true, activity);
    DockerDiffSensor.Seen st = new DockerDiffSensor.Seen();
    assertThat(gated.quiet(C, st)).as("first look").isFalse();
    for (int i = 0; i < DockerDiffSensor.QUIET_SKIPS; i++) {
      assertThat(gated.quiet(C, st)).as("quiet poll %d", i).isTrue();
    }
    assertThat(gated.quiet(C, st)).as("the periodic full look").isFalse();
    assertThat(gated.quiet(C, st)).isTrue();
    activity.record(new dev.vigil.event.LogLine(NOW, C.ref(), "docker.logs", dev.vigil.event.LogLine.Stream.STDOUT,
        "rm -f x", false, 7));
    assertThat(gated.quiet(C, st)).as("something happened").isFalse();
    activity.record(new dev.vigil.event.StatsSample(NOW, C.ref(), "kernel.cgroup", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
    assertThat(gated.quiet(C, st)).as("a resource sample is not activity").isTrue();

    DockerDiffSensor ungated = new DockerDiffSensor(null, null, e -> true, Clock.fixed(NOW, ZoneOffset.UTC),
        Duration.ofSeconds(3), metrics, false, activity);
    assertThat(ungated.quiet(C, new DockerDiffSensor.Seen())).as("full diff mode is never gated").isFalse();
    gated.stopped(C);
    assertThat(activity.size()).isZero();
  }
}
