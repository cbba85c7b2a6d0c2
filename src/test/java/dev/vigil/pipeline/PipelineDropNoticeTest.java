package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.LogLine;
import dev.vigil.event.SensorNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PipelineDropNoticeTest {

  @Test
  void droppedEvents_areReportedToTheHandlerAsOneNoticeWithTheirCount() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Event> seen = new CopyOnWriteArrayList<>();
    Pipeline p = new Pipeline(4, e -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
      seen.add(e);
    }, Metrics.inMemory());
    p.start();
    for (int i = 0; i < 20; i++) {
      p.offer(new LogLine(Instant.EPOCH, ContainerRef.HOST, "docker.logs", LogLine.Stream.STDOUT, "l" + i, false, 2));
    }
    long dropped = p.dropped();
    assertThat(dropped).isPositive();
    release.countDown();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // the dispatcher may raise a first notice while the offers are still dropping (it took event 0 concurrently),
    // then the rest a second later: what must hold is that the notices account for every drop, at most one a second
    while (noticed(seen) < dropped && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    p.close();
    List<SensorNotice> notices = seen.stream().filter(SensorNotice.class::isInstance).map(SensorNotice.class::cast)
        .toList();
    assertThat(notices).isNotEmpty().hasSizeLessThanOrEqualTo(2).allSatisfy(n -> {
      assertThat(n.what()).isEqualTo("dropped");
      assertThat(n.sensor()).isEqualTo("pipeline");
      assertThat(n.count()).isPositive();
    });
    assertThat(noticed(seen)).isEqualTo(dropped);
    if (notices.size() == 2) {
      assertThat(Duration.between(notices.get(0).time(), notices.get(1).time())).isGreaterThanOrEqualTo(
          Duration.ofMillis(900)); // rate limit (stamps are taken just after the check)
    }
  }

  private static long noticed(List<Event> seen) {
    return seen.stream().filter(SensorNotice.class::isInstance).mapToLong(e -> ((SensorNotice) e).count()).sum();
  }
}
