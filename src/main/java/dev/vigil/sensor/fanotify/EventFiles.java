package dev.vigil.sensor.fanotify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the reader needs to know about an event's descriptor: the device of its filesystem (statx) and its path
 * (readlinkat on an open {@code /proc/self/fd} directory, which skips most of the proc path walk). Paths are
 * cached for one read batch, keyed by mount id and inode, and only for files with a single link: every event of a
 * batch happened before the batch was read, so the first lookup is at least as close to the events as a later one
 * would be, and mount id plus single link make the path unique. Buffers are reused and direct, so nothing is
 * copied across JNI. Not thread-safe: one per reader thread.
 */
final class EventFiles implements AutoCloseable {

  private static final byte[] FD_PREFIX = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_CACHED = 8192;
  private static final int STATX_WANT = Fanotify.STATX_INO | Fanotify.STATX_NLINK | Fanotify.STATX_MNT_ID;

  private record Key(long mountId, long inode) {}

  private final int fdDir;
  private final ByteBuffer statx = ByteBuffer.allocateDirect(Fanotify.STATX_SIZE).order(ByteOrder.nativeOrder());
  private final ByteBuffer emptyPath = ByteBuffer.allocateDirect(1);
  private final ByteBuffer name = ByteBuffer.allocateDirect(FD_PREFIX.length + 12);
  private final ByteBuffer link = ByteBuffer.allocateDirect(4097);
  private final byte[] linkBytes = new byte[4097];
  private final Map<Key, String> paths = new HashMap<>();
  private long device = -1;
  private Key key;
  private long lookups;
  private long hits;

  EventFiles() {
    fdDir = Fanotify.open(Fanotify.directCString("/proc/self/fd"),
        Fanotify.O_PATH | Fanotify.O_DIRECTORY | Fanotify.O_CLOEXEC);
    if (fdDir < 0) {
      name.put(0, FD_PREFIX); // fall back to readlink of the full path
    }
  }

  /**
   * Stats an event descriptor; {@link #device()} and {@link #path(int)} then describe it.
   *
   * @return false when statx failed (device unknown, nothing cached)
   */
  boolean stat(int fd) {
    key = null;
    if (Fanotify.statx(fd, emptyPath, Fanotify.AT_EMPTY_PATH, STATX_WANT, statx) != 0) {
      device = -1;
      return false;
    }
    device = ((statx.getInt(Fanotify.STATX_DEV_MAJOR) & 0xffffffffL) << 32)
        | (statx.getInt(Fanotify.STATX_DEV_MINOR) & 0xffffffffL);
    int got = statx.getInt(Fanotify.STATX_MASK_OFFSET);
    if ((got & STATX_WANT) == STATX_WANT && statx.getInt(Fanotify.STATX_NLINK_OFFSET) == 1) {
      key = new Key(statx.getLong(Fanotify.STATX_MNT_ID_OFFSET), statx.getLong(Fanotify.STATX_INO_OFFSET));
    }
    return true;
  }

  /** The device of the last {@link #stat}ed descriptor ({@code major << 32 | minor}), -1 when unknown. */
  long device() {
    return device;
  }

  /** The path of {@code fd} (the one last {@link #stat}ed, if any) as readlink renders it; null on failure. */
  String path(int fd) {
    lookups++;
    Key k = key;
    if (k != null) {
      String cached = paths.get(k);
      if (cached != null) {
        hits++;
        return cached;
      }
    }
    String p = readLink(fd);
    if (p != null && k != null && paths.size() < MAX_CACHED) {
      paths.put(k, p);
    }
    return p;
  }

  private String readLink(int fd) {
    int end = fdDir < 0 ? FD_PREFIX.length : 0;
    String digits = Integer.toString(fd);
    for (int i = 0; i < digits.length(); i++) {
      name.put(end++, (byte) digits.charAt(i));
    }
    name.put(end, (byte) 0);
    long n = fdDir < 0 ? Fanotify.readlink(name, link, linkBytes.length)
        : Fanotify.readlinkat(fdDir, name, link, linkBytes.length);
    if (n <= 0 || n >= linkBytes.length) {
      return null;
    }
    link.get(0, linkBytes, 0, (int) n);
    return new String(linkBytes, 0, (int) n, StandardCharsets.UTF_8);
  }

  /** Ends a read batch: forgets cached paths. */
  void clear() {
    paths.clear();
  }

  /** Path lookups so far and how many the batch cache answered; for diagnostics. */
  long[] cacheStats() {
    return new long[] {lookups, hits};
  }

  @Override
  public void close() {
    if (fdDir >= 0) {
      Fanotify.close(fdDir);
    }
  }
}
