package dev.vigil.sensor.fanotify;

import dev.vigil.event.ContainerRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which container an event belongs to and what the path is inside it. A container is found by the device of the
 * event's file: each overlay mount is its own filesystem with its own device, so the device names exactly one
 * container's root filesystem. The path comes from readlink of the event's descriptor, which the kernel renders
 * relative to the root of the mount namespace the file was opened in: for a process in the container that is
 * already the path inside it ({@code /etc/shadow}); for a host process going through the overlay's MergedDir it
 * is the host path, whose MergedDir prefix is stripped. When the device is unknown (or could not be read), the
 * longest MergedDir prefix of the host path decides.
 *
 * <p>A stopped container's entry is kept for a grace period, so events queued before it stopped still resolve;
 * a new container reusing the (recycled) device replaces it at once. Thread-safe: marks change on the inventory's
 * thread while the reader resolves.
 */
final class ContainerMarks {

  /**
   * A marked container root filesystem.
   *
   * @param renamesWatched a {@link RenameWatch} can watch directories below its MergedDir, so its paths may be
   *     remembered across read batches
   */
  record Mark(ContainerRef container, String mergedDir, String markedPath, long device, long retiredAtNanos,
      boolean renamesWatched) {

    /** A mark whose renames are not watched. */
    Mark(ContainerRef container, String mergedDir, String markedPath, long device, long retiredAtNanos) {
      this(container, mergedDir, markedPath, device, retiredAtNanos, false);
    }

    Mark retired(long nowNanos) {
      return new Mark(container, mergedDir, markedPath, device, nowNanos, renamesWatched);
    }

    boolean isRetired() {
      return retiredAtNanos != 0;
    }
  }

  /** A resolved event: its container and the absolute path inside the container. */
  record Resolved(ContainerRef container, String path) {}

  private static final String DELETED = " (deleted)";

  private final long graceNanos;
  private final Map<Long, Mark> byDevice = new ConcurrentHashMap<>();
  private final Map<String, Mark> byContainer = new ConcurrentHashMap<>();
  /** Marks with a MergedDir, longest first; replaced (copy on write) under {@code this}. */
  private volatile List<Mark> byPrefix = List.of();
  /** Moves on with every change of the marks (see {@link #version()}). */
  private volatile long version;

  ContainerMarks(long graceNanos) {
    this.graceNanos = graceNanos;
  }

  /** Records a mark, replacing an older one of the same container or on the same device. */
  synchronized void add(Mark m) {
    Mark old = byContainer.put(m.container().id(), m);
    if (old != null && old.device() != m.device()) {
      byDevice.remove(old.device(), old);
    }
    if (m.device() != -1) {
      Mark displaced = byDevice.put(m.device(), m);
      if (displaced != null && !displaced.container().id().equals(m.container().id())) {
        byContainer.remove(displaced.container().id(), displaced);
      }
    }
    rebuildPrefixes();
  }

  /** The live (not retired) mark of a container. */
  Optional<Mark> live(String containerId) {
    Mark m = byContainer.get(containerId);
    return m == null || m.isRetired() ? Optional.empty() : Optional.of(m);
  }

  /** Retires a container's mark (it stopped); it keeps resolving until {@link #sweep} drops it. */
  synchronized Optional<Mark> retire(String containerId, long nowNanos) {
    Mark m = byContainer.get(containerId);
    if (m == null || m.isRetired()) {
      return Optional.empty();
    }
    Mark r = m.retired(nowNanos);
    byContainer.put(containerId, r);
    if (m.device() != -1) {
      byDevice.replace(m.device(), m, r);
    }
    rebuildPrefixes();
    return Optional.of(m);
  }

  /** Drops retired marks older than the grace period. */
  synchronized void sweep(long nowNanos) {
    boolean changed = false;
    for (Mark m : new ArrayList<>(byContainer.values())) {
      if (m.isRetired() && nowNanos - m.retiredAtNanos() > graceNanos) {
        byContainer.remove(m.container().id(), m);
        byDevice.remove(m.device(), m);
        changed = true;
      }
    }
    if (changed) {
      rebuildPrefixes();
    }
  }

  /** Live marks, for diagnostics. */
  List<Mark> live() {
    return byContainer.values().stream().filter(m -> !m.isRetired()).toList();
  }

  /**
   * Changes whenever a mark is added, retired or dropped. Mount ids are reused once a container's overlay is
   * unmounted, and a new container of the same image shows the same lower-layer inodes, so paths remembered by
   * mount and inode must be forgotten when containers come and go.
   */
  long version() {
    return version;
  }

  private void rebuildPrefixes() {
    version++;
    List<Mark> l = new ArrayList<>();
    for (Mark m : byContainer.values()) {
      if (!m.mergedDir().isEmpty()) {
        l.add(m);
      }
    }
    l.sort(Comparator.comparingInt((Mark m) -> m.mergedDir().length()).reversed());
    byPrefix = List.copyOf(l);
  }

  /** The mark (live or retired) of the filesystem with this device, null when none or {@code device} is -1. */
  Mark mark(long device) {
    return device == -1 ? null : byDevice.get(device);
  }

  /**
   * Resolves an event from its file's device and readlink text.
   *
   * @param device from statx of the event descriptor, -1 when unknown
   * @return null when the link is not a path or no marked container matches
   */
  Resolved resolve(long device, String link) {
    return resolve(mark(device), link);
  }

  /**
   * {@link #resolve(long, String)} with the device's mark already looked up ({@link #mark(long)}).
   *
   * @param m the mark of the file's device, null when the device is unknown or not marked
   */
  Resolved resolve(Mark m, String link) {
    if (link.isEmpty() || link.charAt(0) != '/') {
      return null; // "anon_inode:...", "pipe:[...]": not a file of a marked filesystem
    }
    String path = link.endsWith(DELETED) ? link.substring(0, link.length() - DELETED.length()) : link;
    if (m != null) {
      String inside = m.mergedDir().isEmpty() ? null : strip(m.mergedDir(), path);
      return new Resolved(m.container(), inside != null ? inside : path);
    }
    for (Mark p : byPrefix) {
      String inside = strip(p.mergedDir(), path);
      if (inside != null) {
        return new Resolved(p.container(), inside);
      }
    }
    return null;
  }

  /** The path inside the container when {@code hostPath} is {@code mergedDir} or below it, else null. */
  static String strip(String mergedDir, String hostPath) {
    if (!hostPath.startsWith(mergedDir)) {
      return null;
    }
    if (hostPath.length() == mergedDir.length()) {
      return "/";
    }
    return hostPath.charAt(mergedDir.length()) == '/' ? hostPath.substring(mergedDir.length()) : null;
  }
}
