package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.Event;
import dev.vigil.event.SensorNotice;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Losses become metrics at once and notices at most once a second, with counts that add up. */
class LossReporterTest {

  private static final long SECOND = 1_000_000_000L;
  private final List<Event> out = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private final LossReporter r = new LossReporter("kernel.proc", e -> out.add(e),
      Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC), metrics);

  @Test
  void exactLoss_isOneOverflowNoticeWithTheCount_rateLimited() {
    long now = System.nanoTime();
    r.overflow();
    r.lost(37);
    r.flush(now);
    assertThat(out).singleElement().isInstanceOfSatisfying(SensorNotice.class, n -> {
      assertThat(n.what()).isEqualTo("overflow");
      assertThat(n.count()).isEqualTo(37);
      assertThat(n.container().isHost()).isTrue();
      assertThat(n.sensor()).isEqualTo("kernel.proc");
    });
    r.lost(5);
    r.flush(now + SECOND / 2);
    assertThat(out).hasSize(1);
    r.flush(now + SECOND);
    assertThat(((SensorNotice) out.get(1)).count()).isEqualTo(5);
    assertThat(metrics.count("vigil.proc.lost", "sensor", "kernel.proc")).isEqualTo(42);
    assertThat(metrics.count("vigil.proc.overflows", "sensor", "kernel.proc")).isEqualTo(1);
    assertThat(r.lostTotal()).isEqualTo(42);
  }

  @Test
  void overflowWithoutAGap_waitsForTheExactCount_thenReportsTheOverflows() {
    long now = System.nanoTime();
    r.overflow();
    r.flush(now);
    assertThat(out).isEmpty();
    r.flush(now + 2 * SECOND);
    assertThat(out).singleElement().isInstanceOfSatisfying(SensorNotice.class,
        n -> assertThat(n.count()).isEqualTo(1));
  }

  @Test
  void vanishedProcesses_areUnreadableNotices() {
    r.vanished();
    r.vanished();
    r.flush(System.nanoTime());
    assertThat(out).singleElement().isInstanceOfSatisfying(SensorNotice.class, n -> {
      assertThat(n.what()).isEqualTo("unreadable");
      assertThat(n.count()).isEqualTo(2);
    });
    assertThat(metrics.count("vigil.proc.vanished", "sensor", "kernel.proc")).isEqualTo(2);
  }
}
