package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stats answers shaped like {@code GET /containers/{id}/stats?stream=false&one-shot=true} of API 1.41. */
class DockerStatsSensorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-29T08:42:51Z");
  private static final ContainerInfo C = container();

  private final DockerStatsSensor.Previous prev = new DockerStatsSensor.Previous();

  private static ContainerInfo container() {
    ContainerRef ref = new ContainerRef("23b5d328ee9943495312f5862d4f33d25a264a64c08b169021da557d8fcae0bd",
        "h3fixture", "vigil-test/busybox", "1", "");
    return new ContainerInfo(ref, "sha256:bcaf", Map.of(), "", false, List.of(), List.of(), List.of(), List.of(),
        Map.of(), 64L << 20, 0, 0, "overlay2", Map.of(), 4242, true, T0, List.of("sleep", "600"), List.of(), "no");
  }

  /** A cgroup v2 style answer: inactive_file, lowercase blkio ops, two interfaces. */
  private static ObjectNode stats(long cpuTotal, long system, long rxEth0, long txEth0, long rxEth1, long txEth1) {
    ObjectNode s = JSON.createObjectNode();
    s.put("read", "2026-11-29T08:42:51.98320543Z");
    s.putObject("pids_stats").put("current", 3);
    ObjectNode cpu = s.putObject("cpu_stats");
    cpu.putObject("cpu_usage").put("total_usage", cpuTotal).put("usage_in_kernelmode", 0)
        .put("usage_in_usermode", cpuTotal);
    cpu.put("system_cpu_usage", system).put("online_cpus", 2);
    ObjectNode mem = s.putObject("memory_stats");
    mem.put("usage", 10_000_000L).put("limit", 64L << 20);
    mem.putObject("stats").put("anon", 6_000_000L).put("file", 4_000_000L).put("active_file", 1_000_000L)
        .put("inactive_file", 3_000_000L);
    ObjectNode nets = s.putObject("networks");
    nets.putObject("eth0").put("rx_bytes", rxEth0).put("tx_bytes", txEth0).put("rx_packets", 1);
    nets.putObject("eth1").put("rx_bytes", rxEth1).put("tx_bytes", txEth1).put("rx_packets", 1);
    ArrayNode io = s.putObject("blkio_stats").putArray("io_service_bytes_recursive");
    io.addObject().put("major", 8).put("minor", 0).put("op", "read").put("value", 4096);
    io.addObject().put("major", 8).put("minor", 0).put("op", "write").put("value", 8192);
    io.addObject().put("major", 8).put("minor", 16).put("op", "read").put("value", 100);
    io.addObject().put("major", 8).put("minor", 16).put("op", "write").put("value", 200);
    return s;
  }

  private static ObjectNode stats(long cpuTotal, long system) {
    return stats(cpuTotal, system, 1000, 500, 0, 0);
  }

  @Test
  void sample_firstCall_returnsNullButRemembersCounters() {
    assertThat(DockerStatsSensor.sample(C, stats(5_000_000_000L, 100_000_000_000L), prev, T0)).isNull();
    assertThat(prev.cpuTotal).isEqualTo(5_000_000_000L);
    assertThat(prev.systemTotal).isEqualTo(100_000_000_000L);
    assertThat(prev.at).isEqualTo(T0);
  }

  @Test
  void sample_oneCoreBusyOfTwo_isHundredPercent() {
    DockerStatsSensor.sample(C, stats(5_000_000_000L, 100_000_000_000L), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, stats(6_000_000_000L, 102_000_000_000L), prev, T0.plusSeconds(1));

    assertThat(s).isNotNull();
    assertThat(s.cpuPercent()).isCloseTo(100.0, within(1e-9));
    assertThat(s.container()).isEqualTo(C.ref());
    assertThat(s.sensor()).isEqualTo("docker.stats");
    assertThat(s.kind()).isEqualTo(EventKind.STATS);
    assertThat(s.time()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void sample_noOnlineCpus_fallsBackToPercpuCount() {
    ObjectNode a = stats(5_000_000_000L, 100_000_000_000L);
    ObjectNode b = stats(6_000_000_000L, 104_000_000_000L);
    for (ObjectNode s : List.of(a, b)) {
      ObjectNode cpu = (ObjectNode) s.get("cpu_stats");
      cpu.remove("online_cpus");
      ((ObjectNode) cpu.get("cpu_usage")).putArray("percpu_usage").add(1).add(2).add(3).add(4);
    }
    DockerStatsSensor.sample(C, a, prev, T0);
    // 1e9 of 4e9 system ns over 4 cpus = one core busy = 100 %
    assertThat(DockerStatsSensor.sample(C, b, prev, T0.plusSeconds(1)).cpuPercent()).isCloseTo(100.0, within(1e-9));
  }

  @Test
  void sample_systemCounterNotAdvanced_returnsNull() {
    DockerStatsSensor.sample(C, stats(5_000_000_000L, 100_000_000_000L), prev, T0);
    assertThat(DockerStatsSensor.sample(C, stats(5_100_000_000L, 100_000_000_000L), prev, T0.plusSeconds(1)))
        .isNull();
  }

  @Test
  void sample_network_sumsInterfacesAndComputesPerSecondRates() {
    DockerStatsSensor.sample(C, stats(1, 1_000, 1_000, 100, 2_000, 200), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, stats(2, 2_000, 5_000, 300, 4_000, 400), prev,
        T0.plusSeconds(2));

    assertThat(s.rxBytes()).isEqualTo(9_000);
    assertThat(s.txBytes()).isEqualTo(700);
    // rx: 9000 - 3000 over 2 s; tx: 700 - 300 over 2 s
    assertThat(s.rxRate()).isCloseTo(3_000.0, within(1e-6));
    assertThat(s.txRate()).isCloseTo(200.0, within(1e-6));
  }

  @Test
  void sample_networkCountersReset_rateIsZeroNotNegative() {
    DockerStatsSensor.sample(C, stats(1, 1_000, 10_000, 10_000, 0, 0), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, stats(2, 2_000, 10, 10, 0, 0), prev, T0.plusSeconds(1));
    assertThat(s.rxRate()).isZero();
    assertThat(s.txRate()).isZero();
  }

  @Test
  void sample_noNetworks_zeroBytes() {
    ObjectNode a = stats(1, 1_000);
    ObjectNode b = stats(2, 2_000);
    a.remove("networks");
    b.remove("networks");
    DockerStatsSensor.sample(C, a, prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, b, prev, T0.plusSeconds(1));
    assertThat(s.rxBytes()).isZero();
    assertThat(s.txRate()).isZero();
  }

  @Test
  void sample_cgroupV2Memory_isUsageMinusInactiveFile() {
    DockerStatsSensor.sample(C, stats(1, 1_000), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, stats(2, 2_000), prev, T0.plusSeconds(1));
    assertThat(s.memoryBytes()).isEqualTo(10_000_000L - 3_000_000L);
    assertThat(s.memoryLimit()).isEqualTo(64L << 20);
  }

  @Test
  void sample_cgroupV1Memory_isUsageMinusTotalInactiveFile() {
    ObjectNode a = stats(1, 1_000);
    ObjectNode b = stats(2, 2_000);
    for (ObjectNode s : List.of(a, b)) {
      // the cgroup v1 keys Docker 20.10 reports on a cgroup v1 host
      ((ObjectNode) s.get("memory_stats")).putObject("stats").put("cache", 4096).put("inactive_file", 1)
          .put("total_cache", 4096).put("total_inactive_file", 2_500_000L).put("total_rss", 57344);
    }
    DockerStatsSensor.sample(C, a, prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, b, prev, T0.plusSeconds(1));
    assertThat(s.memoryBytes()).isEqualTo(10_000_000L - 2_500_000L);
  }

  @Test
  void sample_inactiveFileLargerThanUsage_memoryIsZeroNotNegative() {
    ObjectNode a = stats(1, 1_000);
    ObjectNode b = stats(2, 2_000);
    ((ObjectNode) b.get("memory_stats").get("stats")).put("inactive_file", 20_000_000L);
    DockerStatsSensor.sample(C, a, prev, T0);
    assertThat(DockerStatsSensor.sample(C, b, prev, T0.plusSeconds(1)).memoryBytes()).isZero();
  }

  @Test
  void sample_blockIo_sumsReadAndWriteAcrossDevicesCaseInsensitively() {
    ObjectNode b = stats(2, 2_000);
    ArrayNode io = (ArrayNode) b.get("blkio_stats").get("io_service_bytes_recursive");
    // cgroup v1 spells the ops capitalised and adds Sync/Async/Total rows, which must not be counted
    io.addObject().put("major", 8).put("minor", 32).put("op", "Read").put("value", 1_000);
    io.addObject().put("major", 8).put("minor", 32).put("op", "Write").put("value", 2_000);
    io.addObject().put("major", 8).put("minor", 32).put("op", "Sync").put("value", 3_000);
    io.addObject().put("major", 8).put("minor", 32).put("op", "Total").put("value", 3_000);
    DockerStatsSensor.sample(C, stats(1, 1_000), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, b, prev, T0.plusSeconds(1));

    assertThat(s.blockReadBytes()).isEqualTo(4096 + 100 + 1_000);
    assertThat(s.blockWriteBytes()).isEqualTo(8192 + 200 + 2_000);
  }

  @Test
  void sample_nullBlkioList_zeroBytes() {
    ObjectNode b = stats(2, 2_000);
    ((ObjectNode) b.get("blkio_stats")).putNull("io_service_bytes_recursive");
    DockerStatsSensor.sample(C, stats(1, 1_000), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, b, prev, T0.plusSeconds(1));
    assertThat(s.blockReadBytes()).isZero();
    assertThat(s.blockWriteBytes()).isZero();
  }

  @Test
  void sample_pids_fromPidsStatsCurrent() {
    DockerStatsSensor.sample(C, stats(1, 1_000), prev, T0);
    StatsSample s = DockerStatsSensor.sample(C, stats(2, 2_000), prev, T0.plusSeconds(1));
    assertThat(s.pids()).isEqualTo(3);
  }

  @Test
  void sample_thirdCall_usesSecondAsBaseline() {
    DockerStatsSensor.sample(C, stats(0, 0), prev, T0);
    DockerStatsSensor.sample(C, stats(1_000_000_000L, 2_000_000_000L), prev, T0.plusSeconds(1));
    StatsSample s = DockerStatsSensor.sample(C, stats(1_500_000_000L, 4_000_000_000L), prev, T0.plusSeconds(2));
    // 0.5e9 of 2e9 over 2 cpus = 50 %
    assertThat(s.cpuPercent()).isCloseTo(50.0, within(1e-9));
  }
}
