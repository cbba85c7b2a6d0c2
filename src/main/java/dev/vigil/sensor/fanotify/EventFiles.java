package dev.vigil.sensor.fanotify;

import dev.vigil.sensor.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the reader needs to know about an event's descriptor: the device of its filesystem (statx) and its path
 * (readlinkat on an open {@code /proc/self/fd} directory, which skips most of the proc path walk). readlink is
 * the dearest step of an event after the kernel's own (about 3.5 us on the reference VM, a third of the reader's
 * work), so paths are remembered, keyed by mount id, inode number and change time, and only for files with a
 * single link (so that the path is unique; the link count is checked at every event):
 *
 * <ul>
 *   <li>for one read batch, always: every event of a batch happened before the batch was read, so the first lookup
 *       is at least as close to the events as a later one would be;
 *   <li>across batches, for containers whose root is watched by a {@link Renames} ({@link RenameWatch}): before a
 *       path is remembered, every directory on it is watched for renames and unlinks, and the path is read again
 *       if a directory had to be marked (a rename before the mark would otherwise go unseen); any report moves
 *       the watch's generation, which this class checks once per batch, before the first such lookup, and then
 *       forgets every remembered path.
 * </ul>
 *
 * <p>Both maps are bounded and simply emptied when full. Buffers are reused and direct, so nothing is copied
 * across JNI. Not thread-safe: one per reader thread.
 */
final class EventFiles implements AutoCloseable {

