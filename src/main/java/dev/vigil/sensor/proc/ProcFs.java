package dev.vigil.sensor.proc;

import com.sun.jna.Memory;
import dev.vigil.sensor.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tolerant readers of {@code /proc/<pid>}. Processes vanish at any moment (short-lived ones usually do before
 * anyone looks), so every read returns empty, never throws, when the file is gone or unreadable. Paths the kernel
 * prints (exe, cwd) are as the process sees them, i.e. inside its container. The root is a constructor argument so
 * tests can point it at a directory of samples. Thread-safe: the only state is a per-thread read buffer.
 */
public final class ProcFs {

  /** What {@code /proc/<pid>/status} says that the sensor uses; -1 for what it does not say. */
  public record Status(String name, long ppid, long uid, long nsPid) {}

  /**
   * What {@code /proc/<pid>/stat} says that the sensor uses.
   *
   * @param ttyNr the controlling terminal's device number, 0 when none
   * @param startTicks when the process started, in clock ticks after boot; tells a reused pid from the old one
   */
  public record Stat(int ttyNr, long startTicks) {}

  /** Link targets longer than this are cut (PATH_MAX is 4096; " (deleted)" may follow). */
  private static final int LINK_MAX = 8192;
  /** Files larger than this are cut (argv is limited to a few MiB; everything else read here is small). */
  private static final long MAX_FILE = 8L << 20;
  /** Name, PPid, Uid and NSpid are in the first ~250 bytes of status; the rest (~1.2 kB) is not copied. */
  private static final int STATUS_PREFIX = 512;
  private static final long KEEP_BUFFER = 1 << 20;
  private static final ThreadLocal<Memory> BUFFER = ThreadLocal.withInitial(() -> new Memory(64 * 1024));

  private final String rootPrefix;

  public ProcFs(Path root) {
    this.rootPrefix = root.toString().endsWith("/") ? root.toString() : root + "/";
  }

  /** The host's {@code /proc}. */
  public static ProcFs host() {
    return new ProcFs(Path.of("/proc"));
  }

