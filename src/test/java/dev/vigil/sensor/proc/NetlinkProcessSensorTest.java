package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sensor's own small rules; its behaviour on the kernel is in NetlinkProcessSensorIT. */
class NetlinkProcessSensorTest {

  @Test
  void identity_andItsDeclaration_aPrimarySensorThatDockerTopStandsInFor() {
    ContainerDirectory none = ContainerDirectory.of(java.util.Map.of());
    NetlinkProcessSensor s = new NetlinkProcessSensor(none, e -> true, Clock.systemUTC(), Metrics.inMemory(),
        new ProcFs(Path.of("/nonexistent")), 4096, false);
    assertThat(s.name()).isEqualTo("kernel.proc");
    assertThat(NetlinkProcessSensor.DECLARATION.name()).isEqualTo(s.name());
    assertThat(NetlinkProcessSensor.DECLARATION.isStandIn()).isFalse();
    assertThat(dev.vigil.sensor.docker.DockerTopSensor.DECLARATION.standsInFor()).isEqualTo(s.name());
    assertThat(s.execs()).isZero();
    s.close(); // never started: nothing to stop
  }

  @Test
  void forBatch_capturesEveryExecInOrder_withoutACapturer(@TempDir Path proc) throws Exception {
    for (long pid : new long[] {3, 4}) {
      Files.createDirectories(proc.resolve(Long.toString(pid)));
      Files.createSymbolicLink(proc.resolve(pid + "/exe"), Path.of("/opt/image/bin/p" + pid));
    }
    List<ProcEvent> batch = List.of(new ProcEvent.Exec(0, 1L, 3, 3), new ProcEvent.Fork(0, 2L, 3, 3, 9, 9),
        new ProcEvent.Exec(0, 3L, 5, 5), new ProcEvent.Exec(1, 4L, 4, 4));
    List<ExecReader.Capture> c = ExecCapturer.forBatch(batch, null, new ExecReader(new ProcFs(proc)));
    assertThat(c).extracting(ExecReader.Capture::exeLink)
        .containsExactly("/opt/image/bin/p3", "", "/opt/image/bin/p4");
  }

  @Test
  void currentTid_isTheCallingThreadsKernelId() throws Exception {
    int tid = ReaderPriority.currentTid();
    assertThat(tid).isPositive();
    assertThat(Files.exists(Path.of("/proc/self/task/" + tid))).isTrue();
  }

  @Test
  void capArgs_keepsTreeNodesSmall() {
    List<String> small = List.of("sh", "-c", "echo hi");
    assertThat(NetlinkProcessSensor.capArgs(small)).isSameAs(small);
    List<String> huge = new ArrayList<>();
    huge.add("cat");
    for (int i = 0; i < 2000; i++) {
      huge.add("/tmp/f/" + i);
    }
    List<String> capped = NetlinkProcessSensor.capArgs(huge);
    assertThat(capped).startsWith("cat", "/tmp/f/0");
    assertThat(String.join(" ", capped).length()).isLessThanOrEqualTo(4096);
    assertThat(NetlinkProcessSensor.capArgs(List.of("x".repeat(10_000)))).hasSize(1);
  }
}
