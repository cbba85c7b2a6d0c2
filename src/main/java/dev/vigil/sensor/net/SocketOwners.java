package dev.vigil.sensor.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds the process holding each socket inode of one container's network namespace by reading the
 * {@code /proc/<pid>/fd} links ({@code socket:[inode]}) of the processes in that namespace. The processes found
 * last time are looked at first; only when some inode stays unresolved is {@code /proc} rescanned for processes
 * whose {@code ns/net} link equals the init process's. Work per call is bounded ({@link #MAX_PROCS} processes,
 * {@link #MAX_FDS} fd links); a socket held by several processes goes to the lowest pid found. Not thread-safe:
 * one instance per container, used by the polling thread.
 */
public final class SocketOwners {

  /** A process holding a socket: host pid and {@code comm}. */
  public record Owner(long pid, String comm) {}

  /** Processes whose namespace link is read in one rescan of {@code /proc}. */
  static final int MAX_PROCS = 32_768;
  /** fd links read in one {@link #resolve} call. */
  static final int MAX_FDS = 16_384;

  private final Path proc;
  private final long initPid;
  private String netns;
  private long[] members = new long[0];
  private long fdsRead;
  private long rescans;

  public SocketOwners(Path procRoot, long initPid) {
    this.proc = procRoot;
    this.initPid = initPid;
  }

  /** Owners of the given inodes that could be found (0 is never resolved); the others are absent from the map. */
  public Map<Long, Owner> resolve(Set<Long> inodes) {
    Set<Long> wanted = new HashSet<>(inodes);
    wanted.remove(0L);
    Map<Long, Owner> found = new HashMap<>();
    if (wanted.isEmpty()) {
      return found;
    }
    int[] budget = {MAX_FDS};
    Set<Long> done = new HashSet<>();
    scan(members, wanted, found, budget, done);
    if (!wanted.isEmpty() && budget[0] > 0) {
      members = rescan();
      scan(members, wanted, found, budget, done);
    }
    return found;
  }

  /** fd links read so far (for metrics). */
  public long fdsRead() {
    return fdsRead;
  }

  /** Full {@code /proc} rescans so far (for metrics). */
  public long rescans() {
    return rescans;
  }

  private void scan(long[] pids, Set<Long> wanted, Map<Long, Owner> found, int[] budget, Set<Long> done) {
    for (long pid : pids) {
      if (wanted.isEmpty() || budget[0] <= 0) {
        return;
      }
      if (!done.add(pid)) {
        continue;
      }
      String comm = null;
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(Long.toString(pid)).resolve("fd"))) {
        for (Path fd : fds) {
          if (budget[0]-- <= 0) {
            break;
          }
          fdsRead++;
          long inode = socketInode(fd);
          if (inode != 0 && wanted.remove(inode)) {
            if (comm == null) {
              comm = comm(pid);
            }
            found.put(inode, new Owner(pid, comm));
          }
        }
      } catch (IOException | DirectoryIteratorException | SecurityException e) {
        // the process exited, or its fds are not readable: nothing to learn from it
      }
    }
  }

  private static long socketInode(Path fd) {
    String target;
    try {
      target = Files.readSymbolicLink(fd).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
    if (!target.startsWith("socket:[") || !target.endsWith("]")) {
      return 0;
    }
    try {
      return Long.parseLong(target, 8, target.length() - 1, 10);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private String comm(long pid) {
    try {
      return new String(Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("comm")),
          StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** The processes in the init process's network namespace, ascending; empty when that process is gone. */
  private long[] rescan() {
    rescans++;
    if (netns == null) {
      netns = nsLink(initPid);
      if (netns == null) {
        return new long[0];
      }
    }
    long[] out = new long[64];
    int n = 0;
    int checked = 0;
    try (DirectoryStream<Path> all = Files.newDirectoryStream(proc)) {
      for (Path p : all) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0)) || !name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        if (++checked > MAX_PROCS) {
          break;
        }
        long pid = Long.parseLong(name);
        if (netns.equals(nsLink(pid))) {
          if (n == out.length) {
            out = Arrays.copyOf(out, n * 2);
          }
          out[n++] = pid;
        }
      }
    } catch (IOException | DirectoryIteratorException e) {
      return new long[0];
    }
    long[] members = Arrays.copyOf(out, n);
    Arrays.sort(members);
    return members;
  }

  private String nsLink(long pid) {
    try {
      return Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve("ns").resolve("net")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
