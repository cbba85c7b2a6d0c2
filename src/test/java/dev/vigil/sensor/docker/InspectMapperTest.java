package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.event.ContainerInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Against a real {@code GET /containers/{id}/json} answer of Docker 20.10 (API 1.41). */
class InspectMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ImageName IMAGE = ImageName.parse("vigil-test/busybox:1");

  private static ObjectNode fixture() throws IOException {
    try (InputStream in = InspectMapperTest.class.getResourceAsStream("/docker/inspect-running.json")) {
      assertThat(in).as("fixture docker/inspect-running.json").isNotNull();
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private static ContainerInfo running() throws IOException {
    return InspectMapper.map(fixture(), IMAGE);
  }

  @Test
  void map_identity_stripsLeadingSlashFromNameAndKeepsIds() throws IOException {
    ContainerInfo c = running();
    assertThat(c.ref().name()).isEqualTo("h3fixture");
    assertThat(c.ref().id()).isEqualTo("23b5d328ee9943495312f5862d4f33d25a264a64c08b169021da557d8fcae0bd");
    assertThat(c.ref().imageRepository()).isEqualTo("vigil-test/busybox");
    assertThat(c.ref().imageTag()).isEqualTo("1");
    assertThat(c.imageId()).isEqualTo("sha256:bcafbd95b79ac4334d8db45ca582781a709e3fa45916a6bfd48a585cf7b80a92");
  }

  @Test
  void map_capAdd_keepsEngineCapPrefixedName() throws IOException {
    ContainerInfo c = running();
    assertThat(c.capAdd()).containsExactly("CAP_NET_ADMIN");
    assertThat(c.capDrop()).isEmpty();
    assertThat(c.securityOpt()).isEmpty();
    assertThat(c.privileged()).isFalse();
  }

  @Test
  void map_readOnlyBindMount_hasTypeBindAndReadWriteFalse() throws IOException {
    ContainerInfo c = running();
    assertThat(c.mounts()).containsExactly(new ContainerInfo.Mount("bind", "/etc", "/hostetc", false, "rprivate"));
  }

  @Test
  void map_mountWithoutType_isVolumeWhenNamedElseBind() throws IOException {
    ObjectNode j = fixture();
    com.fasterxml.jackson.databind.node.ArrayNode mounts = j.putArray("Mounts");
    mounts.addObject().put("Name", "data").put("Source", "/var/lib/docker/volumes/data/_data")
        .put("Destination", "/data").put("RW", true);
    mounts.addObject().put("Source", "/tmp").put("Destination", "/t");
    ContainerInfo c = InspectMapper.map(j, IMAGE);
    assertThat(c.mounts()).extracting(ContainerInfo.Mount::type).containsExactly("volume", "bind");
    assertThat(c.mounts().get(1).readWrite()).isTrue();
  }

  @Test
  void map_namespaces_networkNoneAndPrivateIpc() throws IOException {
    ContainerInfo c = running();
    assertThat(c.namespaces()).containsEntry("network", "none").containsEntry("ipc", "private")
        .containsEntry("pid", "").containsEntry("cgroup", "host")
        .containsOnlyKeys("pid", "network", "ipc", "uts", "userns", "cgroup");
  }

  @Test
  void map_limits_memoryAndNanoCpus() throws IOException {
    ContainerInfo c = running();
    assertThat(c.memoryLimit()).isEqualTo(64L * 1024 * 1024);
    assertThat(c.nanoCpus()).isEqualTo(500_000_000L);
    assertThat(c.pidsLimit()).isZero();
  }

  @Test
  void map_cpuQuotaAndPeriodOnly_derivesNanoCpus() throws IOException {
    ObjectNode j = fixture();
    ObjectNode host = (ObjectNode) j.get("HostConfig");
    host.put("NanoCpus", 0).put("CpuQuota", 150_000).put("CpuPeriod", 100_000);
    assertThat(InspectMapper.map(j, IMAGE).nanoCpus()).isEqualTo(1_500_000_000L);

    host.put("CpuQuota", 25_000).put("CpuPeriod", 50_000);
    assertThat(InspectMapper.map(j, IMAGE).nanoCpus()).isEqualTo(500_000_000L);
  }

  @Test
  void map_cpuQuotaWithoutPeriod_assumesDefault100msPeriod() throws IOException {
    ObjectNode j = fixture();
    ((ObjectNode) j.get("HostConfig")).put("NanoCpus", 0).put("CpuQuota", 50_000).put("CpuPeriod", 0);
    assertThat(InspectMapper.map(j, IMAGE).nanoCpus()).isEqualTo(500_000_000L);
  }

  @Test
  void map_noCpuLimit_isZero() throws IOException {
    ObjectNode j = fixture();
    ((ObjectNode) j.get("HostConfig")).put("NanoCpus", 0);
    assertThat(InspectMapper.map(j, IMAGE).nanoCpus()).isZero();
  }

  @Test
  void map_overlayGraphData_exposesUpperAndMergedDir() throws IOException {
    ContainerInfo c = running();
    String layer = "/var/lib/docker/overlay2/29b6d78263f7bb8120fa8ac5e58ece4b00009333d8fc83995519bacca5af2ae4";
    assertThat(c.graphDriver()).isEqualTo("overlay2");
    assertThat(c.upperDir()).isEqualTo(layer + "/diff");
    assertThat(c.mergedDir()).isEqualTo(layer + "/merged");
    assertThat(c.graphData()).containsKeys("LowerDir", "WorkDir");
  }

  @Test
  void map_noGraphData_upperAndMergedDirEmpty() throws IOException {
    ObjectNode j = fixture();
    j.remove("GraphDriver");
    ContainerInfo c = InspectMapper.map(j, IMAGE);
    assertThat(c.upperDir()).isEmpty();
    assertThat(c.mergedDir()).isEmpty();
    assertThat(c.graphDriver()).isEqualTo("overlay2"); // from the top-level Driver
  }

  @Test
  void map_runningContainer_hasInitPidAndStartTime() throws IOException {
    ContainerInfo c = running();
    assertThat(c.running()).isTrue();
    assertThat(c.initPid()).isEqualTo(13701L).isPositive();
    assertThat(c.startedAt()).isEqualTo(Instant.parse("2026-11-29T08:42:50.724210536Z"));
  }

  @Test
  void map_stoppedContainer_hasInitPidZero() throws IOException {
    ObjectNode j = fixture();
    ObjectNode state = (ObjectNode) j.get("State");
    state.put("Status", "exited").put("Running", false).put("Pid", 0).put("ExitCode", 137);
    ContainerInfo c = InspectMapper.map(j, IMAGE);
    assertThat(c.running()).isFalse();
    assertThat(c.initPid()).isZero();
  }

  @Test
  void map_notRunningWithStalePid_stillHasInitPidZero() throws IOException {
    ObjectNode j = fixture();
    ((ObjectNode) j.get("State")).put("Running", false);
    assertThat(InspectMapper.map(j, IMAGE).initPid()).isZero();
  }

  @Test
  void map_neverStarted_startedAtIsEpoch() throws IOException {
    ObjectNode j = fixture();
    ((ObjectNode) j.get("State")).put("Running", false).put("Pid", 0).put("StartedAt", "0001-01-01T00:00:00Z");
    assertThat(InspectMapper.map(j, IMAGE).startedAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void map_healthcheck_keepsCmdShellForm() throws IOException {
    assertThat(running().healthcheck()).containsExactly("CMD-SHELL", "wget -q -O- http://127.0.0.1:1/ || true");
  }

  @Test
  void map_labels_preservedVerbatimIncludingShellAndEscapeCharacters() throws IOException {
    assertThat(running().labels()).containsExactly(
        java.util.Map.entry("evil", "$(rm -rf /) \"q\" \\x1b[31m"));
  }

  @Test
  void map_labelWithControlCharacters_preservedVerbatim() throws IOException {
    ObjectNode j = fixture();
    ((ObjectNode) j.get("Config").get("Labels")).put("esc", "\u001b[31mred\nnext");
    assertThat(InspectMapper.map(j, IMAGE).labels()).containsEntry("esc", "\u001b[31mred\nnext");
  }

  @Test
  void map_entrypointAndCmd_concatenated() throws IOException {
    ObjectNode j = fixture();
    assertThat(InspectMapper.map(j, IMAGE).entrypoint()).containsExactly("sleep", "600");
    ((ObjectNode) j.get("Config")).putArray("Entrypoint").add("/bin/sh").add("-c");
    assertThat(InspectMapper.map(j, IMAGE).entrypoint()).containsExactly("/bin/sh", "-c", "sleep", "600");
  }

  @Test
  void map_restartPolicyAndUser() throws IOException {
    ContainerInfo c = running();
    assertThat(c.restartPolicy()).isEqualTo("no");
    assertThat(c.user()).isEmpty();
  }

  @Test
  void map_minimalDocument_doesNotThrowAndUsesDefaults() {
    JsonNode j = JSON.createObjectNode().put("Id", "abc");
    ContainerInfo c = InspectMapper.map(j, new ImageName("", "", ""));
    assertThat(c.ref().id()).isEqualTo("abc");
    assertThat(c.ref().name()).isEmpty();
    assertThat(c.running()).isFalse();
    assertThat(c.mounts()).isEmpty();
    assertThat(c.labels()).isEmpty();
    assertThat(c.startedAt()).isEqualTo(Instant.EPOCH);
  }
}
