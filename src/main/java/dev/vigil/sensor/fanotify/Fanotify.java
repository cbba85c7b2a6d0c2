package dev.vigil.sensor.fanotify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Thin JNA binding (direct mapping) of the libc calls the fanotify sensor needs, with the kernel's constants.
 * Linux LP64 only (size_t and the 64-bit fanotify mask are passed as Java {@code long}). Paths are NUL-terminated
 * bytes, so no charset conversion happens; buffers are direct (read at their address, position 0), so nothing is
 * copied across JNI. The calls made per event or per read take the buffers' addresses ({@link #address}) rather
 * than {@code ByteBuffer}s: JNA converts each {@code Buffer} argument on every call, which cost about 0.25 us per
 * buffer on the reference VM (statx with two buffers: 0.9 us through JNA against 0.4 us from C), while a call
 * with primitive arguments only adds about 0.1 us. Stateless and thread-safe; when libc cannot be bound,
 * {@link #loadError()} says why and every native call throws {@link UnsatisfiedLinkError}.
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

  // open(2), *at(2), poll(2), statx(2).
  static final int O_RDONLY = 0;
  static final int O_LARGEFILE = 0x8000;
  static final int O_DIRECTORY = 0x10000;
  static final int O_CLOEXEC = 0x80000;
  static final int O_PATH = 0x200000;
  static final int AT_FDCWD = -100;
  static final int AT_EMPTY_PATH = 0x1000;
  static final short POLLIN = 0x1;
  // setpriority(2).
  static final int PRIO_PROCESS = 0;
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

  // errno values used to explain failures.
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EBADF = 9;
  static final int EAGAIN = 11;
  static final int ENOMEM = 12;
  static final int EACCES = 13;
  static final int ENODEV = 19;
  static final int ENOTDIR = 20;
  static final int EINVAL = 22;
  static final int EMFILE = 24;
  static final int ENOSPC = 28;
  static final int ENOSYS = 38;
  static final int EOPNOTSUPP = 95;
  static final int EXDEV = 18;

  private static final Throwable LOAD_ERROR;

  static {
    Throwable error = null;
    try {
      if (!Platform.isLinux() || Native.LONG_SIZE != 8) {
        throw new UnsatisfiedLinkError("fanotify needs 64-bit Linux; this is " + System.getProperty("os.name")
            + " " + System.getProperty("os.arch"));
      }
      Native.register(Fanotify.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    } catch (UnsatisfiedLinkError | IllegalArgumentException | NoClassDefFoundError e) {
      error = e;
    }
    LOAD_ERROR = error;
  }

  private Fanotify() {}

  /** Why the binding is unusable, or null when it is bound. */
  static Throwable loadError() {
    return LOAD_ERROR;
  }

  static native int fanotify_init(int flags, int eventFileFlags) throws LastErrorException;

  static native int fanotify_mark(int fanotifyFd, int flags, long mask, int dirFd, byte[] path)
      throws LastErrorException;

  static native long write(int fd, ByteBuffer buf, long count);

  static native int close(int fd);

  /** {@code path} is a direct buffer holding a NUL-terminated path. */
  static native int open(ByteBuffer path, int flags);

  /** {@code path} (NUL-terminated) and {@code buf} are direct buffers: nothing is copied across JNI. */
  static native long readlink(ByteBuffer path, ByteBuffer buf, long size);

  /** {@code path} (NUL-terminated) and {@code statxBuf} are direct buffers. */
  static native int statx(int dirFd, ByteBuffer path, int flags, int mask, ByteBuffer statxBuf);

  // Calls taking buffer addresses (see the class comment); the buffers must stay reachable meanwhile.

  /** Returns bytes read, or -1 with {@link Native#getLastError()} set. */
  static native long read(int fd, long buf, long count);

  /** {@code path} is the address of a NUL-terminated path. */
  static native int open(long path, int flags);

  /** readlink relative to a directory descriptor. */
  static native long readlinkat(int dirFd, long path, long buf, long size);

  /** {@code fds} holds struct pollfd {int fd; short events; short revents;} entries. */
  static native int poll(long fds, long nfds, int timeoutMillis);

  static native int statx(int dirFd, long path, int flags, int mask, long statxBuf);

  /** The address of a direct buffer's first byte, for the overloads above. */
  static long address(ByteBuffer direct) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
  }

  /** {@code setpriority(which, who, nice)}; with PRIO_PROCESS and a thread id, sets that one thread's nice value. */
  static native int setpriority(int which, int who, int prio);

  /** A NUL-terminated copy of {@code s} in UTF-8, for the path arguments above. */
  static byte[] cString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  /** {@link #cString} in a new direct buffer. */
  static ByteBuffer directCString(String s) {
    byte[] c = cString(s);
    return ByteBuffer.allocateDirect(c.length).put(0, c);
  }

  /** The errno name for messages (EPERM, EINVAL, ...), or the number. */
  static String errnoName(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EINTR -> "EINTR";
      case EBADF -> "EBADF";
      case EAGAIN -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case EACCES -> "EACCES";
      case EXDEV -> "EXDEV";
      case ENODEV -> "ENODEV";
      case ENOTDIR -> "ENOTDIR";
      case EINVAL -> "EINVAL";
      case EMFILE -> "EMFILE";
      case ENOSPC -> "ENOSPC";
      case ENOSYS -> "ENOSYS";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      default -> "errno " + errno;
    };
  }
}
