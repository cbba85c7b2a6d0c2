package dev.vigil.sensor.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.StatsSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Samples from fake cgroup trees, with a fake monotonic ticker so CPU percent and rates are exact. */
class CgroupStatsSensorTest {

  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final String ID = CgroupFilesTest.ID;
  private static final String ID2 = "9f4c1f1c1b6d7e4e2a3b3c7d8e9fa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7";
  private static final long PID = 4242;
  private static final long SEC = 1_000_000_000L;
  private static final long HOST_MEMORY = FakeCgroupHost.HOST_MEMORY_KB * 1024;

  @TempDir
  Path dir;

  private final List<StatsSample> samples = new ArrayList<>();
  private final Metrics metrics = Metrics.inMemory();
  private final AtomicLong ticker = new AtomicLong(1_000 * SEC);
  private final List<ContainerInfo> running = new ArrayList<>();
  private FakeCgroupHost host;

  private static ContainerInfo container(String id, String name, long pid, String network) {
    ContainerRef ref = new ContainerRef(id, name, "vigil-test/busybox", "1", "");
    return new ContainerInfo(ref, "sha256:bcaf", Map.of(), "", false, List.of(), List.of(), List.of(), List.of(),
        Map.of("network", network), 0, 0, 0, "overlay2", Map.of(), pid, true, NOW.minusSeconds(60),
        List.of("sh"), List.of(), "no");
  }

  private static final ContainerInfo C = container(ID, "busy", PID, "bridge");

  private CgroupStatsSensor sensor() {
    return new CgroupStatsSensor(null, () -> running, e -> samples.add((StatsSample) e),
        Clock.fixed(NOW, ZoneOffset.UTC), ticker::get, Duration.ofSeconds(5), metrics, host.proc, host.cgroup);
  }

  private long failures() {
    return metrics.count("vigil.poll.failures", "sensor", "kernel.cgroup");
  }

  private void after(long nanos) {
    ticker.addAndGet(nanos);
  }

