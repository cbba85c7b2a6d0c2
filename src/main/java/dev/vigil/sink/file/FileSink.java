package dev.vigil.sink.file;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.FalcoJson;
import dev.vigil.common.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each alert as one Falco JSON line to a file. Each line is encoded completely (unencodable characters
 * replaced) before one write and flush, so an encoding failure or a bad character never leaves half a line (a reader
 * tailing the file can still see the end of a line that is being written: read up to the last newline). Before each
 * write the file at the path is checked to be the one open, so after logrotate moves it or someone deletes it the
 * next alert goes to a new file at the configured path. A failed write is logged and counted in
 * {@code vigil.sink.failures{sink=file}} and the file reopened on the next alert; nothing is thrown into the engine.
 *
 * <p>With a size limit the sink rotates by itself, before the line that would pass it: {@code alerts.jsonl} becomes
 * {@code alerts.jsonl.1}, {@code .1} becomes {@code .2} and so on, keeping {@code maxFiles} old files (the oldest
 * is deleted). Only whole lines are ever in any file; a single line longer than the limit gets a file of its own.
 * Rotation by an outside tool (logrotate) keeps working as before. Thread-safe.
 */
public final class FileSink implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

  private final Path path;
  private final Metrics metrics;
  private final long maxSize;
  private final int maxFiles;
  private OutputStream out;
  private Object fileKey;
  private long size;

  /** Opens (creating parents and the file as needed) for appending; fails fast with a clear message. */
  public FileSink(Path path, Metrics metrics) {
    this(path, 0, 0, metrics);
  }

  /**
   * A file sink that rotates by size.
   *
   * @param maxSize rotate before a line would make the file larger than this many bytes; 0 = never rotate
   * @param maxFiles rotated files kept ({@code path.1} to {@code path.N}); 0 = rotation truncates
   */
  public FileSink(Path path, long maxSize, int maxFiles, Metrics metrics) {
    if (maxSize < 0 || maxFiles < 0) {
      throw new IllegalArgumentException("max_size and max_files must not be negative");
    }
    this.path = path;
    this.metrics = metrics;
    this.maxSize = maxSize;
    this.maxFiles = maxFiles;
    try {
      open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open alerts file " + path + ": " + e.getMessage(), e);
    }
  }

  private void open() throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    fileKey = currentKey();
    size = Files.size(path);
  }

  /** Shifts path.(N-1) to path.N ... path to path.1, dropping the oldest; the caller reopens. */
  private void rotate() throws IOException {
    closeQuietly();
    if (maxFiles == 0) {
      Files.deleteIfExists(path);
      return;
    }
    Files.deleteIfExists(rotated(maxFiles));
    for (int i = maxFiles - 1; i >= 1; i--) {
      Path from = rotated(i);
      if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(path, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }
    metrics.counter("vigil.sink.rotations", "sink", "file").increment();
  }

  private Path rotated(int i) {
    return path.resolveSibling(path.getFileName() + "." + i);
  }

  private Object currentKey() throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public synchronized void accept(Alert alert) {
    byte[] line = (FalcoJson.toJson(alert) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      if (out != null && (fileKey == null || !Objects.equals(fileKey, currentKey()))) {
        LOG.info("alerts file {} was moved or deleted; opening a new one", path);
        closeQuietly();
      }
      if (out == null) {
        open();
      }
      if (maxSize > 0 && size > 0 && size + line.length > maxSize) {
        rotate();
        open();
      }
      out.write(line);
      out.flush();
      size += line.length;
      metrics.counter("vigil.sink.delivered", "sink", "file").increment();
    } catch (IOException e) {
      metrics.counter("vigil.sink.failures", "sink", "file").increment();
      LOG.error("alerts file {}: write failed: {}", path, e.getMessage());
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException ignored) {
      // the write already failed and was reported
    } finally {
      out = null;
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