  static final int MAX_BATCH = 8192;
  static final int MAX_DURABLE = 16_384;
  private static final byte[] FD_PREFIX = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);
  private static final String DELETED = " (deleted)";
  private static final int STATX_WANT = Fanotify.STATX_INO | Fanotify.STATX_NLINK | Fanotify.STATX_MNT_ID
      | Fanotify.STATX_CTIME;

  /** What tells remembered paths stale: {@link RenameWatch}, or a fake in tests. */
  interface Renames {
    /** Changes whenever a watched directory's entries were renamed or unlinked since the previous call. */
    long generation();

    /**
     * Watches every directory from {@code root} (a host path) down to the parent of {@code path} (inside it).
     *
     * @return how many had to be marked now, -1 when one could not be (the path must not be remembered)
     */
    int watchParents(String root, String path);
  }

  private record Key(long mountId, long inode, long ctimeSeconds, int ctimeNanos) {}

  private final Renames renames;
  private final int fdDir;
  private final ByteBuffer statx = ByteBuffer.allocateDirect(Fanotify.STATX_SIZE).order(ByteOrder.nativeOrder());
  private final ByteBuffer emptyPath = ByteBuffer.allocateDirect(1);
  private final ByteBuffer name = ByteBuffer.allocateDirect(FD_PREFIX.length + 12);
  private final ByteBuffer link = ByteBuffer.allocateDirect(4097);
  private final byte[] linkBytes = new byte[4097];
  private final long statxAddress = LibC.address(statx);
  private final long emptyPathAddress = LibC.address(emptyPath);
  private final long nameAddress = LibC.address(name);
  private final long linkAddress = LibC.address(link);
  private final Map<Key, String> batch = new HashMap<>();
  private final Map<Key, String> durable = new HashMap<>();
  private long generation = Long.MIN_VALUE;
  private boolean checkedThisBatch;
  private long device = -1;
  private Key key;
  private long lookups;
  private long hits;
  private long rememberedHits;

  /** Paths kept for one batch only. */
  EventFiles() {
    this(null);
  }

  /** @param renames watches directories so that paths may be kept across batches; null: one batch only */
  EventFiles(Renames renames) {
    this.renames = renames;
    fdDir = LibC.open(LibC.directCString("/proc/self/fd"),
        LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
    if (fdDir < 0) {
      name.put(0, FD_PREFIX); // fall back to readlink of the full path
    }
  }

  /**
   * Stats an event descriptor; {@link #device()} and {@link #path(int, ContainerMarks.Mark)} then describe it.
   *
   * @return false when statx failed (device unknown, nothing cached)
   */
  boolean stat(int fd) {
    key = null;
    if (Fanotify.statx(fd, emptyPathAddress, LibC.AT_EMPTY_PATH, STATX_WANT, statxAddress) != 0) {
      device = -1;
      return false;
    }
    device = ((statx.getInt(Fanotify.STATX_DEV_MAJOR) & 0xffffffffL) << 32)
        | (statx.getInt(Fanotify.STATX_DEV_MINOR) & 0xffffffffL);
    int got = statx.getInt(Fanotify.STATX_MASK_OFFSET);
    if ((got & STATX_WANT) == STATX_WANT && statx.getInt(Fanotify.STATX_NLINK_OFFSET) == 1) {
      key = new Key(statx.getLong(Fanotify.STATX_MNT_ID_OFFSET), statx.getLong(Fanotify.STATX_INO_OFFSET),
          statx.getLong(Fanotify.STATX_CTIME_OFFSET), statx.getInt(Fanotify.STATX_CTIME_OFFSET + 8));
    }
    return true;
  }

  /** The device of the last {@link #stat}ed descriptor ({@code major << 32 | minor}), -1 when unknown. */
  long device() {
    return device;
  }

  /**
   * The path of {@code fd} (the one last {@link #stat}ed, if any) as readlink renders it; null on failure.
   *
   * @param m the mark of the file's filesystem, null when unknown; its paths are remembered across batches when
   *     {@link ContainerMarks.Mark#renamesWatched()} (its MergedDir is the root that {@link Renames} watches)
   */
  String path(int fd, ContainerMarks.Mark m) {
    lookups++;
    Key k = key;
    if (k == null) {
      return readLink(fd);
    }
    if (renames == null || m == null || !m.renamesWatched()) {
      return fromBatch(fd, k);
    }
    if (!checkedThisBatch) {
      long g = renames.generation();
      if (g != generation) {
        durable.clear();
        generation = g;
      }
      checkedThisBatch = true;
    }
    String cached = durable.get(k);
    if (cached != null) {
      hits++;
      rememberedHits++;
      return cached;
    }
    String link = readLink(fd);
    if (link == null || link.endsWith(DELETED) || link.isEmpty() || link.charAt(0) != '/') {
      return link;
    }
    String inside = ContainerMarks.strip(m.mergedDir(), link); // a host process's view through the MergedDir
    int marked = renames.watchParents(m.mergedDir(), inside != null ? inside : link);
    if (marked < 0) {
      return link;
    }
    if (marked > 0) {
      String again = readLink(fd); // a rename before the marks were in place was not reported
      if (again == null || !again.equals(link)) {
        return again;
      }
    }
    if (durable.size() >= MAX_DURABLE) {
      durable.clear();
    }
    durable.put(k, link);
    return link;
  }

  private String fromBatch(int fd, Key k) {
    String cached = batch.get(k);
    if (cached != null) {
      hits++;
      return cached;
    }
    String p = readLink(fd);
    if (p != null && !p.endsWith(DELETED)) {
      if (batch.size() >= MAX_BATCH) {
        batch.clear();
      }
      batch.put(k, p);
    }
    return p;
  }

  private String readLink(int fd) {
    int end = fdDir < 0 ? FD_PREFIX.length : 0;
    int len = 1;
    for (int v = fd; v >= 10; v /= 10) {
      len++;
    }
    for (int i = len - 1, v = fd; i >= 0; i--, v /= 10) {
      name.put(end + i, (byte) ('0' + v % 10));
    }
    name.put(end + len, (byte) 0);
    long n = fdDir < 0 ? LibC.readlink(name, link, linkBytes.length)
        : LibC.readlinkat(fdDir, nameAddress, linkAddress, linkBytes.length);
    if (n <= 0 || n >= linkBytes.length) {
      return null;
    }
    link.get(0, linkBytes, 0, (int) n);
    return new String(linkBytes, 0, (int) n, StandardCharsets.UTF_8);
  }

  /** Forgets the paths remembered across batches (the containers changed: mount ids may be reused). */
  void forgetRemembered() {
    durable.clear();
  }

  /** Ends a read batch: forgets the batch's paths; remembered ones are checked against renames again. */
  void clear() {
    batch.clear();
    checkedThisBatch = false;
  }

  /** Path lookups so far and how many a cache answered; for diagnostics. */
  long[] cacheStats() {
    return new long[] {lookups, hits};
  }

  /** Path lookups a cache answered so far. */
  long hits() {
    return hits;
  }

  /** Of {@link #hits()}, those answered by a path remembered across batches. */
  long rememberedHits() {
    return rememberedHits;
  }

  @Override
  public void close() {
    if (fdDir >= 0) {
      LibC.close(fdDir);
    }
  }
}
