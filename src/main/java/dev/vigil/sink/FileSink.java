package dev.vigil.sink;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.FalcoJson;
import dev.vigil.common.Metrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends each alert as one Falco JSON line to a file, flushed per alert so a reader (or a crash) never sees half
 * a line. A failed write is logged, counted in {@code vigil.sink.failures{sink=file}} and retried by reopening the
 * file on the next alert; it never throws into the engine. Thread-safe.
 */
public final class FileSink implements AlertSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

  private final Path path;
  private final Metrics metrics;
  private BufferedWriter writer;

  /** Opens (creating parents and the file as needed) for appending; fails fast with a clear message. */
  public FileSink(Path path, Metrics metrics) {
    this.path = path;
    this.metrics = metrics;
    try {
      this.writer = open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open alerts file " + path + ": " + e.getMessage(), e);
    }
  }

  private BufferedWriter open() throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
  }

  @Override
  public synchronized void accept(Alert alert) {
    String line = FalcoJson.toJson(alert) + "\n";
    try {
      if (writer == null) {
        writer = open();
      }
      writer.write(line);
      writer.flush();
      metrics.counter("vigil.sink.delivered", "sink", "file").increment();
    } catch (IOException e) {
      metrics.counter("vigil.sink.failures", "sink", "file").increment();
      LOG.error("alerts file {}: write failed: {}", path, e.getMessage());
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      if (writer != null) {
        writer.close();
      }
    } catch (IOException ignored) {
      // the write already failed and was reported
    } finally {
      writer = null;
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }
}
