package dev.vigil.sensor.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where one container's resource counters are, resolved once from its init process's {@code /proc/<pid>/cgroup}
 * when the container is first seen. Each counter is looked up on its own, so one rule covers every layout:
 * a cgroup v1 hierarchy that carries the controller (cgroupfs driver: {@code <root>/memory/docker/<id>}; the
 * hierarchy directory is tried under the name the kernel lists, e.g. {@code cpu,cpuacct}, then under the controller's
 * own name), else the unified (v2) hierarchy, which is {@code <root>} itself on a pure v2 host and
 * {@code <root>/unified} on a hybrid one (systemd driver: {@code <root>/system.slice/docker-<id>.scope}). On a hybrid
 * host the unified tree usually has no controllers, so the v1 files win, except {@code cpu.stat}, which v2 keeps
 * even without the cpu controller and serves when no cpuacct hierarchy is mounted.
 *
 * <p>A path below the container's own cgroup (a container that made sub-cgroups, e.g. systemd's
 * {@code .../docker-<id>.scope/init.scope}) is cut back to the segment that names the container, so the counters
 * cover all its processes. CPU and memory usage are required; the rest (memory.stat, the limit, pids, block I/O)
 * may be absent on a kernel or a configuration without them and then read as 0.
 *
 * @param cpu {@code cpuacct.usage} (v1, ns) or {@code cpu.stat} (v2, {@code usage_usec})
 * @param memoryUsage {@code memory.usage_in_bytes} (v1) or {@code memory.current} (v2)
 * @param memoryStat {@code memory.stat}, or null
 * @param memoryLimit {@code memory.limit_in_bytes} (v1) or {@code memory.max} (v2), or null
 * @param pids {@code pids.current}, or null
 * @param io {@code blkio.throttle.io_service_bytes_recursive} (v1) or {@code io.stat} (v2), or null
 */
record CgroupFiles(Path cpu, boolean cpuV2, Path memoryUsage, boolean memoryV2, Path memoryStat, Path memoryLimit,
    Path pids, Path io, boolean ioV2) {

  /** One hierarchy line of /proc/pid/cgroup: the controllers as the kernel lists them, and the path. */
  private record Line(String controllers, String path) {}

  /**
   * Resolves the counters of the cgroup described by {@code cgroupText} (the text of /proc/pid/cgroup).
   *
   * @param containerId the container's full id, used to cut paths back to the container's own cgroup
   * @param cgroupRoot where the cgroup hierarchies are mounted, normally /sys/fs/cgroup
   * @throws IOException naming what is missing, when the CPU or memory usage file cannot be found, or when no
   *     cgroup path names the container (the pid now belongs to another process)
   */
  static CgroupFiles resolve(String cgroupText, String containerId, Path cgroupRoot) throws IOException {
    Map<String, Line> v1 = new HashMap<>();
    String v2Path = null;
    boolean named = containerId.isEmpty();
    for (String line : cgroupText.split("\n")) {
      int a = line.indexOf(':');
      int b = a < 0 ? -1 : line.indexOf(':', a + 1);
      if (b < 0) {
        continue;
      }
      String controllers = line.substring(a + 1, b);
      String path = scope(line.substring(b + 1).trim(), containerId);
      if (path == null) {
        continue;
      }
      named |= path.contains(containerId);
      if (line.startsWith("0::")) {
        v2Path = path;
      } else {
        for (String c : controllers.split(",")) {
          v1.put(c, new Line(controllers, path));
        }
      }
    }
    if (!named) {
      // The pid was reused by a process outside the container (it stopped since the inventory looked), or the
      // agent sees the paths relative to a cgroup namespace of its own.
      throw new IOException("no cgroup of container " + containerId + " in the process's cgroup list");
    }
    Path unified = null;
    if (v2Path != null) {
      if (Files.isRegularFile(cgroupRoot.resolve("cgroup.controllers"))) {
        unified = under(cgroupRoot, v2Path);
      } else if (Files.isRegularFile(cgroupRoot.resolve("unified").resolve("cgroup.controllers"))) {
        unified = under(cgroupRoot.resolve("unified"), v2Path);
      }
    }
    Path cpu = v1File(cgroupRoot, v1, "cpuacct", "cpuacct.usage");
    boolean cpuV2 = cpu == null;
    if (cpuV2) {
      cpu = v2File(unified, "cpu.stat");
    }
    Path memUsage = v1File(cgroupRoot, v1, "memory", "memory.usage_in_bytes");
    boolean memV2 = memUsage == null;
    if (memV2) {
      memUsage = v2File(unified, "memory.current");
    }
    if (cpu == null || memUsage == null) {
      throw new IOException("no " + (cpu == null ? "cpuacct.usage or cpu.stat" : "memory.usage_in_bytes or "
          + "memory.current") + " for cgroup " + (v2Path != null ? v2Path : v1.values().stream().map(Line::path)
          .findFirst().orElse("?")) + " under " + cgroupRoot);
    }
    Path memDir = memUsage.getParent();
    Path stat = existing(memDir.resolve("memory.stat"));
    Path limit = existing(memDir.resolve(memV2 ? "memory.max" : "memory.limit_in_bytes"));
    Path pids = v1File(cgroupRoot, v1, "pids", "pids.current");
    if (pids == null) {
      pids = v2File(unified, "pids.current");
    }
    Path io = v1File(cgroupRoot, v1, "blkio", "blkio.throttle.io_service_bytes_recursive");
    boolean ioV2 = io == null;
    if (ioV2) {
      io = v2File(unified, "io.stat");
    }
    return new CgroupFiles(cpu, cpuV2, memUsage, memV2, stat, limit, pids, io, ioV2);
  }

  /**
   * The path cut after the segment that names the container ({@code <id>} or {@code <prefix>-<id>.scope}); the
   * path as it is when no segment does; null for a path that climbs ({@code ..}), which the kernel never prints.
   */
  static String scope(String path, String containerId) {
    if (!path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      return null;
    }
    int at = containerId.isEmpty() ? -1 : path.lastIndexOf(containerId);
    if (at < 0) {
      return path;
    }
    int end = path.indexOf('/', at + containerId.length());
    return end < 0 ? path : path.substring(0, end);
  }

  private static Path under(Path root, String cgroupPath) {
    return cgroupPath.equals("/") ? root : root.resolve(cgroupPath.substring(1));
  }

  private static Path v1File(Path cgroupRoot, Map<String, Line> v1, String controller, String file) {
    Line l = v1.get(controller);
    if (l == null) {
      return null;
    }
    Path f = existing(under(cgroupRoot.resolve(l.controllers()), l.path()).resolve(file));
    if (f == null && !l.controllers().equals(controller)) {
      f = existing(under(cgroupRoot.resolve(controller), l.path()).resolve(file));
    }
    return f;
  }

  private static Path v2File(Path dir, String file) {
    return dir == null ? null : existing(dir.resolve(file));
  }

  private static Path existing(Path p) {
    return Files.exists(p) ? p : null;
  }
}
