package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Container ids from /proc/<pid>/cgroup as written by real hosts (cgroup v1/v2, cgroupfs/systemd, k8s, nested). */
class CgroupContainerIdTest {

  private static final String ID = "20b037b9c15f35d395bd56291f739d391b52ae87a735eebbab675dc66789b685";
  private static final String OTHER = "46a852c87f60fc552daed205068333327b39d4158f6d97857c34f29a62d65995";

  @Test
  void cgroupV1Cgroupfs_dockerHybridHost() {
    // This host (Docker 20.10, cgroup v1 with the unified line too).
    String text = "9:name=systemd:/docker/" + ID + "\n8:pids:/docker/" + ID + "\n7:blkio:/docker/" + ID
        + "\n4:memory:/docker/" + ID + "\n1:cpu:/docker/" + ID + "\n0::/docker/" + ID + "\n";
    assertThat(CgroupContainerId.of(text)).contains(ID);
  }

  @Test
  void cgroupV1Systemd_driver() {
    String text = "12:pids:/system.slice/docker-" + ID + ".scope\n"
        + "11:memory:/system.slice/docker-" + ID + ".scope\n"
        + "1:name=systemd:/system.slice/docker-" + ID + ".scope\n";
    assertThat(CgroupContainerId.of(text)).contains(ID);
  }

  @Test
  void cgroupV2_systemdAndCgroupfs() {
    assertThat(CgroupContainerId.of("0::/system.slice/docker-" + ID + ".scope\n")).contains(ID);
    assertThat(CgroupContainerId.of("0::/docker/" + ID + "\n")).contains(ID);
  }

  @Test
  void hybrid_unifiedLineIsRoot_v1LinesCarryTheContainer() {
    String text = "5:devices:/docker/" + ID + "\n1:name=systemd:/docker/" + ID + "\n0::/\n";
    assertThat(CgroupContainerId.of(text)).contains(ID);
  }

  @Test
  void kubernetes_cgroupfsAndSystemd() {
    assertThat(CgroupContainerId.of("11:memory:/kubepods/burstable/pod0f3c5e4a-9d1e-4d6b-8c1f-2b7a0e9d4c11/" + ID
        + "\n")).contains(ID);
    assertThat(CgroupContainerId.of("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f3c5e4a_9d1e"
        + "_4d6b_8c1f_2b7a0e9d4c11.slice/cri-containerd-" + ID + ".scope\n")).contains(ID);
    assertThat(CgroupContainerId.of("0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab12.slice"
        + "/crio-" + ID + ".scope\n")).contains(ID);
  }

  @Test
  void belowTheContainersScope_andPodman() {
    assertThat(CgroupContainerId.of("0::/system.slice/docker-" + ID + ".scope/init.scope\n")).contains(ID);
    assertThat(CgroupContainerId.of("0::/system.slice/docker-" + ID + ".scope/system.slice/nginx.service\n"))
        .contains(ID);
    assertThat(CgroupContainerId.of("0::/machine.slice/libpod-" + ID + ".scope/container\n")).contains(ID);
  }

  @Test
  void dockerInDocker_innermostFirst() {
    String text = "0::/docker/" + OTHER + "/docker/" + ID + "\n";
    assertThat(CgroupContainerId.all(text)).containsExactly(ID, OTHER);
    assertThat(CgroupContainerId.of(text)).contains(ID);
  }

  @Test
  void hostProcesses_haveNoId() {
    assertThat(CgroupContainerId.of("0::/user.slice/user-1000.slice/session-3.scope\n")).isEmpty();
    assertThat(CgroupContainerId.of("0::/\n")).isEmpty();
    assertThat(CgroupContainerId.of("0::/system.slice/docker.service\n")).isEmpty();
    // This host's agent: a 32-hex segment is not a container id.
    assertThat(CgroupContainerId.of("4:memory:/process_api/bddb5bf91c225b73af1553d7fe8a3bdf\n0::/\n")).isEmpty();
    assertThat(CgroupContainerId.of("")).isEmpty();
  }

  @Test
  void lookalikes_areNotIds() {
    assertThat(CgroupContainerId.of("0::/docker/" + ID.toUpperCase() + "\n")).isEmpty();
    assertThat(CgroupContainerId.of("0::/docker/" + ID.substring(1) + "g\n")).isEmpty();
    assertThat(CgroupContainerId.of("0::/docker/a" + ID + "\n")).isEmpty(); // 65 hex
    assertThat(CgroupContainerId.of("0::/system.slice/xdocker" + ID + ".scope\n")).isEmpty(); // no '-' separator
    assertThat(CgroupContainerId.of("garbage without colons\n")).isEmpty();
  }
}
