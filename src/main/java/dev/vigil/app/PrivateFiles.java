package dev.vigil.app;

import dev.vigil.sensor.LibC;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the agent writes is readable by its own user only, whatever the umask it was started with: alert command
 * lines, log lines, spooled alerts and models are for the operator, not for every local user. The process's umask
 * becomes 077 at start ({@link #restrictUmask}), so every file the agent or SQLite creates afterwards is 0600 and
 * every directory 0700 (a umask only takes bits away, so the modes the code asks for cannot widen them); what an
 * earlier run or another umask left wider is tightened once at start ({@link #tighten}), with a warning naming how
 * many. Only the data directory and what Vigil keeps in it are touched, plus the alerts file, its rotations and the
 * events recording; a shared directory (sticky bit, such as /tmp) given as the data directory is left as it is and
 * reported.
 */
final class PrivateFiles {

  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  static final int UMASK = 0077;
  private static final Set<PosixFilePermission> GROUP_OTHER = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  private static final int MAX_DEPTH = 6;

  private PrivateFiles() {}

  /** Sets the process's umask to 077; empty when done, else why not (libc could not be bound). */
  static Optional<String> restrictUmask() {
    try {
      LibC.umask(UMASK);
      return Optional.empty();
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return Optional.of("cannot set the umask (" + e.getMessage() + ")");
    }
  }

  /**
   * Creates {@code dataDir} (0700) when missing, then removes group and other permissions from it and from what
   * Vigil keeps in it (status.json, the alert store and its WAL files, spool/, baselines/), and from each of
   * {@code files} and their rotations ({@code name.N}). Symbolic links are not followed.
   *
   * @return the paths whose mode was tightened
   * @throws IOException when the data directory cannot be created
   */
  static List<Path> tighten(Path dataDir, List<Path> files) throws IOException {
    List<Path> changed = new ArrayList<>();
    if (!Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
          "rwx------")));
    }
    if (isShared(dataDir)) {
      LOG.warn("data directory {} is a shared directory (sticky bit): other users may see the names of the agent's "
          + "files; give the agent a directory of its own (--data-dir)", dataDir);
    } else {
      tightenOne(dataDir, changed);
    }
    for (String name : List.of(AgentStatus.FILE, AgentStatus.FILE + ".tmp")) {
      tightenOne(dataDir.resolve(name), changed);
    }
    tightenTree(dataDir.resolve("spool"), 0, changed);
    tightenTree(dataDir.resolve(dev.vigil.detect.baseline.BaselineStore.DIR), 0, changed);
    for (Path f : files) {
      if (f != null) {
        tightenWithSiblings(f, changed);
      }
    }
    return changed;
  }

  /** {@code file}, and every sibling named {@code file.SUFFIX} (rotations, SQLite's -wal and -shm). */
  private static void tightenWithSiblings(Path file, List<Path> changed) throws IOException {
    tightenOne(file, changed);
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return;
    }
    String name = file.getFileName().toString();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, p -> {
      String n = p.getFileName().toString();
      return n.length() > name.length() && n.startsWith(name) && (n.charAt(name.length()) == '.'
          || n.charAt(name.length()) == '-');
    })) {
      for (Path p : ds) {
        tightenOne(p, changed);
      }
    }
  }

  private static void tightenTree(Path dir, int depth, List<Path> changed) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    tightenOne(dir, changed);
    if (depth >= MAX_DEPTH) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          tightenTree(p, depth + 1, changed);
        } else {
          tightenOne(p, changed);
        }
      }
    }
  }

  private static void tightenOne(Path p, List<Path> changed) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
      return;
    }
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return; // not a POSIX file system
    }
    Set<PosixFilePermission> perms = view.readAttributes().permissions();
    if (perms.stream().noneMatch(GROUP_OTHER::contains)) {
      return;
    }
    Set<PosixFilePermission> owner = EnumSet.noneOf(PosixFilePermission.class);
    perms.stream().filter(x -> !GROUP_OTHER.contains(x)).forEach(owner::add);
    try {
      view.setPermissions(owner);
      changed.add(p);
    } catch (IOException e) {
      // not ours (another user's file in a shared place): say so, tighten the rest
      LOG.warn("{} is readable by other users and cannot be made private: {}", p, e.toString());
    }
  }

  private static boolean isShared(Path dir) throws IOException {
    Object mode = Files.getAttribute(dir, "unix:mode");
    return mode instanceof Integer m && (m & 01000) != 0;
  }
}
