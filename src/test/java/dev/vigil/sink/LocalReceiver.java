package dev.vigil.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on 127.0.0.1 standing in for Slack or a webhook receiver; records what it is sent. */
public final class LocalReceiver implements AutoCloseable {

  static {
    // The JDK's test server otherwise answers with Nagle's algorithm on: 40 ms per keep-alive response.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One request as received. */
  public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer: status, body, extra headers; or hang. */
  public record Answer(int status, String body, Map<String, String> headers, boolean hang) {
    public static Answer ok(String body) {
      return new Answer(200, body, Map.of(), false);
    }

    public static Answer status(int s, String body) {
      return new Answer(s, body, Map.of(), false);
    }

    public static Answer hanging() {
      return new Answer(0, "", Map.of(), true);
    }
  }

  public final List<Request> requests = new CopyOnWriteArrayList<>();
  public volatile Answer answer = Answer.ok("ok");
  private final HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);

  public LocalReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-receiver");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders()),
        body));
    Answer a = answer;
    if (a.hang()) {
      try {
        released.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.close();
      return;
    }
    byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
