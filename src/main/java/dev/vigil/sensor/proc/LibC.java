package dev.vigil.sensor.proc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The libc calls the sensor needs - the netlink socket, raw /proc reads, thread scheduling - direct-mapped through
 * JNA (cheaper per call than interface mapping; these run for every process event). Set-up calls throw
 * {@link LastErrorException} carrying errno; the hot-path calls return -1 instead, see below. Assumes 64-bit Linux
 * (size_t and ssize_t are Java longs). Stateless; thread-safe.
 */
final class LibC {

  static final int AF_NETLINK = 16;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  static final int SO_RCVBUFFORCE = 33;
  static final int MSG_DONTWAIT = 0x40;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int SCHED_OTHER = 0;
  static final int SCHED_FIFO = 1;

  static final int EPERM = 1;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EACCES = 13;
  static final int EPROTONOSUPPORT = 93;
  static final int ENOBUFS = 105;

  static {
    Native.register(LibC.class, NativeLibrary.getInstance("c"));
  }

  private LibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] addr, int addrLen) throws LastErrorException;

  static native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

  /**
   * Receives into a direct buffer (JNA passes its address; heap buffers are not allowed here). Returns -1 and
   * leaves errno in {@link Native#getLastError()} instead of throwing: "nothing queued" is the common case of a
   * non-blocking read, and building an exception with its stack trace each time would cost more than the read.
   */
  static native long recv(int fd, ByteBuffer buf, long len, int flags);

  static native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  // The /proc readers below return -1 on failure and do not throw: a vanished process is the common case on
  // that path, and exceptions (stack traces) would cost more than the read itself.

  /** {@code open(path, flags)}; path is NUL-terminated. */
  static native int open(byte[] path, int flags);

  static native long read(int fd, Pointer buf, long len);

  /** Closes without reporting errors (a descriptor opened for reading has nothing to flush). */
  static void closeQuietly(int fd) {
    try {
      close(fd);
    } catch (LastErrorException e) {
      // nothing to do: the descriptor is released either way
    }
  }

  static native long readlink(byte[] path, Pointer buf, long len);

  /** {@code sched_setscheduler(tid, policy, &param)} where param is one int, the priority. */
  static native int sched_setscheduler(int tid, int policy, int[] param);
}