  /** The ids of the processes (not threads) that exist now, in ascending order; empty when unreadable. */
  public long[] pids() {
    java.util.List<Long> out = new java.util.ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> dir = java.nio.file.Files.newDirectoryStream(Path.of(rootPrefix))) {
      for (Path p : dir) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.length() < 19 && n.chars().allMatch(Character::isDigit)) {
          out.add(Long.parseLong(n));
        }
      }
    } catch (java.io.IOException | java.nio.file.DirectoryIteratorException e) {
      return new long[0];
    }
    return out.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /** argv; empty for kernel threads, zombies and processes already gone. */
  public List<String> cmdline(long pid) {
    return read(pid, "cmdline").map(ProcFs::parseCmdline).orElse(List.of());
  }

  /** The kernel's 15-character process name. */
  public Optional<String> comm(long pid) {
    return readText(pid, "comm").map(String::strip);
  }

  /** The executable's path; may end with {@code " (deleted)"}; empty for kernel threads and exited processes. */
  public Optional<String> exe(long pid) {
    return link(pid, "exe");
  }

  /** The working directory. */
  public Optional<String> cwd(long pid) {
    return link(pid, "cwd");
  }

  /** What descriptor {@code fd} refers to: a path, {@code socket:[inode]}, {@code pipe:[inode]}, anon_inode:... */
  public Optional<String> fd(long pid, int fd) {
    return link(pid, "fd/" + fd);
  }

  public Optional<String> cgroup(long pid) {
    return readText(pid, "cgroup");
  }

  public Optional<Status> status(long pid) {
    return read(pid, "status", STATUS_PREFIX).map(ProcFs::parseStatus);
  }

  /** The controlling terminal ({@code tty_nr}, 0 when none) and start time from {@code /proc/<pid>/stat}. */
  public Optional<Stat> stat(long pid) {
    return read(pid, "stat", Integer.MAX_VALUE).flatMap(ProcFs::parseStat);
  }

  /** The bytes of {@code /proc/<pid>/net/<name>} (tcp, tcp6, udp, udp6, unix), seen from the process's netns. */
  public Optional<byte[]> net(long pid, String name) {
    return read(pid, "net/" + name);
  }

  /** {@code /proc/<pid>/mountinfo}. */
  public Optional<String> mountinfo(long pid) {
    return readText(pid, "mountinfo");
  }

  /**
   * Reads a whole /proc file through libc into a per-thread native buffer: no stream objects, no exceptions for a
   * process that is gone, one exact-size copy. This runs for every exec, racing the process's exit, and garbage
   * here means GC pauses there, which is when execs are missed.
   */
  private Optional<byte[]> read(long pid, String file) {
    return read(pid, file, MAX_FILE);
  }

  /** Reads at most {@code limit} bytes (the kernel may still produce the whole file, but less is copied). */
  private Optional<byte[]> read(long pid, String file, long limit) {
    int fd = LibC.open(cPath(pid, file), LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (fd < 0) {
      return Optional.empty();
    }
    try {
      Memory buf = BUFFER.get();
      long len = 0;
      while (true) {
        if (len == buf.size()) {
          Memory bigger = new Memory(buf.size() * 2);
          bigger.write(0, buf.getByteArray(0, (int) len), 0, (int) len);
          if (bigger.size() <= KEEP_BUFFER) {
            BUFFER.set(bigger); // a rare huge argv does not pin megabytes to the thread for good
          }
          buf = bigger;
        }
        long n = LibC.read(fd, len == 0 ? buf : buf.share(len), Math.min(buf.size(), limit) - len);
        if (n < 0) {
          return Optional.empty();
        }
        if (n == 0) {
          return Optional.of(buf.getByteArray(0, (int) len));
        }
        len += n;
        if (len >= limit) {
          return Optional.of(buf.getByteArray(0, (int) len)); // cut: the caller needs no more
        }
      }
    } finally {
      LibC.closeQuietly(fd);
    }
  }

  private Optional<String> readText(long pid, String file) {
    return read(pid, file).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  private Optional<String> link(long pid, String file) {
    Memory buf = BUFFER.get();
    long n = LibC.readlink(cPath(pid, file), buf, LINK_MAX);
    if (n < 0) {
      return Optional.empty();
    }
    return Optional.of(new String(buf.getByteArray(0, (int) n), StandardCharsets.UTF_8));
  }

  private byte[] cPath(long pid, String file) {
    return (rootPrefix + pid + '/' + file + '\0').getBytes(StandardCharsets.UTF_8);
  }

  /** NUL-separated argv; a trailing NUL is not an empty argument, but empty arguments inside are kept. */
  static List<String> parseCmdline(byte[] b) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < b.length) {
      // No final NUL: a process that rewrote its argv area (setproctitle) - keep what is there.
      out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Scans only the lines it needs, on the raw bytes: status is ~60 lines and is read for every exec in a
   * container, so it is not turned into a String first.
   */
  static Status parseStatus(byte[] b) {
    String name = "";
    long ppid = -1;
    long uid = -1;
    long nsPid = -1;
    int pos = 0;
    while (pos < b.length) {
      int eol = pos;
      while (eol < b.length && b[eol] != '\n') {
        eol++;
      }
      if (eol == b.length) {
        break; // a line without its newline was cut by the read limit: its number could be a prefix
      }
      if (startsWith(b, pos, "Name:")) {
        name = new String(b, pos + 5, eol - pos - 5, StandardCharsets.UTF_8).strip();
      } else if (startsWith(b, pos, "PPid:")) {
        ppid = number(b, pos + 5, eol, false);
      } else if (startsWith(b, pos, "Uid:")) {
        uid = number(b, pos + 4, eol, false);
      } else if (startsWith(b, pos, "NSpid:")) {
        // One pid per nested pid namespace, outermost first: the last is the pid the container sees.
        nsPid = number(b, pos + 6, eol, true);
        break; // NSpid comes after Name, PPid and Uid
      }
      pos = eol + 1;
    }
    return new Status(name, ppid, uid, nsPid);
  }

  private static boolean startsWith(byte[] b, int pos, String prefix) {
    if (pos + prefix.length() > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[pos + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The first (or last) whitespace-separated decimal number in {@code b[from, to)}; -1 when there is none. */
  private static long number(byte[] b, int from, int to, boolean last) {
    long result = -1;
    int i = from;
    while (i < to) {
      while (i < to && (b[i] == ' ' || b[i] == '\t')) {
        i++;
      }
      if (i >= to || b[i] < '0' || b[i] > '9') {
        return last ? result : -1;
      }
      long v = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        v = v * 10 + (b[i] - '0');
        i++;
      }
      result = v;
      if (!last) {
        return v;
      }
    }
    return result;
  }

  static Optional<Stat> parseStat(byte[] stat) {
    long tty = statField(stat, 7);
    long start = statField(stat, 22);
    if (tty == Long.MIN_VALUE || start == Long.MIN_VALUE) {
      return Optional.empty();
    }
    return Optional.of(new Stat((int) tty, start));
  }

  /**
   * The upper (writable) directory of the overlay mounted at {@code /} in a process's mount namespace, from its
   * mountinfo: the container's writable layer as a host path, known even before the inventory has the container.
   * Empty when the root is not an overlay. Paths in mountinfo escape space, tab, newline and backslash as octal.
   */
  static Optional<String> rootOverlayUpperDir(String mountinfo) {
    String found = null;
    for (String line : mountinfo.split("\n")) {
      String[] f = line.split(" ");
      int dash = -1;
      for (int i = 6; i < f.length; i++) {
        if (f[i].equals("-")) {
          dash = i;
          break;
        }
      }
      if (f.length < 7 || dash < 0 || dash + 3 >= f.length || !f[4].equals("/")) {
        continue;
      }
      if (!f[dash + 1].equals("overlay")) {
        found = null; // a later mount over / hides an earlier overlay
        continue;
      }
      for (String opt : f[dash + 3].split(",")) {
        if (opt.startsWith("upperdir=")) {
          found = unescapeOctal(opt.substring("upperdir=".length()));
        }
      }
    }
    return Optional.ofNullable(found);
  }

  private static String unescapeOctal(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * Field {@code n} (1-based, as in proc(5), n >= 3) of {@code /proc/<pid>/stat} as a number, or
   * {@link Long#MIN_VALUE}. The name (field 2) is in parentheses and may itself contain spaces and parentheses, so
   * counting starts after the last ')'. Parsed in place: this runs for every exec.
   */
  static long statField(byte[] stat, int n) {
    int i = stat.length - 1;
    while (i >= 0 && stat[i] != ')') {
      i--;
    }
    if (i < 0 || n < 3) {
      return Long.MIN_VALUE;
    }
    int field = 2;
    i++;
    while (i < stat.length) {
      while (i < stat.length && stat[i] == ' ') {
        i++;
      }
      field++;
      int start = i;
      while (i < stat.length && stat[i] != ' ' && stat[i] != '\n') {
        i++;
      }
      if (field == n) {
        return parseLong(stat, start, i);
      }
    }
    return Long.MIN_VALUE;
  }

  private static long parseLong(byte[] b, int from, int to) {
    if (from >= to) {
      return Long.MIN_VALUE;
    }
    boolean negative = b[from] == '-';
    long v = 0;
    for (int i = negative ? from + 1 : from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return Long.MIN_VALUE;
      }
      v = v * 10 + (b[i] - '0');
    }
    return negative ? -v : v;
  }

  /**
   * The terminal's name for a {@code tty_nr}: major in bits 8-15, minor in bits 0-7 and 20-31. Unix98 ptys
   * (majors 136-143) are {@code pts/N}, virtual consoles {@code ttyN}, serial ports {@code ttySN}; empty for none.
   */
  static String ttyName(int ttyNr) {
    if (ttyNr == 0) {
      return "";
    }
    int major = (ttyNr >> 8) & 0xfff;
    int minor = (ttyNr & 0xff) | ((ttyNr >>> 12) & 0xfff00);
    if (major >= 136 && major <= 143) {
      return "pts/" + ((major - 136) * 256 + minor);
    }
    if (major == 4) {
      return minor < 64 ? "tty" + minor : "ttyS" + (minor - 64);
    }
    if (major == 5 && minor == 1) {
      return "console";
    }
    return "tty(" + major + ":" + minor + ")";
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
