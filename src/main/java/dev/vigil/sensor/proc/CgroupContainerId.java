package dev.vigil.sensor.proc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds container ids in the text of {@code /proc/<pid>/cgroup}, for cgroup v1 and v2 with either cgroup driver:
 * {@code /docker/<id>} (cgroupfs), {@code /system.slice/docker-<id>.scope} (systemd), Kubernetes and other runtimes
 * ({@code /kubepods/.../<id>}, {@code cri-containerd-<id>.scope}, {@code libpod-<id>.scope}), and paths below a
 * container's own cgroup ({@code .../docker-<id>.scope/init.scope}). An id is 64 lowercase hex characters forming a
 * whole path segment, optionally with a {@code <runtime>-} prefix and a {@code .scope} suffix. Stateless; thread-safe.
 */
public final class CgroupContainerId {

  private static final int ID_LEN = 64;

  private CgroupContainerId() {}

  /**
   * The id of the innermost container the process belongs to, empty for a host process. When a container runs
   * inside another (docker-in-docker), {@link #all} lists both.
   */
  public static Optional<String> of(String cgroupText) {
    List<String> ids = all(cgroupText);
    return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
  }

  /**
   * Every container id on the process's cgroup path, innermost first; empty for a host process. All hierarchies
   * are read (the v2 line first) because in hybrid mode the unified line may be just {@code /} while v1 lines carry
   * the container's path.
   */
  public static List<String> all(String cgroupText) {
    String best = null;
    for (String line : cgroupText.split("\n")) {
      // hierarchy-id:controllers:path; the path may itself contain ':' so split at the first two only.
      int a = line.indexOf(':');
      int b = a < 0 ? -1 : line.indexOf(':', a + 1);
      if (b < 0) {
        continue;
      }
      String path = line.substring(b + 1).trim();
      boolean unified = line.startsWith("0::");
      List<String> ids = idsInPath(path);
      if (!ids.isEmpty() && (best == null || unified)) {
        best = path;
        if (unified) {
          break;
        }
      }
    }
    return best == null ? List.of() : idsInPath(best);
  }

  /** The ids in one cgroup path, innermost (last) first. */
  static List<String> idsInPath(String path) {
    List<String> out = new ArrayList<>(1);
    String[] segments = path.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      String id = idInSegment(segments[i]);
      if (id != null && !out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static String idInSegment(String s) {
    String core = s.endsWith(".scope") ? s.substring(0, s.length() - ".scope".length()) : s;
    if (core.length() < ID_LEN) {
      return null;
    }
    String id = core.substring(core.length() - ID_LEN);
    // The part before the id must be empty or a runtime prefix ending in '-' (docker-, cri-containerd-, crio-, ...).
    if (core.length() > ID_LEN && core.charAt(core.length() - ID_LEN - 1) != '-') {
      return null;
    }
    for (int i = 0; i < ID_LEN; i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return null;
      }
    }
    return id;
  }
}
