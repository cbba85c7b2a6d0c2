package dev.vigil.sensor.cgroup;

import dev.vigil.sensor.KeptFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One container's counter files, kept open between samples ({@link KeptFile}), and the raw values of the last
 * read. Opening resolves nothing: the paths come from {@link CgroupFiles}, resolved once. {@link #read} re-reads
 * every file into a caller's buffer and parses it in place, so a sample allocates nothing. Not thread-safe: the
 * sensor reads and closes it under the container's lock.
 */
final class ContainerCounters implements AutoCloseable {

  private static final byte[] USAGE_USEC = ascii("usage_usec");
  private static final byte[] INACTIVE_FILE = ascii("inactive_file");
  private static final byte[] TOTAL_INACTIVE_FILE = ascii("total_inactive_file");

  private final KeptFile cpu;
  private final boolean cpuV2;
  private final KeptFile memUsage;
  private final boolean memV2;
  private final KeptFile memStat;
  private final KeptFile memLimit;
  private final KeptFile pidsFile;
  private final KeptFile io;
  private final boolean ioV2;
  private final KeptFile netDev;
  private final long[] pair = new long[2];

  /** CPU time used by the container since its cgroup was made, ns. */
  long cpuNanos;
  /** Memory charged to the cgroup, page cache included, bytes. */
  long memoryUsage;
  /** Inactive file-backed pages (reclaimable cache), bytes; 0 when memory.stat is absent. */
  long inactiveFile;
  /** The limit as the file says it ({@link CounterText#UNLIMITED} for v2's max); {@link CounterText#MISSING}. */
  long memoryLimitRaw;
  long pids;
  long blockRead;
  long blockWrite;
  long rxBytes;
  long txBytes;

  private ContainerCounters(List<KeptFile> opened, CgroupFiles f, Path netDevPath) throws IOException {
    cpu = open(opened, f.cpu(), !f.cpuV2());
    cpuV2 = f.cpuV2();
    memUsage = open(opened, f.memoryUsage(), true);
    memV2 = f.memoryV2();
    memStat = open(opened, f.memoryStat(), false);
    memLimit = open(opened, f.memoryLimit(), true);
    pidsFile = open(opened, f.pids(), true);
    io = open(opened, f.io(), false);
    ioV2 = f.ioV2();
    netDev = open(opened, netDevPath, false);
  }

  /**
   * Opens the files of {@code f} and, when {@code netDevPath} is not null, the container's network device table.
   * Nothing stays open when this throws.
   *
   * @throws java.nio.file.NoSuchFileException when a file vanished since it was resolved (the container stopped)
   */
  static ContainerCounters open(CgroupFiles f, Path netDevPath) throws IOException {
    List<KeptFile> opened = new ArrayList<>(8);
    try {
      return new ContainerCounters(opened, f, netDevPath);
    } catch (IOException | RuntimeException e) {
      opened.forEach(KeptFile::close);
      throw e;
    }
  }

  private static KeptFile open(List<KeptFile> opened, Path p, boolean oneLine) throws IOException {
    if (p == null) {
      return null;
    }
    KeptFile k = KeptFile.open(p, oneLine);
    opened.add(k);
    return k;
  }

  /**
   * Reads every file and updates the fields.
   *
   * @throws IOException when a file cannot be read (its cgroup was removed) or holds no number where one must be
   */
  void read(KeptFile.Buffer buf) throws IOException {
    int n = cpu.read(buf);
    long c = cpuV2 ? CounterText.keyed(buf.bytes(), n, USAGE_USEC) : CounterText.value(buf.bytes(), n);
    if (c < 0 || c == CounterText.UNLIMITED) {
      throw new IOException("no CPU usage in " + cpu.path());
    }
    cpuNanos = cpuV2 ? (c > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : c * 1000) : c;
    memoryUsage = one(memUsage, buf, true);
    if (memStat != null) {
      memStat.read(buf);
      long inactive = CounterText.keyed(buf.bytes(), buf.length(), memV2 ? INACTIVE_FILE : TOTAL_INACTIVE_FILE);
      inactiveFile = Math.max(0, inactive);
    }
    memoryLimitRaw = memLimit == null ? CounterText.MISSING : one(memLimit, buf, false);
    pids = pidsFile == null ? 0 : Math.max(0, one(pidsFile, buf, false));
    if (io != null) {
      io.read(buf);
      if (ioV2) {
        CounterText.ioStatV2(buf.bytes(), buf.length(), pair);
      } else {
        CounterText.blkioV1(buf.bytes(), buf.length(), pair);
      }
      blockRead = pair[0];
      blockWrite = pair[1];
    }
    if (netDev != null) {
      netDev.read(buf);
      CounterText.netDev(buf.bytes(), buf.length(), pair);
      rxBytes = pair[0];
      txBytes = pair[1];
    }
  }

  private static long one(KeptFile f, KeptFile.Buffer buf, boolean required) throws IOException {
    f.read(buf);
    long v = CounterText.value(buf.bytes(), buf.length());
    if (required && v < 0) {
      throw new IOException("no number in " + f.path());
    }
    return v;
  }

  /** Descriptors held now (for tests and status). */
  int openFiles() {
    int n = 0;
    for (KeptFile f : new KeptFile[] {cpu, memUsage, memStat, memLimit, pidsFile, io, netDev}) {
      if (f != null && f.isOpen()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    for (KeptFile f : new KeptFile[] {cpu, memUsage, memStat, memLimit, pidsFile, io, netDev}) {
      if (f != null) {
        f.close();
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
