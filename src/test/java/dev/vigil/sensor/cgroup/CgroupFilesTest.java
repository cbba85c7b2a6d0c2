package dev.vigil.sensor.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a container's counters are, on fake v1, v2 and hybrid trees. */
class CgroupFilesTest {

  static final String ID = "2629571ef08227811487c5aab6ff376cc0ef565ddf36a6e2d65199b4bf448d76";

  @TempDir
  Path dir;

  private String cgroupText(FakeCgroupHost h, long pid) throws IOException {
    return Files.readString(h.proc.resolve(pid + "/cgroup"));
  }

  @Test
  void v1Cgroupfs_perControllerHierarchies() throws IOException {
    FakeCgroupHost h = new FakeCgroupHost(dir).v1Process(7, ID).unifiedRoot().v1(ID, 1, 2, 0, 3, 1, 100, 10);

    CgroupFiles f = CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup);

    assertThat(f.cpu()).isEqualTo(h.v1Dir("cpuacct", ID).resolve("cpuacct.usage"));
    assertThat(f.cpuV2()).isFalse();
    assertThat(f.memoryUsage()).isEqualTo(h.v1Dir("memory", ID).resolve("memory.usage_in_bytes"));
    assertThat(f.memoryV2()).isFalse();
    assertThat(f.memoryStat()).isEqualTo(h.v1Dir("memory", ID).resolve("memory.stat"));
    assertThat(f.memoryLimit()).isEqualTo(h.v1Dir("memory", ID).resolve("memory.limit_in_bytes"));
    assertThat(f.pids()).isEqualTo(h.v1Dir("pids", ID).resolve("pids.current"));
    assertThat(f.io()).isEqualTo(h.v1Dir("blkio", ID).resolve("blkio.throttle.io_service_bytes_recursive"));
    assertThat(f.ioV2()).isFalse();
  }

  @Test
  void v1CombinedCpuHierarchy_foundUnderTheListedName() throws IOException {
    FakeCgroupHost h = new FakeCgroupHost(dir);
    FakeCgroupHost.write(h.proc.resolve("7/cgroup"), "4:memory:/docker/" + ID + "\n3:cpu,cpuacct:/docker/" + ID
        + "\n");
    Path cpu = h.cgroup.resolve("cpu,cpuacct/docker/" + ID + "/cpuacct.usage");
    FakeCgroupHost.write(cpu, "5\n");
    FakeCgroupHost.write(h.v1Dir("memory", ID).resolve("memory.usage_in_bytes"), "5\n");

    CgroupFiles f = CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup);

    assertThat(f.cpu()).isEqualTo(cpu);
    assertThat(f.memoryStat()).as("absent: optional").isNull();
    assertThat(f.memoryLimit()).isNull();
    assertThat(f.pids()).isNull();
    assertThat(f.io()).isNull();
  }

  @Test
  void v2SystemdDriver_unifiedAtTheRoot() throws IOException {
    String scope = "/system.slice/docker-" + ID + ".scope";
    FakeCgroupHost h = new FakeCgroupHost(dir).v2Root("cpuset cpu io memory hugetlb pids rdma misc")
        .v2Process(7, scope).v2(scope, 1, 2, 0, -1, 1, 10, 20);

    CgroupFiles f = CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup);

    Path d = h.cgroup.resolve(scope.substring(1));
    assertThat(f.cpu()).isEqualTo(d.resolve("cpu.stat"));
    assertThat(f.cpuV2()).isTrue();
    assertThat(f.memoryUsage()).isEqualTo(d.resolve("memory.current"));
    assertThat(f.memoryV2()).isTrue();
    assertThat(f.memoryLimit()).isEqualTo(d.resolve("memory.max"));
    assertThat(f.pids()).isEqualTo(d.resolve("pids.current"));
    assertThat(f.io()).isEqualTo(d.resolve("io.stat"));
    assertThat(f.ioV2()).isTrue();
  }

  @Test
  void v2_processInASubCgroup_cutBackToTheContainers() throws IOException {
    String scope = "/system.slice/docker-" + ID + ".scope";
    FakeCgroupHost h = new FakeCgroupHost(dir).v2Root("cpu io memory pids").v2Process(7, scope + "/init.scope")
        .v2(scope, 1, 2, 0, -1, 1, 10, 20);

    CgroupFiles f = CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup);

    assertThat(f.cpu()).isEqualTo(h.cgroup.resolve(scope.substring(1)).resolve("cpu.stat"));
  }

  @Test
  void v2Cgroupfs_dockerPath() throws IOException {
    FakeCgroupHost h = new FakeCgroupHost(dir).v2Root("cpu io memory pids").v2Process(7, "/docker/" + ID)
        .v2("/docker/" + ID, 1, 2, 0, -1, 1, 10, 20);

    CgroupFiles f = CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup);

    assertThat(f.memoryUsage()).isEqualTo(h.cgroup.resolve("docker/" + ID + "/memory.current"));
  }

  @Test
  void hybrid_v1ControllersWin_unifiedCpuStatOnlyWithoutCpuacct() throws IOException {
    FakeCgroupHost h = new FakeCgroupHost(dir).unifiedRoot();
    // cpuacct is not mounted as v1 here; the unified tree has cpu.stat (always there in v2) but no memory files.
    FakeCgroupHost.write(h.proc.resolve("7/cgroup"), "4:memory:/docker/" + ID + "\n1:pids:/docker/" + ID
        + "\n0::/docker/" + ID + "\n");
    Path unified = h.cgroup.resolve("unified/docker/" + ID);
    FakeCgroupHost.write(unified.resolve("cpu.stat"), "usage_usec 5\n");
    FakeCgroupHost.write(unified.resolve("memory.stat"), "anon 0\n");
    FakeCgroupHost.write(h.v1Dir("memory", ID).resolve("memory.usage_in_bytes"), "5\n");
    FakeCgroupHost.write(h.v1Dir("pids", ID).resolve("pids.current"), "1\n");

    CgroupFiles f = CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup);

    assertThat(f.cpu()).isEqualTo(unified.resolve("cpu.stat"));
    assertThat(f.cpuV2()).isTrue();
    assertThat(f.memoryUsage()).isEqualTo(h.v1Dir("memory", ID).resolve("memory.usage_in_bytes"));
    assertThat(f.memoryV2()).isFalse();
    assertThat(f.pids()).isEqualTo(h.v1Dir("pids", ID).resolve("pids.current"));
  }

  @Test
  void noMemoryCounters_explained() {
    FakeCgroupHost h = new FakeCgroupHost(dir).v1Process(7, ID);
    FakeCgroupHost.write(h.v1Dir("cpuacct", ID).resolve("cpuacct.usage"), "5\n");

    assertThatThrownBy(() -> CgroupFiles.resolve(cgroupText(h, 7), ID, h.cgroup)).isInstanceOf(IOException.class)
        .hasMessageContaining("memory.usage_in_bytes or memory.current").hasMessageContaining("/docker/" + ID);
  }

  @Test
  void pidReusedByAnotherProcess_refused() {
    FakeCgroupHost h = new FakeCgroupHost(dir).v1Process(7, ID).v1(ID, 1, 2, 0, 3, 1, 100, 10);
    String other = ID.replace('2', '3');

    assertThatThrownBy(() -> CgroupFiles.resolve(cgroupText(h, 7), other, h.cgroup))
        .isInstanceOf(IOException.class).hasMessageContaining("no cgroup of container " + other);
  }

  @Test
  void scope_cutsAfterTheContainersSegment_refusesClimbing() {
    assertThat(CgroupFiles.scope("/docker/" + ID, ID)).isEqualTo("/docker/" + ID);
    assertThat(CgroupFiles.scope("/docker/" + ID + "/sub/x", ID)).isEqualTo("/docker/" + ID);
    assertThat(CgroupFiles.scope("/system.slice/docker-" + ID + ".scope/init.scope", ID))
        .isEqualTo("/system.slice/docker-" + ID + ".scope");
    assertThat(CgroupFiles.scope("/user.slice", ID)).isEqualTo("/user.slice");
    assertThat(CgroupFiles.scope("/docker/../etc", ID)).isNull();
    assertThat(CgroupFiles.scope("docker", ID)).isNull();
  }
}
