package dev.vigil.sensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small kernel text file ({@code /proc}, cgroup) opened once and re-read from offset 0 with positional reads on
 * every poll, into a caller's reused {@link Buffer}. The kernel regenerates such a file's text on each read from the
 * start, so a kept descriptor always sees current values; what is saved is the path walk, open and close of every
 * poll (measured from Java on this kind of host: open+read+close of a small /proc or cgroup file 17-40 us, a
 * positional re-read 2-12 us; {@code /proc/PID/net/snmp} 37 us vs 12 us, {@code sockstat} 17 us vs 2.7 us).
 *
 * <p>A kept file is never reopened: what makes it fail (the container stopped or restarted) makes every file of
 * the container stale, so the owner closes them all and opens a fresh set. What it holds differs by kind: an open
 * {@code /proc/PID/net} file holds the network namespace, not the process, so it stays readable after the process
 * exits and the owner must close it when the container stops; a removed cgroup's files fail reads ({@code ENODEV}).
 * A read interrupted by {@link Thread#interrupt} closes the file (NIO's interruptible channel). Not thread-safe: one
 * reader at a time.
 */
public final class KeptFile implements AutoCloseable {

  /**
   * A direct buffer shared by the files one thread reads, grown for a long file up to a cap; longer contents are
   * cut there. Direct, because a positional read into a heap buffer goes through a temporary direct one and a copy.
   * Not thread-safe.
   */
  public static final class Buffer {
    private final int max;
    private ByteBuffer bytes;
    private int length;
    private byte[] text = new byte[0];

    /**
     * @param initialCapacity bytes allocated at first
     * @param max the longest file read whole; longer files are cut at this many bytes
     */
    public Buffer(int initialCapacity, int max) {
      if (initialCapacity < 1 || max < initialCapacity) {
        throw new IllegalArgumentException("need 1 <= initialCapacity <= max, got " + initialCapacity + ", " + max);
      }
      this.max = max;
      this.bytes = ByteBuffer.allocateDirect(initialCapacity);
    }

    /** The bytes of the last read, from index 0 to {@link #length()}. */
    public ByteBuffer bytes() {
      return bytes;
    }

    /** How many bytes the last read left in {@link #bytes()}. */
    public int length() {
      return length;
    }

    /** The last read's bytes as ASCII text (the kernel's counter files are ASCII). */
    public String text() {
      if (text.length < length) {
        text = new byte[bytes.capacity()];
      }
      bytes.get(0, text, 0, length);
      return new String(text, 0, length, StandardCharsets.US_ASCII);
    }

    /** A buffer twice as large (at most {@code max}) holding the first {@code len} bytes. */
    private ByteBuffer grow(int len) {
      ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.min(max, 2L * bytes.capacity()));
      bytes.position(0).limit(len);
      bigger.put(bytes);
      bytes = bigger;
      return bigger;
    }
  }

  private final Path path;
  private final boolean oneLine;
  private final FileChannel channel;

  private KeptFile(Path path, boolean oneLine, FileChannel channel) {
    this.path = path;
    this.oneLine = oneLine;
    this.channel = channel;
  }

  /**
   * Opens a file of any length for reading.
   *
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   */
  public static KeptFile open(Path path) throws IOException {
    return open(path, false);
  }

  /**
   * Opens {@code path} for reading.
   *
   * @param oneLine the file holds one value ending in a newline (cpuacct.usage, memory.current, pids.current):
   *     a read that ends with the newline is complete and the end-of-file read is skipped
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   */
  public static KeptFile open(Path path, boolean oneLine) throws IOException {
    return new KeptFile(path, oneLine, FileChannel.open(path, StandardOpenOption.READ));
  }

  public Path path() {
    return path;
  }

  /** Reads the whole file (cut at the buffer's cap) into {@code buf} from index 0; sets and returns its length. */
  public int read(Buffer buf) throws IOException {
    ByteBuffer b = buf.bytes;
    b.clear();
    buf.length = 0;
    int len = 0;
    while (true) {
      int n = channel.read(b, len);
      if (n <= 0) {
        break;
      }
      len += n;
      if (oneLine && b.get(len - 1) == '\n') {
        break;
      }
      if (!b.hasRemaining()) {
        if (b.capacity() >= buf.max) {
          break;
        }
        b = buf.grow(len);
      }
    }
    buf.length = len;
    return len;
  }

  /** Reads the whole file into {@code buf} and returns it as ASCII text. */
  public String readText(Buffer buf) throws IOException {
    read(buf);
    return buf.text();
  }

  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a read-only descriptor of a kernel file cannot lose data
    }
  }
}
