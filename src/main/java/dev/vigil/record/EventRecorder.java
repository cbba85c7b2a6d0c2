package dev.vigil.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.Event;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the events the engine sees to a JSON-lines file that {@code vigil replay} reads back. Before the first
 * event of a container (and whenever its record changed) it writes the container's inventory record, so container
 * fields evaluate on replay as they did live. A write failure is logged once and recording stops; monitoring goes
 * on. Called from the dispatch thread only.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final ContainerDirectory directory;
  private final Map<String, ContainerInfo> written = new HashMap<>();
  private BufferedWriter out;

  public EventRecorder(Path file, ContainerDirectory directory) {
    this.directory = directory;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open events file " + file + ": " + e.getMessage(), e);
    }
  }

  public void record(Event e) {
    if (out == null) {
      return;
    }
    try {
      if (!e.container().isHost()) {
        ContainerInfo info = directory == null ? null : directory.find(e.container().id()).orElse(null);
        if (info != null && !info.equals(written.get(info.ref().id()))) {
          write(new EventJson.Line.ContainerLine(info));
          written.put(info.ref().id(), info);
        }
      }
      write(new EventJson.Line.EventLine(e));
      out.flush();
    } catch (IOException ex) {
      LOG.error("recording events stopped: {}", ex.getMessage());
      close();
    }
  }

  private void write(EventJson.Line line) throws IOException {
    try {
      out.write(EventJson.MAPPER.writerFor(EventJson.Line.class).writeValueAsString(line));
      out.write('\n');
    } catch (JsonProcessingException e) {
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      LOG.debug("closing events file: {}", e.toString());
    } finally {
      out = null;
    }
  }
}
