package dev.vigil.sensor.fanotify;

import dev.vigil.sensor.LibC;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Best-effort process names ({@code /proc/<pid>/comm}) for the reader, read with raw syscalls into reused buffers.
 * Reading a name costs three syscalls (about 5 us on the reference VM); when the reader keeps up, its batches hold
 * a handful of events, so a name cached for one batch only was read again for nearly every event of a busy
 * process. A name is therefore kept for {@link #TTL_NANOS} (measured from the batch that read it) and forgotten at
 * once when the process execs a file the sensor sees (FAN_OPEN_EXEC, {@link #fresh}; its next event reads the name
 * again). Within that window a name can be stale after an exec of a file on an unwatched filesystem (a volume,
 * tmpfs) or a {@code prctl(PR_SET_NAME)}; a name is no proof of identity anyway, since any program can choose its
 * own. Empty when the process is gone. Bounded (emptied when full). Not thread-safe: the reader thread owns it.
 */
final class ProcNames {

  /** How long a name is reused. */
  static final long TTL_NANOS = 100_000_000L;
  private static final byte[] PREFIX = "/proc/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "/comm\0".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_CACHED = 4096;

  private record Entry(String name, long readAtNanos) {}

  private final ByteBuffer path = ByteBuffer.allocateDirect(PREFIX.length + 11 + SUFFIX.length);
  private final ByteBuffer buf = ByteBuffer.allocateDirect(64);
  private final byte[] bytes = new byte[64];
  private final long pathAddress = LibC.address(path);
  private final long bufAddress = LibC.address(buf);
  private final Map<Integer, Entry> cache = new HashMap<>();
  private long nowNanos;
  private long reads;

  ProcNames() {
    path.put(0, PREFIX);
  }

  /** Sets the time of the batch being handled ({@link System#nanoTime()} when it was read). */
  void batch(long batchNanos) {
    nowNanos = batchNanos;
  }

  /** The name of {@code pid}, from the cache or /proc; empty when unknown. */
  String name(int pid) {
    if (pid <= 0) {
      return "";
    }
    Integer key = pid;
    Entry cached = cache.get(key);
    if (cached != null && nowNanos - cached.readAtNanos() < TTL_NANOS) {
      return cached.name();
    }
    String n = read(pid);
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(key, new Entry(n, nowNanos));
    return n;
  }

  /**
   * For an exec: forgets the cached name and reads it afresh, without caching what it read. FAN_OPEN_EXEC is
   * queued while execve(2) opens the program, before the kernel renames the process, so a prompt reader may still
   * read the old name here; the process's next event reads it again.
   */
  String fresh(int pid) {
    cache.remove(pid);
    return pid <= 0 ? "" : read(pid);
  }

  /** Forgets every name. */
  void clear() {
    cache.clear();
  }

  /** Names read from /proc so far; for diagnostics and tests. */
  long reads() {
    return reads;
  }

  private String read(int pid) {
    reads++;
    int end = PREFIX.length;
    String digits = Integer.toString(pid);
    for (int i = 0; i < digits.length(); i++) {
      path.put(end++, (byte) digits.charAt(i));
    }
    path.put(end, SUFFIX);
    int fd = LibC.open(pathAddress, LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (fd < 0) {
      return "";
    }
    long n;
    try {
      n = LibC.read(fd, bufAddress, buf.capacity());
    } finally {
      LibC.close(fd);
    }
    if (n <= 0) {
      return "";
    }
    int len = (int) n;
    buf.get(0, bytes, 0, len);
    if (bytes[len - 1] == '\n') {
      len--;
    }
    return new String(bytes, 0, len, StandardCharsets.UTF_8);
  }
}