  @Test
  void v1_firstReadIsTheBaseline_thenExactSample() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).unifiedRoot()
        .v1(ID, 10 * SEC, 5_000_000, 1_000_000, FakeCgroupHost.V1_UNLIMITED, 3, 4196, 8202).netDev(PID, 1000, 500);
    running.add(C);
    CgroupStatsSensor s = sensor();

    s.tick();
    assertThat(samples).as("no deltas yet").isEmpty();

    after(5 * SEC);
    host.v1(ID, 12_500_000_000L, 6_000_000, 1_500_000, FakeCgroupHost.V1_UNLIMITED, 4, 4196, 16394)
        .netDev(PID, 11_000, 3_000);
    s.tick();

    assertThat(samples).hasSize(1);
    StatsSample x = samples.get(0);
    assertThat(x.sensor()).isEqualTo("kernel.cgroup");
    assertThat(x.kind()).isEqualTo(EventKind.STATS);
    assertThat(x.time()).isEqualTo(NOW);
    assertThat(x.container()).isEqualTo(C.ref());
    assertThat(x.cpuPercent()).as("2.5 s of CPU in 5 s").isCloseTo(50.0, within(1e-9));
    assertThat(x.memoryBytes()).as("usage - total_inactive_file").isEqualTo(4_500_000);
    assertThat(x.memoryLimit()).as("unlimited: the host's memory, as the Engine API says").isEqualTo(HOST_MEMORY);
    assertThat(x.rxBytes()).as("lo not counted").isEqualTo(11_000);
    assertThat(x.txBytes()).isEqualTo(3_000);
    assertThat(x.rxRate()).isCloseTo(2_000.0, within(1e-9));
    assertThat(x.txRate()).isCloseTo(500.0, within(1e-9));
    assertThat(x.blockReadBytes()).isEqualTo(4196);
    assertThat(x.blockWriteBytes()).isEqualTo(16394);
    assertThat(x.pids()).isEqualTo(4);
    assertThat(failures()).isZero();
    s.close();
  }

  @Test
  void v2_usecCpu_maxLimit_ioStat_andALimitBelowTheHostsMemory() {
    String scope = "/system.slice/docker-" + ID + ".scope";
    host = new FakeCgroupHost(dir).v2Root("cpu io memory pids").v2Process(PID, scope + "/init.scope")
        .v2(scope, 1_000_000, 8_192_000, 192_000, -1, 2, 100, 200).netDev(PID, 0, 0);
    running.add(C);
    CgroupStatsSensor s = sensor();
    s.tick();

    after(2 * SEC);
    host.v2(scope, 4_000_000, 9_000_000, 1_000_000, -1, 7, 1100, 2200);
    s.tick();
    after(SEC);
    host.v2(scope, 4_100_000, 9_000_000, 1_000_000, 268_435_456, 7, 1100, 2200);
    s.tick();

    assertThat(samples).hasSize(2);
    StatsSample a = samples.get(0);
    assertThat(a.cpuPercent()).as("3 s of CPU in 2 s: 1.5 cores").isCloseTo(150.0, within(1e-9));
    assertThat(a.memoryBytes()).isEqualTo(8_000_000);
    assertThat(a.memoryLimit()).as("max").isEqualTo(HOST_MEMORY);
    assertThat(a.blockReadBytes()).isEqualTo(1100);
    assertThat(a.blockWriteBytes()).isEqualTo(2200);
    assertThat(a.pids()).isEqualTo(7);
    assertThat(a.rxRate()).isZero();
    StatsSample b = samples.get(1);
    assertThat(b.cpuPercent()).isCloseTo(10.0, within(1e-9));
    assertThat(b.memoryLimit()).isEqualTo(268_435_456);
  }

  @Test
  void countersGoingBackwards_cpuRebaselines_ratesNeverNegative() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).v1(ID, 50 * SEC, 1000, 0, 4096, 1, 100, 10)
        .netDev(PID, 10_000, 10_000);
    running.add(C);
    CgroupStatsSensor s = sensor();
    s.tick();

    after(SEC);
    host.v1(ID, 1 * SEC, 1000, 0, 4096, 1, 100, 10); // cgroup recreated: CPU counter restarted
    s.tick();
    assertThat(samples).as("no honest CPU delta: new baseline, no sample").isEmpty();

    after(SEC);
    host.v1(ID, 1_200_000_000L, 1000, 0, 4096, 1, 100, 10).netDev(PID, 500, 700); // an interface went away
    s.tick();

    assertThat(samples).hasSize(1);
    StatsSample x = samples.get(0);
    assertThat(x.cpuPercent()).isCloseTo(20.0, within(1e-9));
    assertThat(x.rxRate()).isZero();
    assertThat(x.txRate()).isZero();
    assertThat(x.rxBytes()).isEqualTo(500);
    assertThat(x.memoryLimit()).isEqualTo(4096);
    assertThat(failures()).isZero();
  }

  @Test
  void optionalFilesMissing_readAsZero_hostNetworkNotCounted() {
    host = new FakeCgroupHost(dir);
    FakeCgroupHost.write(host.proc.resolve(PID + "/cgroup"), "4:memory:/docker/" + ID + "\n2:cpuacct:/docker/"
        + ID + "\n");
    FakeCgroupHost.write(host.v1Dir("cpuacct", ID).resolve("cpuacct.usage"), "0\n");
    FakeCgroupHost.write(host.v1Dir("memory", ID).resolve("memory.usage_in_bytes"), "4096\n");
    host.netDev(PID, 1000, 1000); // the host's table: a host-network container has none of its own
    running.add(container(ID, "hostnet", PID, "host"));
    CgroupStatsSensor s = sensor();
    s.tick();
    after(SEC);
    s.tick();

    assertThat(samples).hasSize(1);
    StatsSample x = samples.get(0);
    assertThat(x.memoryBytes()).isEqualTo(4096);
    assertThat(x.memoryLimit()).isEqualTo(HOST_MEMORY);
    assertThat(x.pids()).isZero();
    assertThat(x.blockReadBytes()).isZero();
    assertThat(x.rxBytes()).isZero();
    assertThat(x.txBytes()).isZero();
    assertThat(s.openFiles()).as("cpuacct.usage and memory.usage_in_bytes only").isEqualTo(2);
    assertThat(failures()).isZero();
  }

  @Test
  void requiredFileMissing_countedNoSampleNoThrow_otherContainersUnaffected_retriedLater() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).v1Process(PID + 1, ID2).v1(ID2, SEC, 1000, 0, 4096, 1, 0, 0)
        .netDev(PID, 0, 0).netDev(PID + 1, 0, 0);
    FakeCgroupHost.write(host.v1Dir("cpuacct", ID).resolve("cpuacct.usage"), "5\n"); // no memory files for ID
    running.add(C);
    running.add(container(ID2, "fine", PID + 1, "bridge"));
    CgroupStatsSensor s = sensor();

    for (int i = 0; i < 3; i++) {
      s.tick();
      after(SEC);
    }

    assertThat(samples).hasSize(2).allSatisfy(x -> assertThat(x.container().id()).isEqualTo(ID2));
    assertThat(failures()).as("counted once, then retried after a while").isEqualTo(1);

    host.v1(ID, SEC, 1000, 0, 4096, 1, 0, 0);
    for (int i = 0; i < CgroupStatsSensor.RETRY_TICKS; i++) {
      s.tick();
      after(SEC);
    }
    assertThat(samples).anySatisfy(x -> assertThat(x.container().id()).isEqualTo(ID));
    assertThat(failures()).isEqualTo(1);
  }

  @Test
  void unreadableCounter_countedAndNoSample_thenRecovers() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).v1(ID, SEC, 1000, 0, 4096, 1, 0, 0).netDev(PID, 0, 0);
    running.add(C);
    CgroupStatsSensor s = sensor();
    s.tick();
    after(SEC);
    FakeCgroupHost.write(host.v1Dir("cpuacct", ID).resolve("cpuacct.usage"), "\n");
    s.tick();

    assertThat(samples).isEmpty();
    assertThat(failures()).isEqualTo(1);
    assertThat(s.openFiles()).as("closed after the failure").isZero();

    host.v1(ID, 2 * SEC, 1000, 0, 4096, 1, 0, 0);
    s.tick();
    after(SEC);
    host.v1(ID, 3 * SEC, 1000, 0, 4096, 1, 0, 0);
    s.tick();
    assertThat(samples).hasSize(1);
    assertThat(samples.get(0).cpuPercent()).isCloseTo(100.0, within(1e-9));
  }

  @Test
  void processGone_notAFailure() {
    host = new FakeCgroupHost(dir);
    running.add(C);
    CgroupStatsSensor s = sensor();
    s.tick();
    s.tick();
    assertThat(samples).isEmpty();
    assertThat(failures()).isZero();
  }

  @Test
  void containerStopping_closesItsFiles_byListenerOrAtTheNextTick() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).v1Process(PID + 1, ID2).v1(ID, SEC, 1, 0, 1, 1, 0, 0)
        .v1(ID2, SEC, 1, 0, 1, 1, 0, 0).netDev(PID, 0, 0).netDev(PID + 1, 0, 0);
    ContainerInfo other = container(ID2, "other", PID + 1, "bridge");
    running.add(C);
    running.add(other);
    CgroupStatsSensor s = sensor();
    s.tick();
    assertThat(s.tracked()).isEqualTo(2);
    assertThat(s.openFiles()).as("7 per container").isEqualTo(14);

    s.stopped(C);
    assertThat(s.tracked()).isEqualTo(1);
    assertThat(s.openFiles()).isEqualTo(7);

    running.remove(C);
    running.remove(other); // gone without a word from the inventory (e.g. missed while reconnecting)
    s.tick();
    assertThat(s.tracked()).isZero();
    assertThat(s.openFiles()).isZero();
  }

  @Test
  void restartedContainer_newInitPid_reopens() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).v1Process(PID + 9, ID).v1(ID, SEC, 1, 0, 1, 1, 0, 0)
        .netDev(PID, 0, 0).netDev(PID + 9, 0, 0);
    running.add(C);
    CgroupStatsSensor s = sensor();
    s.tick();
    after(SEC);
    running.set(0, container(ID, "busy", PID + 9, "bridge"));
    s.tick();
    assertThat(samples).as("a new process: a new baseline").isEmpty();
    assertThat(s.openFiles()).isEqualTo(7);
    after(SEC);
    host.v1(ID, 2 * SEC, 1, 0, 1, 1, 0, 0);
    s.tick();
    assertThat(samples).hasSize(1);
  }

  @Test
  void close_releasesEverything() {
    host = new FakeCgroupHost(dir).v1Process(PID, ID).v1(ID, SEC, 1, 0, 1, 1, 0, 0).netDev(PID, 0, 0);
    running.add(C);
    CgroupStatsSensor s = sensor();
    s.tick();
    assertThat(s.openFiles()).isEqualTo(7);
    s.close();
    assertThat(s.tracked()).isZero();
    assertThat(s.openFiles()).isZero();
  }

  @Test
  void limit_cappedAtTheHostsMemory_orZeroWhenThatIsUnknown() throws IOException {
    host = new FakeCgroupHost(dir);
    CgroupStatsSensor known = sensor();
    assertThat(known.limit(CounterText.UNLIMITED)).isEqualTo(HOST_MEMORY);
    assertThat(known.limit(FakeCgroupHost.V1_UNLIMITED)).isEqualTo(HOST_MEMORY);
    assertThat(known.limit(HOST_MEMORY + 4096)).isEqualTo(HOST_MEMORY);
    assertThat(known.limit(CounterText.MISSING)).isEqualTo(HOST_MEMORY);
    assertThat(known.limit(1 << 20)).isEqualTo(1 << 20);
    Files.delete(host.proc.resolve("meminfo"));
    CgroupStatsSensor unknown = sensor();
    assertThat(unknown.limit(FakeCgroupHost.V1_UNLIMITED)).isZero();
    assertThat(unknown.limit(CounterText.UNLIMITED)).isZero();
    assertThat(unknown.limit(1 << 20)).isEqualTo(1 << 20);
  }

  @Test
  void probe_v1Hybrid_v2_andWhyNot() throws IOException {
    host = new FakeCgroupHost(dir);
    FakeCgroupHost.write(host.proc.resolve("1/cgroup"), "0::/\n");
    FakeCgroupHost.write(host.proc.resolve("1/net/dev"), FakeCgroupHost.NET_DEV_HEADER);

    assertThat(CgroupStatsSensor.probe(host.proc, host.cgroup)).get().asString()
        .contains("unknown cgroup layout under " + host.cgroup);

    FakeCgroupHost.write(host.cgroup.resolve("memory/memory.usage_in_bytes"), "1\n");
    FakeCgroupHost.write(host.cgroup.resolve("cpuacct/cpuacct.usage"), "1\n");
    host.unifiedRoot();
    assertThat(CgroupStatsSensor.probe(host.proc, host.cgroup)).isEmpty();

    Files.createDirectories(host.proc.resolve("self/ns"));
    Files.createDirectories(host.proc.resolve("1/ns"));
    Files.createSymbolicLink(host.proc.resolve("self/ns/cgroup"), Path.of("cgroup:[4026532500]"));
    Files.createSymbolicLink(host.proc.resolve("1/ns/cgroup"), Path.of("cgroup:[4026531835]"));
    assertThat(CgroupStatsSensor.probe(host.proc, host.cgroup)).get().asString()
        .contains("cgroup namespace of its own").contains("--cgroupns=host");
    Files.delete(host.proc.resolve("self/ns/cgroup"));
    Files.createSymbolicLink(host.proc.resolve("self/ns/cgroup"), Path.of("cgroup:[4026531835]"));
    assertThat(CgroupStatsSensor.probe(host.proc, host.cgroup)).isEmpty();

    Path v2 = dir.resolve("v2");
    FakeCgroupHost.write(v2.resolve("cgroup.controllers"), "cpuset cpu io pids\n");
    assertThat(CgroupStatsSensor.probe(host.proc, v2)).get().asString().contains("without the memory controller");
    FakeCgroupHost.write(v2.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    assertThat(CgroupStatsSensor.probe(host.proc, v2)).isEmpty();

    Files.delete(host.proc.resolve("1/net/dev"));
    assertThat(CgroupStatsSensor.probe(host.proc, v2)).get().asString().contains("/<pid>/net/dev");
  }
}
