package dev.vigil.sensor.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake host in a temporary directory: {@code proc/} (meminfo, per-pid cgroup list and net/dev) and {@code cgroup/}
 * laid out as cgroup v1 (cgroupfs driver, one hierarchy per controller), v2 (systemd driver) or hybrid. Files are
 * rewritten in place (same inode), as the kernel's are regenerated, so descriptors the sensor keeps see new values.
 */
final class FakeCgroupHost {

  static final String NET_DEV_HEADER = "Inter-|   Receive                                                |  Transmit\n"
      + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls"
      + " carrier compressed\n";
  static final long HOST_MEMORY_KB = 24684096;
  /** What cgroup v1 prints for no memory limit (LONG_MAX rounded down to a page). */
  static final long V1_UNLIMITED = 9223372036854771712L;

  final Path proc;
  final Path cgroup;

  FakeCgroupHost(Path root) {
    this.proc = root.resolve("proc");
    this.cgroup = root.resolve("cgroup");
    write(proc.resolve("meminfo"), "MemTotal:       " + HOST_MEMORY_KB + " kB\nMemFree:         1000 kB\n");
  }

  static void write(Path p, String text) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code /proc/<pid>/cgroup} of a v1 cgroupfs container (with the hybrid unified line). */
  FakeCgroupHost v1Process(long pid, String id) {
    StringBuilder b = new StringBuilder();
    String[] h = {"name=systemd", "pids", "blkio", "freezer", "devices", "memory", "cpuset", "cpuacct", "cpu"};
    for (int i = 0; i < h.length; i++) {
      b.append(h.length - i).append(':').append(h[i]).append(":/docker/").append(id).append('\n');
    }
    b.append("0::/docker/").append(id).append('\n');
    write(proc.resolve(pid + "/cgroup"), b.toString());
    return this;
  }

  /** A v2 (systemd driver) container's cgroup list. */
  FakeCgroupHost v2Process(long pid, String cgroupPath) {
    write(proc.resolve(pid + "/cgroup"), "0::" + cgroupPath + "\n");
    return this;
  }

  FakeCgroupHost v2Root(String controllers) {
    write(cgroup.resolve("cgroup.controllers"), controllers + "\n");
    return this;
  }

  /** The hybrid mode's unified mount, with no controllers enabled. */
  FakeCgroupHost unifiedRoot() {
    write(cgroup.resolve("unified/cgroup.controllers"), "\n");
    return this;
  }

  Path v1Dir(String controller, String id) {
    return cgroup.resolve(controller).resolve("docker").resolve(id);
  }

  /** Writes a v1 container's counters. */
  FakeCgroupHost v1(String id, long cpuNs, long usage, long totalInactiveFile, long limit, long pids, long read,
      long write) {
    write(v1Dir("cpuacct", id).resolve("cpuacct.usage"), cpuNs + "\n");
    write(v1Dir("memory", id).resolve("memory.usage_in_bytes"), usage + "\n");
    write(v1Dir("memory", id).resolve("memory.limit_in_bytes"), limit + "\n");
    write(v1Dir("memory", id).resolve("memory.stat"), "cache 0\nrss 49152\nrss_huge 0\nshmem 0\ninactive_file 7\n"
        + "active_file 0\nhierarchical_memory_limit 9223372036854771712\ntotal_cache 0\ntotal_rss 49152\n"
        + "total_inactive_anon 45056\ntotal_active_anon 4096\ntotal_inactive_file " + totalInactiveFile
        + "\ntotal_active_file 0\ntotal_unevictable 0\n");
    write(v1Dir("pids", id).resolve("pids.current"), pids + "\n");
    write(v1Dir("blkio", id).resolve("blkio.throttle.io_service_bytes_recursive"),
        "8:0 Read " + (read - 100) + "\n8:0 Write " + (write - 10) + "\n8:0 Sync 5\n8:0 Async 9\n8:0 Discard 0\n"
        + "8:0 Total 99\n8:16 Read 100\n8:16 Write 10\n8:16 Total 110\nTotal " + (read + write) + "\n");
    return this;
  }

  /** Writes a v2 container's counters in {@code cgroup/<path>}; limit -1 writes {@code max}. */
  FakeCgroupHost v2(String path, long cpuUsec, long current, long inactiveFile, long limit, long pids, long read,
      long write) {
    Path d = cgroup.resolve(path.substring(1));
    write(d.resolve("cpu.stat"), "usage_usec " + cpuUsec + "\nuser_usec 9776\nsystem_usec 14664\n"
        + "nr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");
    write(d.resolve("memory.current"), current + "\n");
    write(d.resolve("memory.max"), (limit < 0 ? "max" : Long.toString(limit)) + "\n");
    write(d.resolve("memory.stat"), "anon 45056\nfile 8192\nkernel 12000\nactive_anon 4096\ninactive_anon 45056\n"
        + "active_file 0\ninactive_file " + inactiveFile + "\nunevictable 0\n");
    write(d.resolve("pids.current"), pids + "\n");
    write(d.resolve("io.stat"), "8:0 rbytes=" + (read - 1) + " wbytes=" + (write - 2) + " rios=3 wios=4 dbytes=0"
        + " dios=0\n259:0 rbytes=1 wbytes=2 rios=1 wios=1 dbytes=0 dios=0\n");
    return this;
  }

  /** Writes {@code /proc/<pid>/net/dev} with loopback traffic (never counted) and one eth0. */
  FakeCgroupHost netDev(long pid, long rx, long tx) {
    write(proc.resolve(pid + "/net/dev"), NET_DEV_HEADER
        + "    lo: 2676466    9523    0    0    0     0          0         0  2676466    9523    0    0    0     0"
        + "       0          0\n"
        + "  eth0: " + rx + "    4521    0    0    0     0          0         0   " + tx + "    3585    0    0    0"
        + "     0       0          0\n");
    return this;
  }
}
