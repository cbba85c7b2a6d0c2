package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.LogLine;
import dev.vigil.event.SensorNotice;
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
    while (seen.stream().noneMatch(SensorNotice.class::isInstance) && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    p.close();
    List<SensorNotice> notices = seen.stream().filter(SensorNotice.class::isInstance).map(SensorNotice.class::cast)
        .toList();
    assertThat(notices).singleElement().satisfies(n -> {
      assertThat(n.what()).isEqualTo("dropped");
      assertThat(n.count()).isEqualTo(dropped);
      assertThat(n.sensor()).isEqualTo("pipeline");
    });
  }
}
