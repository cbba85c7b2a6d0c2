package dev.vigil.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.common.Threads;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the agent's metrics in Prometheus' text format at {@code GET /metrics} (and a one-line index at {@code /})
 * on the address of {@code --metrics-listen}, with the JDK's HTTP server on one daemon thread: a scrape renders
 * the registry and nothing else, so a slow scraper cannot stall the agent. Off unless asked for, and meant for
 * 127.0.0.1 or a trusted network (metrics name containers and rules; there is no authentication).
 */
final class MetricsEndpoint implements AutoCloseable {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving; throws with the address in the message when it cannot bind. */
  static MetricsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new IOException("cannot listen for metrics on " + address.getHostString() + ":" + address.getPort()
          + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(Threads.daemon("vigil-metrics-http"));
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
          send(exchange, 405, "text/plain; charset=utf-8", "only GET\n");
        } else if (path.equals("/metrics")) {
          send(exchange, 200, CONTENT_TYPE, registry.scrape());
        } else if (path.equals("/")) {
          send(exchange, 200, "text/plain; charset=utf-8", "vigil agent: metrics at /metrics\n");
        } else {
          send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
        }
      }
    });
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  /** The port actually bound (useful with port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Registers what every agent reports about itself: CPU (process and system), JVM memory, GC and threads, uptime,
   * and the resident set size from {@code /proc/self/status} (what the kernel charges the agent, heap or not).
   */
  static void bindAgentMeters(MeterRegistry registry) {
    new ProcessorMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    @SuppressWarnings("resource") // lives as long as the registry; the agent exits with it
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    Gauge.builder("vigil.process.rss", () -> residentBytes(Path.of("/proc/self/status"))).baseUnit("bytes")
        .description("Resident set size of the agent process").register(registry);
  }

  /** VmRSS of a /proc status file in bytes; NaN when unreadable. */
  static double residentBytes(Path status) {
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
