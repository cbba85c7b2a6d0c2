package dev.vigil.sink.file;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.FalcoJson;
import java.io.PrintStream;

/** Writes each alert as one Falco JSON line to a stream (stdout by default), flushed per alert. Thread-safe. */
public final class StreamSink implements AlertSink {

  private final PrintStream out;

  public StreamSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void accept(Alert alert) {
    out.println(FalcoJson.toJson(alert));
    out.flush();
  }
}
