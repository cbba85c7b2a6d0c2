package dev.vigil.sensor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one JNA binding of libc the kernel sensors share - the netlink socket, raw /proc reads, thread scheduling and
 * priority, and the descriptor, path and poll calls of the fanotify sensor - direct-mapped (cheaper per call than
 * interface mapping; these run for every process or file event), with the kernel's constants and errno helpers.
 * Set-up calls throw {@link LastErrorException} carrying errno; the hot-path calls return -1 instead and leave
 * errno in {@link Native#getLastError()}: a vanished process or an empty queue is the common case there, and an
 * exception (a stack trace) would cost more than the call. Linux LP64 only (size_t and ssize_t are Java longs).
 * Paths are NUL-terminated bytes ({@link #cString}), so no charset conversion happens; buffers are direct (read
 * at their address, position 0), so nothing is copied across JNI. The calls made per event or per read take the
 * buffers' addresses ({@link #address}) rather than {@code ByteBuffer}s: JNA converts each {@code Buffer} argument
 * on every call, which cost about 0.25 us per buffer on the reference VM (statx with two buffers: 0.9 us through
 * JNA against 0.4 us from C), while a call with primitive arguments only adds about 0.1 us.
 *
 * <p>Calls a C library may lack (fanotify's, statx) are not here but in {@code sensor.fanotify.Fanotify}: JNA
 * registers a class's native methods all at once and fails the whole class on one missing symbol, which must not
 * cost the process sensor its binding. Stateless and thread-safe; when libc cannot be bound, {@link #loadError()}
 * says why and every native call throws {@link UnsatisfiedLinkError}.
 */
public final class LibC {

  // socket(2), setsockopt(2), recv(2).
  public static final int AF_NETLINK = 16;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_RCVBUF = 8;
  public static final int SO_RCVTIMEO = 20;
  public static final int SO_RCVBUFFORCE = 33;
  public static final int MSG_DONTWAIT = 0x40;
  // open(2), *at(2), poll(2).
  public static final int O_RDONLY = 0;
  public static final int O_LARGEFILE = 0x8000;
  public static final int O_DIRECTORY = 0x10000;
  public static final int O_CLOEXEC = 0x80000;
  public static final int O_PATH = 0x200000;
  public static final int AT_FDCWD = -100;
  public static final int AT_EMPTY_PATH = 0x1000;
  public static final short POLLIN = 0x1;
  // sched_setscheduler(2), setpriority(2).
  public static final int SCHED_OTHER = 0;
  public static final int SCHED_FIFO = 1;
  public static final int PRIO_PROCESS = 0;

  // errno values used to explain failures.
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EXDEV = 18;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EINVAL = 22;
  public static final int EMFILE = 24;
  public static final int ENOSPC = 28;
  public static final int ENOSYS = 38;
  public static final int EPROTONOSUPPORT = 93;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOBUFS = 105;
  public static final int ECONNREFUSED = 111;

  private static final Throwable LOAD_ERROR = register(LibC.class);

  private LibC() {}

  /**
   * Binds {@code binding}'s native methods to libc, or returns why it cannot: not 64-bit Linux, no libc, a symbol
   * missing (then the whole class is unusable, whatever JNA registered before it failed).
   */
  public static Throwable register(Class<?> binding) {
    try {
      if (!Platform.isLinux() || Native.LONG_SIZE != 8) {
        throw new UnsatisfiedLinkError("the libc binding needs 64-bit Linux; this is "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
      }
      Native.register(binding, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      return null;
    } catch (UnsatisfiedLinkError | IllegalArgumentException | NoClassDefFoundError e) {
      return e;
    }
  }

  /** Why the binding is unusable, or null when it is bound. */
  public static Throwable loadError() {
    return LOAD_ERROR;
  }

  public static native int socket(int domain, int type, int protocol) throws LastErrorException;

  public static native int bind(int fd, byte[] addr, int addrLen) throws LastErrorException;

  public static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

  /**
   * Receives into a direct buffer (JNA passes its address; heap buffers are not allowed here). Returns -1 and
   * leaves errno in {@link Native#getLastError()} instead of throwing: "nothing queued" is the common case of a
   * non-blocking read, and building an exception with its stack trace each time would cost more than the read.
   */
  public static native long recv(int fd, ByteBuffer buf, long len, int flags);

  public static native int setsockopt(int fd, int level, int name, byte[] value, int len)
      throws LastErrorException;

  /** Returns 0, or -1 with {@link Native#getLastError()} set. */
  public static native int close(int fd);

  /** Closes without reporting errors (a descriptor opened for reading has nothing to flush). */
  public static void closeQuietly(int fd) {
    close(fd); // the descriptor is released either way
  }

  // The calls below return -1 on failure and do not throw (see the class comment).

  /** {@code open(path, flags)}; path is NUL-terminated. */
  public static native int open(byte[] path, int flags);

  /** {@code path} is a direct buffer holding a NUL-terminated path. */
  public static native int open(ByteBuffer path, int flags);

  /** {@code path} is the address of a NUL-terminated path. */
  public static native int open(long path, int flags);

  public static native long read(int fd, Pointer buf, long len);

  /** Returns bytes read, or -1 with {@link Native#getLastError()} set; {@code buf} is an address. */
  public static native long read(int fd, long buf, long count);

  public static native long write(int fd, ByteBuffer buf, long count);

  public static native long readlink(byte[] path, Pointer buf, long len);

  /** {@code path} (NUL-terminated) and {@code buf} are direct buffers: nothing is copied across JNI. */
  public static native long readlink(ByteBuffer path, ByteBuffer buf, long size);

  /** readlink relative to a directory descriptor; {@code path} and {@code buf} are addresses. */
  public static native long readlinkat(int dirFd, long path, long buf, long size);

  /** {@code fds} holds struct pollfd {int fd; short events; short revents;} entries. */
  public static native int poll(long fds, long nfds, int timeoutMillis);

  /** {@code sched_setscheduler(tid, policy, &param)} where param is one int, the priority. */
  public static native int sched_setscheduler(int tid, int policy, int[] param);

  /** {@code setpriority(which, who, nice)}; with PRIO_PROCESS and a thread id, sets that one thread's nice value. */
  public static native int setpriority(int which, int who, int prio);

  /** umask(2): sets the process's file mode creation mask, returns the previous one; cannot fail. */
  public static native int umask(int mask);

  /** The address of a direct buffer's first byte, for the address-taking overloads. */
  public static long address(ByteBuffer direct) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
  }

  /** A NUL-terminated copy of {@code s} in UTF-8, for the path arguments above. */
  public static byte[] cString(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    return out;
  }

  /** {@link #cString} in a new direct buffer. */
  public static ByteBuffer directCString(String s) {
    byte[] c = cString(s);
    return ByteBuffer.allocateDirect(c.length).put(0, c);
  }

  /** The errno name for messages (EPERM, EINVAL, ...), or the number. */
  public static String errnoName(int errno) {
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
