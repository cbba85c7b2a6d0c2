package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.Event;
import dev.vigil.event.SensorNotice;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The connector against the real kernel: fork/exec/exit of a process this test starts arrive in order with its
 * pid, and a receive buffer too small for a burst loses events visibly - ENOBUFS and an exact count - never
 * silently. Runs host processes only (no containers, no network).
 */
class NetlinkProcConnectorIT {

  /** Records what the connector delivers. */
  private static final class Recorder implements NetlinkProcConnector.Listener {
    final List<ProcEvent> events = new ArrayList<>();
    long lost;
    int overflows;

    @Override
    public void event(ProcEvent e) {
      events.add(e);
    }

    @Override
    public void lost(long count) {
      lost += count;
    }

    @Override
    public void overflow() {
      overflows++;
    }
  }

  @Test
  void forkExecExitOfAChildProcess_arriveWithItsPid() throws Exception {
    assertThat(NetlinkProcConnector.unavailableReason()).isEmpty();
    try (NetlinkProcConnector c = NetlinkProcConnector.open(NetlinkProcConnector.DEFAULT_RECEIVE_BUFFER)) {
      Process p = new ProcessBuilder("/bin/true").start();
      long pid = p.pid();
      p.waitFor();
      Recorder r = new Recorder();
      long end = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < end && r.events.stream().noneMatch(e -> isExit(e, pid))) {
        c.receive(r);
      }
      assertThat(r.events).anyMatch(e -> e instanceof ProcEvent.Fork && ((ProcEvent.Fork) e).childTgid() == pid);
      assertThat(r.events).anyMatch(e -> e instanceof ProcEvent.Exec && ((ProcEvent.Exec) e).tgid() == pid);
      assertThat(r.events).anyMatch(e -> isExit(e, pid));
      int exec = indexOf(r.events, e -> e instanceof ProcEvent.Exec && ((ProcEvent.Exec) e).tgid() == pid);
      int exit = indexOf(r.events, e -> isExit(e, pid));
      assertThat(exec).isLessThan(exit);
      assertThat(c.malformed()).isZero();
    }
  }

  @Test
  void tinyReceiveBuffer_burstIsReportedAsOverflow_andGapsCounted() throws Exception {
    // The kernel's minimum socket buffer holds a handful of messages; 200 process starts are ~600 events.
    try (NetlinkProcConnector c = NetlinkProcConnector.open(1024)) {
      for (int i = 0; i < 200; i++) {
        new ProcessBuilder("/bin/true").start().waitFor();
      }
      Recorder r = new Recorder();
      while (c.receiveNow(r)) {
        // drain
      }
      // The next event after the gap on a CPU already seen tells the gap's size; make some arrive. (A CPU with no
      // event kept before the overflow has no base to count from: its loss shows only as the ENOBUFS.)
      new ProcessBuilder("/bin/true").start().waitFor();
      long end = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < end && r.lost == 0) {
        c.receive(r);
      }
      System.out.printf("[proc-it] tiny buffer: %d events kept, %d overflow reports, %d counted lost%n",
          r.events.size(), r.overflows, r.lost);
      assertThat(r.overflows).isPositive();
      assertThat(r.events.size()).isLessThan(100); // ~600 were sent
      assertThat(c.overflows()).isEqualTo(r.overflows);
    }
  }

  @Test
  void sensorWithTinyBuffer_burstBecomesOverflowNotice() throws Exception {
    Queue<Event> out = new ConcurrentLinkedQueue<>();
    ContainerDirectory none = ContainerDirectory.of(java.util.Map.of());
    Metrics metrics = Metrics.inMemory();
    NetlinkProcessSensor sensor = new NetlinkProcessSensor(none, e -> {
      out.add(e);
      return true;
    }, Clock.systemUTC(), metrics, ProcFs.host(), 1024, false);
    sensor.start();
    List<Process> burst = new ArrayList<>();
    try {
      // 300 processes started without waiting: far more events at once than the kernel's minimum buffer holds.
      for (int i = 0; i < 300; i++) {
        burst.add(new ProcessBuilder("/bin/true").start());
      }
      long end = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < end && out.stream().noneMatch(e -> e instanceof SensorNotice)) {
        Thread.sleep(50);
      }
      SensorNotice n = (SensorNotice) out.stream().filter(e -> e instanceof SensorNotice).findFirst().orElseThrow();
      assertThat(n.what()).isEqualTo("overflow");
      assertThat(n.count()).isPositive();
      assertThat(n.sensor()).isEqualTo("kernel.proc");
      assertThat(metrics.count("vigil.proc.lost", "sensor", "kernel.proc")
          + metrics.count("vigil.proc.overflows", "sensor", "kernel.proc")).isPositive();
    } finally {
      sensor.close();
      for (Process p : burst) {
        p.waitFor();
      }
    }
  }

  private static boolean isExit(ProcEvent e, long pid) {
    return e instanceof ProcEvent.Exit && ((ProcEvent.Exit) e).tgid() == pid && ((ProcEvent.Exit) e).pid() == pid;
  }

  private static int indexOf(List<ProcEvent> events, java.util.function.Predicate<ProcEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
