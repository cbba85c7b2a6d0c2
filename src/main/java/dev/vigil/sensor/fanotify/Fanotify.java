package dev.vigil.sensor.fanotify;

import com.sun.jna.LastErrorException;
import dev.vigil.sensor.LibC;
import java.nio.ByteBuffer;

/**
 * The fanotify sensor's kernel constants and the calls a C library may lack (fanotify_init and fanotify_mark,
 * glibc 2.13; statx, glibc 2.28), direct-mapped through JNA on their own so that their absence leaves the shared
 * {@link LibC} binding (descriptors, reads, paths, poll, priority: everything else this sensor calls) intact.
 * Linux LP64 only (the 64-bit fanotify mask is passed as a Java {@code long}). Stateless and thread-safe; when
 * either binding is unusable, {@link #loadError()} says why and every native call throws
 * {@link UnsatisfiedLinkError}.
 */
final class Fanotify {

  // Event mask bits (linux/fanotify.h).
  static final long FAN_ACCESS = 0x1;
  static final long FAN_MODIFY = 0x2;
  static final long FAN_CLOSE_WRITE = 0x8;
  static final long FAN_CLOSE_NOWRITE = 0x10;
  static final long FAN_OPEN = 0x20;
  static final long FAN_MOVED_FROM = 0x40;
  static final long FAN_DELETE = 0x200;
  static final long FAN_OPEN_EXEC = 0x1000;
  static final long FAN_Q_OVERFLOW = 0x4000;
  static final long FAN_OPEN_PERM = 0x10000;
  static final long FAN_ACCESS_PERM = 0x20000;
  static final long FAN_OPEN_EXEC_PERM = 0x40000;
  /** Set in an event's mask when its object is a directory; in a mark's mask, asks for directory events too. */
  static final long FAN_ONDIR = 0x40000000L;
  /** Every permission event: the kernel holds the process until the group answers. */
  static final long PERM_EVENTS = FAN_OPEN_PERM | FAN_ACCESS_PERM | FAN_OPEN_EXEC_PERM;

  // fanotify_init flags.
  static final int FAN_CLOEXEC = 0x1;
  static final int FAN_NONBLOCK = 0x2;
  static final int FAN_CLASS_NOTIF = 0x0;
  static final int FAN_CLASS_CONTENT = 0x4;
  static final int FAN_UNLIMITED_QUEUE = 0x10;
  static final int FAN_UNLIMITED_MARKS = 0x20;
  /** Events carry file handles (info records) instead of descriptors; Linux 5.1. */
  static final int FAN_REPORT_FID = 0x200;

  // fanotify_mark flags.
  static final int FAN_MARK_ADD = 0x1;
  static final int FAN_MARK_REMOVE = 0x2;
  static final int FAN_MARK_DONT_FOLLOW = 0x4;
  static final int FAN_MARK_ONLYDIR = 0x8;
  static final int FAN_MARK_FLUSH = 0x80;
  static final int FAN_MARK_FILESYSTEM = 0x100;

  // Responses to permission events (struct fanotify_response {s32 fd; u32 response;}).
  static final int FAN_ALLOW = 0x1;
  static final int FAN_DENY = 0x2;

  static final int FAN_NOFD = -1;
  static final int FANOTIFY_METADATA_VERSION = 3;
  /** sizeof(struct fanotify_event_metadata). */
  static final int METADATA_LEN = 24;

  // statx(2) request bits, and field offsets in struct statx (the same on every architecture).
  static final int STATX_NLINK = 0x4;
  static final int STATX_CTIME = 0x80;
  static final int STATX_INO = 0x100;
  static final int STATX_MNT_ID = 0x1000;
  static final int STATX_MASK_OFFSET = 0x0;
  static final int STATX_NLINK_OFFSET = 0x10;
  static final int STATX_INO_OFFSET = 0x20;
  static final int STATX_CTIME_OFFSET = 0x60;
  static final int STATX_DEV_MAJOR = 0x88;
  static final int STATX_DEV_MINOR = 0x8c;
  static final int STATX_MNT_ID_OFFSET = 0x90;
  static final int STATX_SIZE = 256;

  private static final Throwable LOAD_ERROR = LibC.register(Fanotify.class);

  private Fanotify() {}

  /** Why the bindings (libc's and this one) are unusable, or null when both are bound. */
  static Throwable loadError() {
    return LibC.loadError() != null ? LibC.loadError() : LOAD_ERROR;
  }

  static native int fanotify_init(int flags, int eventFileFlags) throws LastErrorException;

  static native int fanotify_mark(int fanotifyFd, int flags, long mask, int dirFd, byte[] path)
      throws LastErrorException;

  /** {@code path} (NUL-terminated) and {@code statxBuf} are direct buffers. */
  static native int statx(int dirFd, ByteBuffer path, int flags, int mask, ByteBuffer statxBuf);

  /** {@code path} and {@code statxBuf} are addresses ({@link LibC#address}); the buffers must stay reachable. */
  static native int statx(int dirFd, long path, int flags, int mask, long statxBuf);
}
