package dev.vigil.sensor.fanotify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Best-effort process names ({@code /proc/<pid>/comm}) for the reader, read with raw syscalls into reused buffers.
 * A name is cached only until {@link #clear()} (once per read batch) and forgotten when the process execs, since
 * exec changes it. Empty when the process is gone. Not thread-safe: the reader thread owns it.
 */
final class ProcNames {

  private static final byte[] PREFIX = "/proc/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "/comm\0".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_CACHED = 4096;

  private final ByteBuffer path = ByteBuffer.allocateDirect(PREFIX.length + 11 + SUFFIX.length);
  private final ByteBuffer buf = ByteBuffer.allocateDirect(64);
  private final byte[] bytes = new byte[64];
  private final Map<Integer, String> batch = new HashMap<>();

  ProcNames() {
    path.put(0, PREFIX);
  }

  /** The name of {@code pid}, from this batch's cache or /proc; empty when unknown. */
  String name(int pid) {
    if (pid <= 0) {
      return "";
    }
    Integer key = pid;
    String cached = batch.get(key);
    if (cached != null) {
      return cached;
    }
    String n = read(pid);
    if (batch.size() < MAX_CACHED) {
      batch.put(key, n);
    }
    return n;
  }

  /** Reads the name afresh (after an exec the cached one is stale) and caches that. */
  String fresh(int pid) {
    batch.remove(pid);
    return name(pid);
  }

  void clear() {
    batch.clear();
  }

  private String read(int pid) {
    int end = PREFIX.length;
    String digits = Integer.toString(pid);
    for (int i = 0; i < digits.length(); i++) {
      path.put(end++, (byte) digits.charAt(i));
    }
    path.put(end, SUFFIX);
    int fd = Fanotify.open(path, Fanotify.O_RDONLY | Fanotify.O_CLOEXEC);
    if (fd < 0) {
      return "";
    }
    long n;
    try {
      n = Fanotify.read(fd, buf, buf.capacity());
    } finally {
      Fanotify.close(fd);
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
