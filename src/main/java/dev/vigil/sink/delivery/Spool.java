package dev.vigil.sink.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, crash-safe FIFO of records on disk for one destination: alerts wait here until the destination
 * acknowledged them, across outages and restarts.
 *
 * <p><b>Layout.</b> A directory of append-only segment files named by a growing sequence number
 * ({@code 00000000000000000042.seg}), an {@code ack} file and a {@code lock} file. Each record is
 * {@code 0xFF 0xFE | length (int32) | CRC-32C of the payload (int32) | payload}. The two marker bytes never occur in
 * UTF-8 text, so after a damaged record the reader finds the next one by searching for them and checking its CRC.
 * The {@code ack} file holds the position (segment, offset) before which everything was acknowledged, with its own
 * CRC; it is rewritten in place after every acknowledged batch and never forced to disk, because losing it only
 * means delivering some alerts again (at-least-once).
 *
 * <p><b>Recovery.</b> {@link #open} takes an exclusive lock on the directory, deletes segments wholly before the
 * acknowledged position, reads every remaining record once to check its CRC and count it, truncates a torn
 * record at the end of the last segment (the trace of a crash in the middle of a write), counts skipped bytes in
 * {@link #corruptBytes()}, and starts a fresh segment for new records. Reading resumes at the acknowledged
 * position, so the spool is replayed before anything new.
 *
 * <p><b>Bound.</b> The segment files together never exceed {@code maxBytes}: before a write that would pass it,
 * the oldest segment is deleted, acknowledged or not, and its unacknowledged records are counted in
 * {@link #droppedRecords()}. Segments are an eighth of the bound (4 KiB to 64 MiB), so a drop loses at most that
 * share. When the files reach 80 % of the bound the {@link Listener} hears it once; it is re-armed below 50 %.
 *
 * <p><b>Durability.</b> See {@link FsyncPolicy}. Segment creation also forces the directory unless the policy is
 * {@code NEVER}.
 *
 * <p><b>Threads.</b> One writer thread calls {@link #append} and {@link #syncIfDue}; one reader thread calls
 * {@link #read} and {@link #ack}; the depth accessors may be called from any thread. {@link #close} after both
 * stopped.
 */
public final class Spool implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

  /** Hears the spool's fill level cross the high-water mark. Called without locks held, from the writer thread. */
  public interface Listener {
    void filling(long bytes, long maxBytes, long records);
  }

  /**
   * Records read from one segment, in order; acknowledge with {@link #ack}. A batch may be empty yet advance the
   * position past damaged bytes, and must be acknowledged like any other.
   */
  public record Batch(long segment, long start, long end, List<byte[]> records) {
    public boolean isEmpty() {
      return records.isEmpty() && end == start;
    }
  }

  static final int HEADER = 10;
  private static final byte M0 = (byte) 0xFF;
  private static final byte M1 = (byte) 0xFE;
  private static final int ACK_MAGIC = 0x56474b31;
  private static final int ACK_SIZE = 24;
  private static final String SUFFIX = ".seg";
  private static final int READ_CHUNK = 64 * 1024;
  private static final long BATCH_BYTES = 4L * 1024 * 1024;
  private static final double HIGH_WATER = 0.8;
  private static final double LOW_WATER = 0.5;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final int maxRecord;
  private final FsyncPolicy fsync;
  private final long fsyncIntervalNanos;
  private final Listener listener;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final FileChannel ackChannel;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition data = lock.newCondition();
  /** Ascending by sequence; the last one is the active segment the writer appends to. Guarded by lock. */
  private final ArrayDeque<Segment> segments = new ArrayDeque<>();
  private long ackOffset;
  private long headAcked;
  private long readSeq;
  private long readOffset;
  private long pending;
  private long totalBytes;
  private boolean fillingArmed = true;
  private boolean closed;
  private boolean wake;

  // writer thread only
  private FileChannel activeChannel;
  private ByteBuffer writeBuf = ByteBuffer.allocate(64 * 1024);
  private long lastSyncNanos = System.nanoTime();
  private boolean dirty;

  // reader thread only
  private FileChannel readChannel;
  private long readChannelSeq = -1;
  private ByteBuffer readBuf = ByteBuffer.allocate(READ_CHUNK);

  private final AtomicLong droppedRecords = new AtomicLong();
  private final AtomicLong corruptBytes = new AtomicLong();
  private final AtomicLong appended = new AtomicLong();
  private volatile long pendingView;
  private volatile long totalBytesView;
  private volatile long depthBytesView;

  private static final class Segment {
    final long seq;
    final Path path;
    long size;
    long records;

    Segment(long seq, Path path) {
      this.seq = seq;
      this.path = path;
    }
  }

  private Spool(Path dir, long maxBytes, FsyncPolicy fsync, Duration fsyncInterval, Listener listener,
      FileChannel lockChannel, FileLock fileLock, FileChannel ackChannel) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(4096, Math.min(64L * 1024 * 1024, maxBytes / 8));
    this.maxRecord = (int) Math.min(1024 * 1024, maxBytes / 4);
    this.fsync = fsync;
    this.fsyncIntervalNanos = fsyncInterval.toNanos();
    this.listener = listener;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    this.ackChannel = ackChannel;
  }

  /**
   * Opens (creating) the spool in {@code dir} and recovers what a previous run left there.
   *
   * @throws IOException when the directory cannot be used, or another process holds it
   */
  public static Spool open(Path dir, long maxBytes, FsyncPolicy fsync, Duration fsyncInterval, Listener listener)
      throws IOException {
    if (maxBytes < DeliveryOptions.MIN_SPOOL_BYTES) {
      throw new IllegalArgumentException("spool bound must be at least 64 KiB (got " + maxBytes + ")");
    }
    Files.createDirectories(dir);
    FileChannel lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock fl;
    try {
      fl = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      fl = null;
    }
    if (fl == null) {
      lockChannel.close();
      throw new IOException("spool " + dir + " is in use by another vigil process");
    }
    FileChannel ack = FileChannel.open(dir.resolve("ack"), StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    Spool s = new Spool(dir, maxBytes, fsync, fsyncInterval, listener, lockChannel, fl, ack);
    try {
      s.recover();
    } catch (IOException | RuntimeException e) {
      s.releaseFiles();
      throw e;
    }
    return s;
  }

  private void recover() throws IOException {
    List<Long> seqs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        try {
          seqs.add(Long.parseLong(n.substring(0, n.length() - SUFFIX.length())));
        } catch (NumberFormatException e) {
          LOG.warn("spool {}: ignoring unexpected file {}", dir, n);
        }
      }
    }
    seqs.sort(null);
    long[] ack = readAck();
    long maxSeq = ack == null ? 0 : ack[0];
    for (long seq : seqs) {
      maxSeq = Math.max(maxSeq, seq);
      if (ack != null && seq < ack[0]) {
        Files.deleteIfExists(segmentPath(seq));
      } else {
        segments.add(new Segment(seq, segmentPath(seq)));
      }
    }
    ackOffset = 0;
    if (ack != null && !segments.isEmpty() && segments.peekFirst().seq == ack[0]) {
      ackOffset = ack[1];
    }
    int i = 0;
    long corrupt = 0;
    for (Segment seg : segments) {
      boolean last = ++i == segments.size();
      long size = Files.size(seg.path);
      long from = seg == segments.peekFirst() ? Math.min(ackOffset, size) : 0;
      if (seg == segments.peekFirst()) {
        ackOffset = from;
      }
      long[] scan = scan(seg.path, from, size);
      seg.records = scan[0];
      corrupt += scan[1];
      long validEnd = scan[2];
      if (last && validEnd < size) {
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.WRITE)) {
          ch.truncate(validEnd);
        }
        LOG.warn("spool {}: cut a torn record ({} bytes) at the end of {} (the previous run stopped mid-write)",
            dir, size - validEnd, seg.path.getFileName());
        size = validEnd;
      }
      seg.size = size;
      totalBytes += size;
      pending += seg.records;
    }
    if (corrupt > 0) {
      corruptBytes.addAndGet(corrupt);
      LOG.warn("spool {}: skipped {} damaged bytes while recovering", dir, corrupt);
    }
    Segment active = new Segment(maxSeq + 1, segmentPath(maxSeq + 1));
    activeChannel = FileChannel.open(active.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    syncDirectory();
    segments.add(active);
    Segment head = segments.peekFirst();
    readSeq = head.seq;
    readOffset = ackOffset;
    List<Path> gone = gc();
    deleteAll(gone);
    writeAck();
    publish();
    if (pending > 0) {
      LOG.info("spool {}: {} alerts from the previous run will be delivered first", dir, pending);
    }
  }

  /** Reads a whole segment from {@code from}: returns {records, corrupt bytes, end of the last good record}. */
  private long[] scan(Path path, long from, long size) throws IOException {
    long records = 0;
    long corrupt = 0;
    long pos = from;
    long validEnd = from;
    ByteBuffer buf = ByteBuffer.allocate(maxRecord + HEADER + READ_CHUNK);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      while (pos < size) {
        buf.clear();
        int want = (int) Math.min(buf.capacity(), size - pos);
        buf.limit(want);
        readFully(ch, buf, pos);
        boolean eof = pos + want >= size;
        long[] r = parse(buf.array(), want, eof, Integer.MAX_VALUE, Long.MAX_VALUE, null);
        records += r[0];
        corrupt += r[1];
        if (r[0] > 0) {
          validEnd = pos + r[3];
        }
        if (r[2] == 0) {
          break; // cannot happen with a chunk larger than a record; guards against a loop
        }
        pos += r[2];
      }
    }
    return new long[] {records, corrupt, records == 0 && corrupt == 0 ? size : validEnd};
  }

  /**
   * Parses records from {@code buf[0, len)}.
   *
   * @param eof no bytes follow these in the segment: an incomplete trailing record is damage, not a short read
   * @param out receives payloads, or null to only count
   * @return {records, damaged bytes skipped, bytes consumed, end of the last good record}
   */
  private long[] parse(byte[] buf, int len, boolean eof, int maxRecords, long maxBatchBytes, List<byte[]> out) {
    int p = 0;
    long records = 0;
    long corrupt = 0;
    long bytes = 0;
    int lastGoodEnd = 0;
    CRC32C crc = new CRC32C();
    while (p < len && records < maxRecords && bytes < maxBatchBytes) {
      if (len - p < HEADER) {
        if (eof) {
          corrupt += len - p;
          p = len;
        }
        break;
      }
      boolean good = false;
      if (buf[p] == M0 && buf[p + 1] == M1) {
        int n = getInt(buf, p + 2);
        if (n >= 0 && n <= maxRecord) {
          if (p + HEADER + n > len) {
            if (!eof) {
              break; // the caller reads on from p
            }
          } else {
            crc.reset();
            crc.update(buf, p + HEADER, n);
            if ((int) crc.getValue() == getInt(buf, p + 6)) {
              if (out != null) {
                byte[] payload = new byte[n];
                System.arraycopy(buf, p + HEADER, payload, 0, n);
                out.add(payload);
              }
              records++;
              bytes += n;
              p += HEADER + n;
              lastGoodEnd = p;
              good = true;
            }
          }
        }
      }
      if (!good) {
        int q = nextMarker(buf, p + 1, len);
        if (q < 0) {
          if (eof) {
            corrupt += len - p;
            p = len;
          } else {
            int keep = Math.max(p + 1, len - 1); // a marker may straddle the chunk end
            corrupt += keep - p;
            p = keep;
          }
          break;
        }
        corrupt += q - p;
        p = q;
      }
    }
    return new long[] {records, corrupt, p, lastGoodEnd};
  }

  private static int nextMarker(byte[] buf, int from, int len) {
    for (int i = from; i < len - 1; i++) {
      if (buf[i] == M0 && buf[i + 1] == M1) {
        return i;
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------------------------------------ writer side

  /**
   * Appends records in order, making room first by dropping the oldest segments when the bound requires.
   * Records larger than a quarter of the bound (at most 1 MiB) are dropped and counted. Writer thread only.
   */
  public void append(List<byte[]> payloads) throws IOException {
    List<Path> gone = new ArrayList<>();
    writeBuf.clear();
    int bufRecords = 0;
    for (byte[] p : payloads) {
      if (p.length > maxRecord) {
        droppedRecords.incrementAndGet();
        LOG.warn("spool {}: dropped an alert of {} bytes (larger than a record may be)", dir, p.length);
        continue;
      }
      int rec = HEADER + p.length;
      long activeSize = activeSize();
      if (activeSize + writeBuf.position() + rec > segmentBytes && activeSize + writeBuf.position() > 0) {
        flush(bufRecords);
        bufRecords = 0;
        roll(gone);
      }
      makeRoom(writeBuf.position() + rec, gone);
      if (writeBuf.remaining() < rec) {
        if (writeBuf.position() > 0 && writeBuf.position() + rec > 1024 * 1024) {
          flush(bufRecords);
          bufRecords = 0;
        }
        if (writeBuf.remaining() < rec) {
          ByteBuffer bigger = ByteBuffer.allocate(Math.max(writeBuf.capacity() * 2, writeBuf.position() + rec));
          writeBuf.flip();
          bigger.put(writeBuf);
          writeBuf = bigger;
        }
      }
      CRC32C crc = new CRC32C();
      crc.update(p, 0, p.length);
      writeBuf.put(M0).put(M1).putInt(p.length).putInt((int) crc.getValue()).put(p);
      bufRecords++;
    }
    flush(bufRecords);
    if (writeBuf.capacity() > 4 * 1024 * 1024) {
      writeBuf = ByteBuffer.allocate(64 * 1024); // do not keep a huge buffer after one large group
    }
    deleteAll(gone);
    if (fsync == FsyncPolicy.ALWAYS) {
      sync();
    } else {
      syncIfDue();
    }
    checkFilling();
  }

  private long activeSize() {
    lock.lock();
    try {
      return segments.peekLast().size;
    } finally {
      lock.unlock();
    }
  }

  private void flush(int records) throws IOException {
    if (writeBuf.position() == 0) {
      return;
    }
    writeBuf.flip();
    int n = writeBuf.remaining();
    long pos;
    lock.lock();
    try {
      pos = segments.peekLast().size;
    } finally {
      lock.unlock();
    }
    while (writeBuf.hasRemaining()) {
      pos += activeChannel.write(writeBuf, pos);
    }
    writeBuf.clear();
    dirty = true;
    appended.addAndGet(records);
    lock.lock();
    try {
      Segment active = segments.peekLast();
      active.size += n;
      active.records += records;
      pending += records;
      totalBytes += n;
      publish();
      data.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void roll(List<Path> gone) throws IOException {
    if (fsync != FsyncPolicy.NEVER) {
      activeChannel.force(false);
    }
    activeChannel.close();
    long next;
    lock.lock();
    try {
      next = segments.peekLast().seq + 1;
    } finally {
      lock.unlock();
    }
    Segment s = new Segment(next, segmentPath(next));
    activeChannel = FileChannel.open(s.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    syncDirectory();
    lock.lock();
    try {
      segments.add(s);
      gone.addAll(gc());
      if (!gone.isEmpty()) {
        writeAck();
      }
      data.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops the oldest non-active segments until {@code extra} more bytes fit the bound. */
  private void makeRoom(long extra, List<Path> gone) throws IOException {
    lock.lock();
    try {
      boolean droppedAny = false;
      while (totalBytes + extra > maxBytes && segments.size() > 1) {
        Segment head = segments.pollFirst();
        long lost = head.records - headAcked;
        pending -= lost;
        totalBytes -= head.size;
        ackOffset = 0;
        headAcked = 0;
        if (readSeq <= head.seq) {
          readSeq = segments.peekFirst().seq;
          readOffset = 0;
        }
        gone.add(head.path);
        droppedRecords.addAndGet(lost);
        droppedAny = true;
        LOG.warn("spool {}: full ({} bytes); dropped the oldest {} undelivered alerts", dir, maxBytes, lost);
      }
      if (droppedAny) {
        writeAck();
        publish();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Forces written records to disk when the interval policy says it is time. Writer thread only. */
  public void syncIfDue() throws IOException {
    if (fsync == FsyncPolicy.INTERVAL && dirty && System.nanoTime() - lastSyncNanos >= fsyncIntervalNanos) {
      sync();
    }
  }

  private void sync() throws IOException {
    if (dirty) {
      activeChannel.force(false);
      dirty = false;
    }
    lastSyncNanos = System.nanoTime();
  }

  private void checkFilling() {
    long bytes;
    long records;
    lock.lock();
    try {
      if (!fillingArmed || totalBytes < HIGH_WATER * maxBytes) {
        return;
      }
      fillingArmed = false;
      bytes = totalBytes;
      records = pending;
    } finally {
      lock.unlock();
    }
    if (listener != null) {
      listener.filling(bytes, maxBytes, records);
    }
  }

  // ------------------------------------------------------------------------------------------------ reader side

  /**
   * The next records after the last batch read, at most {@code maxRecords} (and about 4 MiB), from one segment;
   * waits up to {@code timeout} for some to arrive. Returns an empty batch on timeout or after {@link #close}.
   * Reader thread only.
   */
  public Batch read(int maxRecords, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long seq;
      long from;
      long end;
      Path path;
      lock.lock();
      try {
        while (true) {
          if (closed) {
            return new Batch(readSeq, readOffset, readOffset, List.of());
          }
          Segment head = segments.peekFirst();
          if (readSeq < head.seq || (readSeq == head.seq && readOffset < ackOffset)) {
            readSeq = head.seq;
            readOffset = ackOffset;
          }
          Segment s = find(readSeq);
          if (s == null) { // cannot happen: segments are contiguous from the head
            s = head;
            readSeq = head.seq;
            readOffset = ackOffset;
          }
          if (readOffset < s.size) {
            seq = s.seq;
            from = readOffset;
            end = s.size;
            path = s.path;
            break;
          }
          if (s != segments.peekLast()) {
            readSeq = s.seq + 1;
            readOffset = 0;
            continue;
          }
          long wait = deadline - System.nanoTime();
          if (wait <= 0 || wake) {
            wake = false;
            return new Batch(readSeq, readOffset, readOffset, List.of());
          }
          data.awaitNanos(wait);
        }
      } finally {
        lock.unlock();
      }
      List<byte[]> out = new ArrayList<>();
      long next;
      try {
        next = readRecords(seq, path, from, end, maxRecords, out);
      } catch (NoSuchFileException e) {
        continue; // dropped meanwhile; the cursor moves on under the lock
      }
      lock.lock();
      try {
        if (readSeq == seq && readOffset == from && find(seq) != null) {
          readOffset = next;
          return new Batch(seq, from, next, out);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private long readRecords(long seq, Path path, long from, long end, int maxRecords, List<byte[]> out)
      throws IOException {
    if (readChannelSeq != seq) {
      closeReadChannel();
      readChannel = FileChannel.open(path, StandardOpenOption.READ);
      readChannelSeq = seq;
    }
    long pos = from;
    // One record at a time (webhooks, Slack) needs little: most alerts are about a kilobyte.
    int first = maxRecords == 1 ? 4096 : READ_CHUNK;
    int want = first;
    long corrupt = 0;
    long bytes = 0;
    while (pos < end && out.size() < maxRecords && bytes < BATCH_BYTES) {
      int n = (int) Math.min(want, end - pos);
      if (readBuf.capacity() < n) {
        readBuf = ByteBuffer.allocate(n);
      }
      readBuf.clear();
      readBuf.limit(n);
      readFully(readChannel, readBuf, pos);
      boolean eof = pos + n >= end;
      int before = out.size();
      long[] r = parse(readBuf.array(), n, eof, maxRecords - before, BATCH_BYTES - bytes, out);
      corrupt += r[1];
      for (int i = before; i < out.size(); i++) {
        bytes += out.get(i).length;
      }
      if (r[2] == 0) {
        if (want >= maxRecord + HEADER) {
          break; // not reachable: a chunk this large always holds a record or damage
        }
        want = maxRecord + HEADER; // one record larger than the chunk: read it whole
        continue;
      }
      want = first;
      pos += r[2];
    }
    if (readBuf.capacity() > 4 * READ_CHUNK) {
      readBuf = ByteBuffer.allocate(READ_CHUNK);
    }
    if (corrupt > 0) {
      corruptBytes.addAndGet(corrupt);
      LOG.warn("spool {}: skipped {} damaged bytes in segment {}", dir, corrupt, seq);
    }
    return pos;
  }

  /**
   * Forgets a batch returned by {@link #read}: its records will not be read again, not even after a restart.
   * Reader thread only.
   */
  public void ack(Batch b) throws IOException {
    List<Path> gone;
    lock.lock();
    try {
      Segment head = segments.peekFirst();
      if (b.segment() < head.seq) {
        return; // its segment was dropped to keep the bound; already counted
      }
      gone = new ArrayList<>();
      // Batches are acknowledged in order, so segments before this batch's are complete (normally gone already).
      while (segments.size() > 1 && segments.peekFirst().seq < b.segment()) {
        Segment h = segments.peekFirst();
        pending -= h.records - headAcked;
        ackOffset = h.size;
        gone.addAll(gc());
      }
      if (b.end() > ackOffset) {
        ackOffset = b.end();
        headAcked += b.records().size();
        pending -= b.records().size();
      }
      gone.addAll(gc());
      writeAck();
      if (!fillingArmed && totalBytes <= LOW_WATER * maxBytes) {
        fillingArmed = true;
      }
      publish();
    } finally {
      lock.unlock();
    }
    deleteAll(gone);
  }

  // ------------------------------------------------------------------------------------------------ shared

  /** Removes wholly acknowledged segments before the active one; returns their paths to delete. Under lock. */
  private List<Path> gc() {
    List<Path> gone = new ArrayList<>();
    while (segments.size() > 1 && ackOffset >= segments.peekFirst().size) {
      Segment head = segments.pollFirst();
      totalBytes -= head.size;
      ackOffset = 0;
      headAcked = 0;
      gone.add(head.path);
      if (readSeq <= head.seq) {
        readSeq = segments.peekFirst().seq;
        readOffset = 0;
      }
    }
    if (!gone.isEmpty()) {
      if (!fillingArmed && totalBytes <= LOW_WATER * maxBytes) {
        fillingArmed = true;
      }
      publish();
    }
    return gone;
  }

  private Segment find(long seq) {
    for (Iterator<Segment> it = segments.iterator(); it.hasNext(); ) {
      Segment s = it.next();
      if (s.seq == seq) {
        return s;
      }
    }
    return null;
  }

  private void publish() {
    pendingView = pending;
    totalBytesView = totalBytes;
    depthBytesView = totalBytes - ackOffset;
  }

  private void writeAck() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(ACK_SIZE);
    b.putInt(ACK_MAGIC).putLong(segments.peekFirst().seq).putLong(ackOffset);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 20);
    b.putInt((int) crc.getValue());
    b.flip();
    long pos = 0;
    while (b.hasRemaining()) {
      pos += ackChannel.write(b, pos);
    }
  }

  private long[] readAck() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(ACK_SIZE);
    long pos = 0;
    while (b.hasRemaining()) {
      int n = ackChannel.read(b, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
    if (pos == 0) {
      return null; // a new spool
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 20);
    b.flip();
    if (pos < ACK_SIZE || b.getInt(0) != ACK_MAGIC || b.getInt(20) != (int) crc.getValue()) {
      LOG.warn("spool {}: the acknowledgement file is damaged; every spooled alert will be delivered again", dir);
      return null;
    }
    return new long[] {b.getLong(4), b.getLong(12)};
  }

  private void syncDirectory() {
    if (fsync == FsyncPolicy.NEVER) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("spool {}: cannot force the directory: {}", dir, e.toString());
    }
  }

  private void deleteAll(List<Path> paths) {
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.warn("spool {}: cannot delete {}: {}", dir, p.getFileName(), e.toString());
      }
    }
  }

  private Path segmentPath(long seq) {
    return dir.resolve(String.format("%020d%s", seq, SUFFIX));
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("segment ended early at " + p);
      }
      p += n;
    }
  }

  private static int getInt(byte[] b, int i) {
    return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
  }

  /** Unacknowledged records on disk. */
  public long depthRecords() {
    return pendingView;
  }

  /** Bytes of unacknowledged records on disk (with their headers). */
  public long depthBytes() {
    return depthBytesView;
  }

  /** Bytes of all segment files, the quantity bounded by {@code maxBytes}. */
  public long fileBytes() {
    return totalBytesView;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** Records dropped to keep the bound (or too large to spool), since open. */
  public long droppedRecords() {
    return droppedRecords.get();
  }

  /** Damaged bytes skipped (torn writes, disk errors), since open. */
  public long corruptBytes() {
    return corruptBytes.get();
  }

  /** Records appended since open. */
  public long appendedRecords() {
    return appended.get();
  }

  public Path directory() {
    return dir;
  }

  /** Wakes a waiting reader and stops reads; forces the active segment unless the policy is NEVER. */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      data.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      if (fsync != FsyncPolicy.NEVER && activeChannel != null && activeChannel.isOpen()) {
        activeChannel.force(false);
      }
    } finally {
      releaseFiles();
    }
  }

  /** Makes a reader waiting in {@link #read} for new records return an empty batch now (when stopping). */
  public void wakeReader() {
    lock.lock();
    try {
      wake = true;
      data.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void closeReadChannel() {
    if (readChannel != null) {
      try {
        readChannel.close();
      } catch (IOException ignored) {
        // read-only
      }
      readChannel = null;
      readChannelSeq = -1;
    }
  }

  private void releaseFiles() throws IOException {
    closeReadChannel();
    IOException first = null;
    for (AutoCloseable c : new AutoCloseable[] {activeChannel, ackChannel, fileLock, lockChannel}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        first = first == null ? e : first;
      } catch (Exception e) {
        first = first == null ? new IOException(e) : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
