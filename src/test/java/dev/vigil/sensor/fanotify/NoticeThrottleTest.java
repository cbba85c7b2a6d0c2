package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.SensorNotice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticeThrottleTest {

  private static final long SECOND = 1_000_000_000L;
  private final List<Event> out = new ArrayList<>();
  private boolean accept = true;
  private final NoticeThrottle t = new NoticeThrottle("kernel.fanotify", e -> accept && out.add(e),
      Clock.systemUTC(), SECOND).kind("overflow", "raise the queue").kind("unreadable", "");

  private List<SensorNotice> notices() {
    return out.stream().map(SensorNotice.class::cast).toList();
  }

  @Test
  void firstNoticeAtOnce_thenAtMostOnePerKindPerSecond_countsSinceLastNotice() {
    t.add("unreadable", "no descriptor", 2);
    t.add("unreadable", "readlink failed", 1);
    t.flush(0);
    t.add("unreadable", "no descriptor", 5);
    t.flush(SECOND / 2);
    t.add("overflow", "kernel queue full", 1);
    t.flush(SECOND / 2);
    t.flush(SECOND + 1);

    assertThat(notices()).extracting(SensorNotice::what, SensorNotice::count)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("unreadable", 3L),
            org.assertj.core.groups.Tuple.tuple("overflow", 1L),
            org.assertj.core.groups.Tuple.tuple("unreadable", 5L));
    SensorNotice first = notices().get(0);
    assertThat(first.container()).isEqualTo(ContainerRef.HOST);
    assertThat(first.sensor()).isEqualTo("kernel.fanotify");
    assertThat(first.message()).isEqualTo("3 unreadable file events (no descriptor: 2, readlink failed: 1)");
    assertThat(notices().get(1).message()).endsWith("; raise the queue");
  }

  @Test
  void nothingCounted_noNotice() {
    t.flush(0);
    t.flush(5 * SECOND);
    assertThat(out).isEmpty();
  }

  @Test
  void refusedNotice_keepsItsCountForTheNextOne() {
    t.add("overflow", "kernel queue full", 2);
    accept = false;
    t.flush(0);
    accept = true;
    t.add("overflow", "kernel queue full", 1);
    t.flush(1);

    assertThat(notices()).hasSize(1);
    assertThat(notices().get(0).count()).isEqualTo(3);
  }
}
