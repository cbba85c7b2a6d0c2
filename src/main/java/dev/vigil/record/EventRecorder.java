package dev.vigil.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.Event;
import io.micrometer.core.instrument.Counter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the events the engine sees to a JSON-lines file that {@code vigil replay} reads back. Before the first
 * event of a container (and whenever its record changed) it writes the container's inventory record, so container
 * fields evaluate on replay as they did live.
 *
 * <p>{@link #record} only decides what to write and queues it (bounded: {@value #QUEUE} lines; a full queue drops
 * the line and counts it in {@code vigil.record.dropped}); the {@code vigil-record} thread serialises and writes, so
 * a slow disk never slows the dispatch thread. A write failure is logged once and recording stops (the rest is
 * counted as dropped); monitoring goes on. {@link #record} is called from one thread; {@link #close} writes what is
 * queued (for up to 5 s) and closes the file.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final int QUEUE = 8192;
  private static final ObjectWriter WRITER = EventJson.MAPPER.writerFor(EventJson.Line.class);
  private static final EventJson.Line END = new EventJson.Line.ContainerLine(null);

  private final Map<String, ContainerInfo> written = new HashMap<>();
  private final BlockingQueue<EventJson.Line> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Counter dropped;
  private final BufferedWriter out;
  private final Thread writer;
  private volatile boolean failed;

  private EventRecorder(BufferedWriter out, Metrics metrics) {
    this.out = out;
    this.dropped = metrics.counter("vigil.record.dropped", "sensor", "recorder");
    this.writer = Threads.daemon("vigil-record", this::writeLoop);
  }

  /**
   * Opens (appends to) {@code file}, creating its directory, and starts the writer thread.
   *
   * @throws UncheckedIOException when the file cannot be opened, with a one-line message naming it
   */
  public static EventRecorder open(Path file, Metrics metrics) {
    BufferedWriter out;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException("cannot open events file " + file + ": " + e.getMessage(),
          e instanceof IOException io ? io : new IOException(e));
    }
    EventRecorder r = new EventRecorder(out, metrics);
    r.writer.start();
    return r;
  }

  /** Queues {@code e}, preceded by its container's record from {@code containers} when that is new or changed. */
  public void record(Event e, ContainerDirectory containers) {
    if (failed) {
      dropped.increment();
      return;
    }
    if (!e.container().isHost() && containers != null) {
      ContainerInfo info = containers.find(e.container().id()).orElse(null);
      if (info != null && !info.equals(written.get(info.ref().id()))) {
        if (!queue.offer(new EventJson.Line.ContainerLine(info))) {
          dropped.increment();
          dropped.increment();
          return; // the event would replay without its container: drop both
        }
        written.put(info.ref().id(), info);
      }
    }
    if (!queue.offer(new EventJson.Line.EventLine(e))) {
      dropped.increment();
    }
  }

  private void writeLoop() {
    List<EventJson.Line> batch = new ArrayList<>();
    try {
      while (true) {
        EventJson.Line first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 1024);
        for (EventJson.Line l : batch) {
          if (l == END) {
            out.flush();
            return;
          }
          out.write(WRITER.writeValueAsString(l));
          out.write('\n');
        }
        batch.clear();
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (JsonProcessingException e) {
      failed(e);
    } catch (IOException e) {
      failed(e);
    }
  }

  private void failed(Exception e) {
    failed = true;
    LOG.error("recording events stopped: {}", e.getMessage());
    int lost = queue.size();
    queue.clear();
    dropped.increment(lost);
  }

  /** Writes what is queued (waiting up to 5 s for the writer), then closes the file. Idempotent. */
  @Override
  public void close() {
    if (writer.isAlive()) {
      try {
        if (!queue.offer(END, 5, TimeUnit.SECONDS)) {
          writer.interrupt();
        }
        writer.join(5_000);
        if (writer.isAlive()) {
          writer.interrupt();
          writer.join(1_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      out.close();
    } catch (IOException e) {
      LOG.debug("closing events file: {}", e.toString());
    }
  }
}
