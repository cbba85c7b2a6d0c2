package dev.vigil.sensor.fanotify;

import com.sun.jna.LastErrorException;
import dev.vigil.sensor.LibC;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when a path the readers remembered from an earlier read batch may have changed, so that
 * {@link EventFiles} can keep paths across batches instead of calling readlink for every event.
 *
 * <p>Remembered paths are keyed by the file's mount, inode number and change time, and only for files with one
 * link. Such a path changes when the file or any directory above it is renamed, and the key can come to mean
 * another file when the inode is freed (its last name unlinked or renamed over) and its number reused: change times
 * are coarse (a clock tick), so they do not tell these apart. Every such change is a rename or an unlink in one of
 * the directories on the path. So before a path is remembered, each directory from the container's root down to
 * the file's parent gets an inode mark in this watch's own fanotify group, for {@code FAN_MOVED_FROM | FAN_DELETE |
 * FAN_ONDIR}; any report from it (or a lost report: queue overflow, unreadable data) moves {@link #generation()}
 * on, and a reader that sees a new generation forgets every remembered path.
 *
 * <p>The group reports file handles ({@code FAN_REPORT_FID}), not descriptors, so its events cost the reader one
 * small read per batch. Overlayfs refuses that mode for a filesystem mark (it cannot decode file handles without
 * {@code nfs_export}; EOPNOTSUPP on Linux 6.18), which is why the main group uses descriptors, but accepts inode
 * marks, which only need to encode them (Linux 6.6). Directories are marked through the host path of the
 * container's root (its MergedDir): an inode mark belongs to the inode, so renames made inside the container are
 * reported. Only the directories of remembered paths are watched, so the host's own file activity costs nothing.
 *
 * <p>Ordering: a reader asks for the generation after it read its batch and before it uses a remembered path. A
 * rename or unlink that happened before any event of that batch was queued here (synchronously, by the call that
 * made it) before that event was queued in the main group, so it is seen. A path is remembered only if readlink
 * gives the same text before and after its directories were marked (see {@link EventFiles}).
 *
 * <p>Bounded: the set of directories known to carry a mark holds at most {@link #MAX_DIRECTORIES}; when full, every
 * mark is flushed and the generation moves on. The set is emptied on every report (a renamed directory keeps its
 * mark, a new one at its old path has none) and when containers start or stop ({@link #reset()}), so re-marking
 * (idempotent for the kernel) follows. Each mark pins its directory's inode until flushed or the overlay is
 * unmounted.
 *
 * <p>Thread-safe: readers call {@link #watchParents} and {@link #generation()}, the sensor {@link #reset()}; all
 * under one lock, which also makes a reader wait while another reads a report. Close only after the readers
 * stopped.
 */
final class RenameWatch implements EventFiles.Renames, AutoCloseable {

  /** Renames and unlinks of the directory's entries, directories included. */
  static final long MASK = Fanotify.FAN_MOVED_FROM | Fanotify.FAN_DELETE | Fanotify.FAN_ONDIR;
  /** Directories that may carry a mark at once. */
  static final int MAX_DIRECTORIES = 4096;
  private static final Logger LOG = LoggerFactory.getLogger(RenameWatch.class);
  private static final int BUFFER_BYTES = 16 * 1024;

  private final FanotifyGroup group;
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.nativeOrder());
  private final ByteBuffer pollFd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
  /** Host paths of directories known to carry a mark. */
  private final Set<String> watched = new HashSet<>();
  private final FanotifyEventParser.Handler handler = new FanotifyEventParser.Handler() {
    @Override
    public void event(long mask, int fd, int pid) {
      if (fd >= 0) {
        LibC.close(fd); // not in FID mode, but never leak one
      }
      dirty = true;
    }

    @Override
    public void malformed(String why) {
      dirty = true;
    }
  };
  /** Marks added since the last flush; bounds the kernel's marks even when the set was emptied meanwhile. */
  private int marked;
  private boolean dirty;
  private long generation;
  private long reports;
  private boolean warned;
  private boolean unsupported;

  private RenameWatch(FanotifyGroup group) {
    this.group = group;
  }

  /** Opens the watch's group (Linux 5.1: FAN_REPORT_FID). */
  static RenameWatch open() {
    return new RenameWatch(FanotifyGroup.openFid());
  }

  /** {@link #open()}, or empty with the reason logged; the readers then keep paths for one batch only. */
  static Optional<RenameWatch> tryOpen() {
    try {
      return Optional.of(open());
    } catch (FanotifyException e) {
      LOG.info("file paths are looked up for every read batch (no rename watch: {})", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Marks every directory from {@code root} down to the parent of {@code path} that is not known to be marked.
   *
   * @param root the host path of the container's root filesystem (its MergedDir), without a trailing slash
   * @param path the absolute path inside the container
   * @return how many directories were marked now (0: all were already), or -1 when one could not be marked (gone,
   *     renamed meanwhile, or this kernel cannot mark it in FID mode, after which no directory is tried again):
   *     then the path must not be remembered
   */
  @Override
  public synchronized int watchParents(String root, String path) {
    if (unsupported) {
      return -1;
    }
    int added = 0;
    int end = 0;
    while (end >= 0) {
      String dir = end == 0 ? root : root + path.substring(0, end);
      if (!watched.contains(dir)) {
        if (marked >= MAX_DIRECTORIES) {
          flush();
        }
        if (!mark(dir)) {
          return -1;
        }
        watched.add(dir);
        marked++;
        added++;
      }
      end = path.indexOf('/', end + 1);
    }
    return added;
  }

  private boolean mark(String dir) {
    try {
      // Not following a symlink that replaced the directory meanwhile (readlink then differs, see EventFiles).
      Fanotify.fanotify_mark(group.fd(), Fanotify.FAN_MARK_ADD | Fanotify.FAN_MARK_DONT_FOLLOW
          | Fanotify.FAN_MARK_ONLYDIR, MASK, LibC.AT_FDCWD, LibC.cString(dir));
      return true;
    } catch (LastErrorException e) {
      int errno = e.getErrorCode();
      if (errno == LibC.EOPNOTSUPP || errno == LibC.EINVAL || errno == LibC.EXDEV
          || errno == LibC.ENODEV) {
        // Overlayfs before Linux 6.6 cannot encode file handles: no point in trying again for every path.
        unsupported = true;
        LOG.info("cannot watch directories for renames ({} for {}); file paths are looked up for every read batch",
            LibC.errnoName(errno), dir);
      } else if (errno != LibC.ENOENT && errno != LibC.ENOTDIR && !warned) {
        warned = true;
        LOG.info("cannot watch directory {} for renames ({}); paths below it are looked up for every read batch",
            dir, LibC.errnoName(errno));
      }
      return false;
    }
  }

  /** Removes every mark; what was remembered relying on them must be forgotten. */
  private void flush() {
    try {
      Fanotify.fanotify_mark(group.fd(), Fanotify.FAN_MARK_FLUSH, 0, LibC.AT_FDCWD, null);
    } catch (LastErrorException e) {
      LOG.debug("flushing the rename watch's marks failed: {}", LibC.errnoName(e.getErrorCode()));
    }
    watched.clear();
    marked = 0;
    generation++;
  }

  /**
   * Reads every pending report and returns the generation: it changes whenever an entry of a watched directory was
   * renamed or unlinked since the previous call, reports may have been lost, or marks were flushed or reset.
   */
  @Override
  public synchronized long generation() {
    dirty = false;
    try {
      int n;
      while ((n = group.read(buffer, pollFd, 0)) > 0) {
        FanotifyEventParser.parse(buffer, n, handler);
      }
    } catch (FanotifyException e) {
      dirty = true;
      LOG.debug("rename watch read failed: {}", e.getMessage());
    }
    if (dirty) {
      reports++;
      generation++;
      watched.clear();
    }
    return generation;
  }

  /**
   * Forgets which directories carry a mark and moves the generation on: a container started or stopped, so a root
   * path may now belong to a new mount whose directories are not marked (a restarted container keeps its
   * MergedDir).
   */
  synchronized void reset() {
    watched.clear();
    generation++;
  }

  /** How many times reports moved the generation; for diagnostics and tests. */
  synchronized long invalidations() {
    return reports;
  }

  /** Directories known to carry a mark; for tests. */
  synchronized int watchedDirectories() {
    return watched.size();
  }

  /** Closes the group (dropping its marks); only after the readers stopped. */
  @Override
  public void close() {
    group.close();
  }
}
