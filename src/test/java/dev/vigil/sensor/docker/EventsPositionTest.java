package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved events position: the file itself, and where a restarted agent resumes from. */
class EventsPositionTest {

  private static final long NOW = 1_795_941_481_123_456_789L;
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir
  Path dir;

  @Test
  void written_thenRead_keepsTimeAndCleanFlag_modeIs0600_noTemporaryFileLeft() throws IOException {
    EventsPosition p = new EventsPosition(dir);
    p.write(NOW, NOW + 7, false);
    assertThat(p.read()).isEqualTo(new EventsPosition.Saved(NOW, NOW + 7, false));
    p.write(NOW + 5, NOW + 9, true);
    assertThat(p.read()).isEqualTo(new EventsPosition.Saved(NOW + 5, NOW + 9, true));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(EventsPosition.FILE))))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly(EventsPosition.FILE);
    }
  }

  @Test
  void writtenIntoMissingDataDir_createsIt() throws IOException {
    EventsPosition p = new EventsPosition(dir.resolve("data"));
    p.write(NOW, NOW, true);
    assertThat(p.read().timeNano()).isEqualTo(NOW);
  }

  @Test
  void noFile_readsAsNull_damagedFile_isAnError() throws IOException {
    EventsPosition p = new EventsPosition(dir);
    assertThat(p.read()).isNull();
    Files.writeString(dir.resolve(EventsPosition.FILE), "{\"time_nano\": \"yesterday\"");
    assertThatThrownBy(p::read).isInstanceOf(IOException.class);
    Files.writeString(dir.resolve(EventsPosition.FILE), "{\"time_nano\": 5}");
    assertThat(p.read()).as("a file without alive_nano: alive when its last event came")
        .isEqualTo(new EventsPosition.Saved(5, 5, false));
    Files.writeString(dir.resolve(EventsPosition.FILE), "{\"clean\": true}");
    assertThatThrownBy(p::read).isInstanceOf(IOException.class).hasMessageContaining("time_nano");
  }

  @Test
  void positionWithinMaxGap_resumesJustAfterIt_andReplays() {
    long saved = NOW - Duration.ofMinutes(10).toNanos();
    EventsPosition.Resume r = EventsPosition.decide(new EventsPosition.Saved(saved, saved, false), null, true, NOW,
        HOUR);
    assertThat(r.sinceNano()).isEqualTo(saved + 1);
    assertThat(r.replaying()).isTrue();
    assertThat(r.blind()).isFalse();
    assertThat(r.message()).contains("down for 10m00s", "unclean stop");
  }

  @Test
  void idleHost_lastEventOld_butAgentAliveRecently_isNoGap_andReplaysFromTheLastEvent() {
    long lastEvent = NOW - Duration.ofHours(5).toNanos();
    long alive = NOW - Duration.ofSeconds(20).toNanos();
    EventsPosition.Resume r = EventsPosition.decide(new EventsPosition.Saved(lastEvent, alive, true), null, true,
        NOW, HOUR);
    assertThat(r.blind()).isFalse();
    assertThat(r.sinceNano()).isEqualTo(lastEvent + 1);
    assertThat(r.message()).contains("down for 20.0s");
  }

  @Test
  void positionExactlyMaxGapOld_isStillReplayed_oneNanosecondMore_isAGap() {
    long saved = NOW - HOUR.toNanos();
    assertThat(EventsPosition.decide(new EventsPosition.Saved(saved, saved, true), null, true, NOW, HOUR)
        .replaying()).isTrue();
    EventsPosition.Resume r = EventsPosition.decide(new EventsPosition.Saved(saved - 1, saved - 1, true), null, true,
        NOW, HOUR);
    assertThat(r.replaying()).isFalse();
    assertThat(r.sinceNano()).isEqualTo(NOW);
    assertThat(r.notice()).isEqualTo("gap");
    assertThat(r.gap()).isEqualTo(Duration.ofNanos(HOUR.toNanos() + 1));
    assertThat(r.message()).contains("1h00m", "maximum gap of 1h00m", "starting from now");
  }

  @Test
  void noFile_inFreshDataDir_isAFirstStart_withoutNotice() {
    EventsPosition.Resume r = EventsPosition.decide(null, null, false, NOW, HOUR);
    assertThat(r.sinceNano()).isEqualTo(NOW);
    assertThat(r.blind()).isFalse();
    assertThat(r.replaying()).isFalse();
  }

  @Test
  void noFile_whereAnEarlierAgentRan_orUnreadableFile_isPositionLost() {
    EventsPosition.Resume lost = EventsPosition.decide(null, null, true, NOW, HOUR);
    assertThat(lost.notice()).isEqualTo("position_lost");
    assertThat(lost.sinceNano()).isEqualTo(NOW);
    EventsPosition.Resume damaged = EventsPosition.decide(null, "bad JSON", true, NOW, HOUR);
    assertThat(damaged.notice()).isEqualTo("position_lost");
    assertThat(damaged.message()).contains("bad JSON");
  }

  @Test
  void positionInTheFuture_startsFromNow_withoutNotice() {
    EventsPosition.Resume r = EventsPosition.decide(new EventsPosition.Saved(NOW + 5, NOW + 5, true), null, true,
        NOW, HOUR);
    assertThat(r.sinceNano()).isEqualTo(NOW);
    assertThat(r.blind()).isFalse();
  }

  @Test
  void resume_readsTheFileAndTheStatusMark() throws IOException {
    EventsPosition p = new EventsPosition(dir);
    assertThat(p.resume(NOW, HOUR).blind()).isFalse(); // fresh
    Files.writeString(dir.resolve("status.json"), "{}");
    assertThat(p.resume(NOW, HOUR).notice()).isEqualTo("position_lost");
    p.write(NOW - 1000, NOW - 500, true);
    assertThat(p.resume(NOW, HOUR).sinceNano()).isEqualTo(NOW - 999);
    Files.writeString(dir.resolve(EventsPosition.FILE), "not json at all");
    assertThat(p.resume(NOW, HOUR).notice()).isEqualTo("position_lost");
  }
}
