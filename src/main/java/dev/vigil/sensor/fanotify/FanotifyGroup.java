package dev.vigil.sensor.fanotify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import dev.vigil.sensor.LibC;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One fanotify group (one descriptor from fanotify_init) of one class, with its filesystem marks. Observation uses
 * a {@link EventClass#NOTIF} group; enforcement will use a separate {@link EventClass#CONTENT} group, because
 * permission events need that class and an answer per event (see {@link PermissionDecider}).
 *
 * <p>Thread-safety: marking, unmarking and {@link #close()} may come from any thread (they hold the group's lock);
 * {@link #read} and {@link #respond} may be called by several reader threads at once, each with its own buffers
 * (the kernel hands every event to exactly one read); {@link #close()} must only be called after the readers have
 * stopped, so none reads a recycled descriptor number.
 */
public final class FanotifyGroup implements AutoCloseable {

  /** The group's class: the order in which the kernel notifies groups, and whether permission events are allowed. */
  public enum EventClass {
    /** Notification only; cannot receive permission events. */
    NOTIF(Fanotify.FAN_CLASS_NOTIF),
    /** May receive permission events (e.g. FAN_OPEN_EXEC_PERM) after the file's content is final. */
    CONTENT(Fanotify.FAN_CLASS_CONTENT);

    final int flag;

    EventClass(int flag) {
      this.flag = flag;
    }
  }

  private final EventClass eventClass;
  private final Object lock = new Object();
  private volatile int fd;

  private FanotifyGroup(int fd, EventClass eventClass) {
    this.fd = fd;
    this.eventClass = eventClass;
  }

  /**
   * Creates a group: {@code fanotify_init(FAN_CLOEXEC | FAN_NONBLOCK | class [| FAN_UNLIMITED_QUEUE], O_RDONLY |
   * O_LARGEFILE | O_CLOEXEC)}. Event descriptors are opened read-only and close-on-exec. The group descriptor is
   * non-blocking so that several readers can share it: each waits in poll(2) and a reader that loses the race for
   * the queued events just polls again.
   *
   * @param unlimitedQueue no kernel queue bound (no overflow, but unbounded kernel memory when the reader lags)
   * @throws FanotifyException with the reason (no CAP_SYS_ADMIN, no kernel support, limit reached)
   */
  public static FanotifyGroup open(EventClass eventClass, boolean unlimitedQueue) {
    return open(eventClass, unlimitedQueue ? Fanotify.FAN_UNLIMITED_QUEUE : 0,
        eventClass.name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Creates a notification group that reports file handles instead of descriptors ({@code FAN_REPORT_FID}, Linux
   * 5.1), with the default bounded queue. Such a group cannot receive permission events, and its filesystem marks
   * need a filesystem that can decode file handles (ext4, xfs, btrfs; not overlayfs without {@code nfs_export}),
   * while inode marks only need to encode them (overlayfs since Linux 6.6). {@link RenameWatch} uses one with
   * inode marks on the directories of remembered paths.
   */
  static FanotifyGroup openFid() {
    return open(EventClass.NOTIF, Fanotify.FAN_REPORT_FID, "notif, FAN_REPORT_FID");
  }

  private static FanotifyGroup open(EventClass eventClass, int extraFlags, String what) {
    requireBinding();
    int flags = Fanotify.FAN_CLOEXEC | Fanotify.FAN_NONBLOCK | eventClass.flag | extraFlags;
    try {
      int fd = Fanotify.fanotify_init(flags, LibC.O_RDONLY | LibC.O_LARGEFILE | LibC.O_CLOEXEC);
      return new FanotifyGroup(fd, eventClass);
    } catch (LastErrorException e) {
      throw FanotifyException.of("fanotify_init", e.getErrorCode(), what);
    }
  }

  static void requireBinding() {
    Throwable err = Fanotify.loadError();
    if (err != null) {
      throw new FanotifyException(FanotifyException.Reason.UNSUPPORTED,
          "cannot bind libc's fanotify calls: " + err.getMessage(), err);
    }
  }

  public EventClass eventClass() {
    return eventClass;
  }

  /**
   * Adds {@code mask} to the mark on the filesystem holding {@code path} ({@code FAN_MARK_FILESYSTEM}): every file
   * of that superblock, however it is reached, in any mount namespace.
   *
   * @return the filesystem's device id (see {@link #deviceOf(String)}), which identifies its events
   * @throws FanotifyException when the kernel refuses (EPERM, EINVAL on an old kernel, ENOENT for a gone path)
   */
  public long markFilesystem(String path, long mask) {
    byte[] p = LibC.cString(path);
    synchronized (lock) {
      requireOpen();
      try {
        Fanotify.fanotify_mark(fd, Fanotify.FAN_MARK_ADD | Fanotify.FAN_MARK_FILESYSTEM, mask, LibC.AT_FDCWD, p);
      } catch (LastErrorException e) {
        throw FanotifyException.of("fanotify_mark", e.getErrorCode(), "FAN_MARK_ADD|FAN_MARK_FILESYSTEM, " + path);
      }
    }
    return deviceOf(path);
  }

  /**
   * Removes the filesystem mark on {@code path}, but only while {@code path} is still on the device that was
   * marked: once a container's overlay is unmounted the kernel has dropped the mark with the superblock, and the
   * path then lies on the host's filesystem, which must not be touched.
   *
   * @return true when a mark was removed, false when it was already gone
   */
  public boolean unmarkFilesystem(String path, long mask, long device) {
    if (device == -1 || deviceOf(path) != device) {
      return false;
    }
    byte[] p = LibC.cString(path);
    synchronized (lock) {
      if (fd < 0) {
        return false;
      }
      try {
        Fanotify.fanotify_mark(fd, Fanotify.FAN_MARK_REMOVE | Fanotify.FAN_MARK_FILESYSTEM, mask, LibC.AT_FDCWD,
            p);
        return true;
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibC.ENOENT) {
          return false;
        }
        throw FanotifyException.of("fanotify_mark", e.getErrorCode(), "FAN_MARK_REMOVE|FAN_MARK_FILESYSTEM, " + path);
      }
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for events and reads as many whole events as fit into {@code buf} (direct).
   * {@code pollFd} is the caller's 8-byte direct scratch buffer (struct pollfd).
   *
   * @return bytes read; 0 on timeout or interruption; -1 when the group is closed
   * @throws FanotifyException when the kernel failed to hand over one event (e.g. EMFILE opening its descriptor;
   *     that event is lost, later ones are not) or the descriptor is unusable
   */
  int read(ByteBuffer buf, ByteBuffer pollFd, int timeoutMillis) {
    int f = fd;
    if (f < 0) {
      return -1;
    }
    pollFd.putInt(0, f).putShort(4, LibC.POLLIN).putShort(6, (short) 0);
    int ready = LibC.poll(LibC.address(pollFd), 1, timeoutMillis);
    if (ready <= 0) {
      Reference.reachabilityFence(pollFd);
      return 0;
    }
    long n = LibC.read(f, LibC.address(buf), buf.capacity());
    Reference.reachabilityFence(pollFd);
    Reference.reachabilityFence(buf);
    if (n >= 0) {
      return (int) n;
    }
    int errno = Native.getLastError();
    if (errno == LibC.EINTR || errno == LibC.EAGAIN) {
      return 0;
    }
    throw FanotifyException.of("read", errno, "fanotify fd " + f);
  }

  /**
   * Answers a permission event ({@code struct fanotify_response}). Only meaningful for {@link EventClass#CONTENT}
   * groups; every permission event must be answered exactly once, before its descriptor is closed. {@code scratch}
   * is the caller's 8-byte direct buffer in native order.
   */
  void respond(int eventFd, int answer, ByteBuffer scratch) {
    scratch.putInt(0, eventFd).putInt(4, answer);
    if (LibC.write(fd, scratch, 8) != 8) {
      throw FanotifyException.of("write", Native.getLastError(), "fanotify_response for fd " + eventFd);
    }
  }

  /**
   * The device id of the filesystem holding {@code path} ({@code major << 32 | minor} from statx), -1 when it
   * cannot be read. Each overlay mount has its own anonymous device.
   */
  public static long deviceOf(String path) {
    requireBinding();
    ByteBuffer st = ByteBuffer.allocateDirect(Fanotify.STATX_SIZE).order(ByteOrder.nativeOrder());
    if (Fanotify.statx(LibC.AT_FDCWD, LibC.directCString(path), 0, 0, st) != 0) {
      return -1;
    }
    return device(st);
  }

  private static long device(ByteBuffer st) {
    return ((st.getInt(Fanotify.STATX_DEV_MAJOR) & 0xffffffffL) << 32) | (st.getInt(Fanotify.STATX_DEV_MINOR)
        & 0xffffffffL);
  }

  /** The kernel's own encoding of a device id (as printed in fdinfo's {@code sdev:}): major << 20 | minor. */
  public static long kernelDev(long device) {
    return ((device >>> 32) << 20) | (device & 0xfffff);
  }

  /**
   * The group's filesystem marks as the kernel lists them in {@code /proc/self/fdinfo}, e.g.
   * {@code fanotify sdev:3d mflags:0 mask:1018 ignored_mask:0}; for diagnostics and tests.
   */
  public List<String> filesystemMarks() {
    int f = fd;
    if (f < 0) {
      return List.of();
    }
    try {
      return Files.readAllLines(Path.of("/proc/self/fdinfo/" + f), StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("fanotify sdev:")).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private void requireOpen() {
    if (fd < 0) {
      throw new FanotifyException(FanotifyException.Reason.FAILED, 0, "the fanotify group is closed");
    }
  }

  /** The descriptor, -1 once closed. */
  int fd() {
    return fd;
  }

  /** Closes the descriptor, which drops every mark; idempotent. Only after the reader thread has stopped. */
  @Override
  public void close() {
    synchronized (lock) {
      if (fd >= 0) {
        LibC.close(fd);
        fd = -1;
      }
    }
  }
}
