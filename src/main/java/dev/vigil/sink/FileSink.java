package dev.vigil.sink;

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
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each alert as one Falco JSON line to a file. Each line is encoded completely (unencodable characters
 * replaced) before one write and flush, so a reader, a crash or a bad character never leaves half a line. Before each
 * write the file at the path is checked to be the one open, so after logrotate moves it or someone deletes it the
 * next alert goes to a new file at the configured path. A failed write is logged and counted in
 * {@code vigil.sink.failures{sink=file}} and the file reopened on the next alert; nothing is thrown into the engine.
 * Thread-safe.
 */
public final class FileSink implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

  private final Path path;
  private final Metrics metrics;
  private OutputStream out;
  private Object fileKey;

  /** Opens (creating parents and the file as needed) for appending; fails fast with a clear message. */
  public FileSink(Path path, Metrics metrics) {
    this.path = path;
    this.metrics = metrics;
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
      out.write(line);
      out.flush();
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
