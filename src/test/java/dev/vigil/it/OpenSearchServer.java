package dev.vigil.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A real, single-node OpenSearch for tests and benchmarks: the {@code integ-test-zip} distribution from Maven
 * Central (no plugins, no security plugin), unpacked into a fresh temporary directory and started on 127.0.0.1 with
 * free ports and a 512 MB heap. OpenSearch refuses to run as root, so when the tests run as root it is started as
 * {@code nobody} through {@code setpriv} (util-linux) and the directory is handed to that user.
 *
 * <p>The zip is the one the build copied ({@code -Dvigil.opensearch.zip}, set by the POM's pre-integration-test
 * step), else the one in the local Maven repository. OpenSearch 2.x needs a Java 11 to 21 (the JVM running the test
 * when it is one, else one found under {@code /usr/lib/jvm}). Startup takes about 20 s on a 2-core machine.
 */
public final class OpenSearchServer implements AutoCloseable {

  public static final String VERSION = System.getProperty("vigil.opensearch.version", "2.19.6");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int NOBODY = 65534;

  private final Path dir;
  private final Process process;
  private final URI url;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Duration startup;

  private OpenSearchServer(Path dir, Process process, URI url, Duration startup) {
    this.dir = dir;
    this.process = process;
    this.url = url;
    this.startup = startup;
  }

  /** Unpacks and starts OpenSearch, returning once the cluster is yellow or better. */
  public static OpenSearchServer start() throws Exception {
    long t0 = System.nanoTime();
    Path zip = zip();
    Path dir = Files.createTempDirectory("vigil-it-opensearch-");
    Path home = unzip(zip, dir);
    int httpPort = freePort();
    int transportPort = freePort();
    boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    if (root) {
      run("chown", "-R", NOBODY + ":" + NOBODY, dir.toString());
    }
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    }
    cmd.addAll(List.of("bash", "bin/opensearch",
        "-Ediscovery.type=single-node",
        "-Enetwork.host=127.0.0.1",
        "-Ehttp.port=" + httpPort,
        "-Etransport.port=" + transportPort,
        "-Epath.data=" + dir.resolve("data"),
        "-Epath.logs=" + dir.resolve("logs"),
        // a busy CI disk must not turn indices read-only in the middle of a test
        "-Ecluster.routing.allocation.disk.threshold_enabled=false"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    String javaHome = javaHome();
    env.put("JAVA_HOME", javaHome);
    env.put("OPENSEARCH_JAVA_HOME", javaHome);
    env.put("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m");
    env.put("HOME", dir.toString());
    env.remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    URI url = URI.create("http://127.0.0.1:" + httpPort);
    OpenSearchServer server = new OpenSearchServer(dir, p, url, Duration.ZERO);
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    try {
      server.awaitHealthy(Duration.ofSeconds(120));
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
    return new OpenSearchServer(dir, p, url, Duration.ofNanos(System.nanoTime() - t0));
  }

  public URI url() {
    return url;
  }

  /** From {@link #start()} called to the cluster answering healthy, unpacking included. */
  public Duration startup() {
    return startup;
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new AssertionError("OpenSearch exited with " + process.exitValue() + ":\n" + consoleTail());
      }
      try {
        Response r = request("GET", "/_cluster/health?wait_for_status=yellow&timeout=1s", null);
        if (r.status() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("OpenSearch not healthy within " + timeout + ":\n" + consoleTail());
  }

  private String consoleTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("console.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no console output: " + e + ")";
    }
  }

  /** An HTTP answer: status and body as JSON (null when the body is empty or not JSON). */
  public record Response(int status, JsonNode json, String body) {}

  /** One request to the server with a JSON body (or none). */
  public Response request(String method, String path, String jsonBody) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(jsonBody));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    try {
      json = r.body().isEmpty() ? null : JSON.readTree(r.body());
    } catch (IOException notJson) {
      // leave null
    }
    return new Response(r.statusCode(), json, r.body());
  }

  /** GET that must answer 200. */
  public JsonNode get(String path) throws IOException, InterruptedException {
    return ok("GET", path, null);
  }

  /** A request that must answer 200. */
  public JsonNode ok(String method, String path, String jsonBody) throws IOException, InterruptedException {
    Response r = request(method, path, jsonBody);
    if (r.status() != 200) {
      throw new AssertionError(method + " " + path + " answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path zip() {
    String prop = System.getProperty("vigil.opensearch.zip");
    if (prop != null && Files.isRegularFile(Path.of(prop))) {
      return Path.of(prop);
    }
    Path local = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "opensearch", "distribution",
        "integ-test-zip", "opensearch", VERSION, "opensearch-" + VERSION + ".zip");
    if (Files.isRegularFile(local)) {
      return local;
    }
    throw new AssertionError("the OpenSearch distribution is missing: run the tests through Maven (`mvn verify` "
        + "copies org.opensearch.distribution.integ-test-zip:opensearch:" + VERSION + ":zip into target/) or fetch "
        + "it with `mvn dependency:get -Dartifact=org.opensearch.distribution.integ-test-zip:opensearch:" + VERSION
        + ":zip`");
  }

  /** Unpacks the zip, returning the distribution's home; the scripts in bin/ are made executable. */
  private static Path unzip(Path zip, Path into) throws IOException {
    Path home = null;
    try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("zip entry outside the directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(z, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (home == null) {
          home = into.resolve(into.relativize(target).getName(0));
        }
      }
    }
    if (home == null) {
      throw new IOException(zip + " is empty");
    }
    try (DirectoryStream<Path> bin = Files.newDirectoryStream(home.resolve("bin"))) {
      for (Path f : bin) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    return home;
  }

  /** A JDK that OpenSearch 2.x runs on (11 to 21): this JVM's when it is one, else one under /usr/lib/jvm. */
  private static String javaHome() throws IOException {
    if (Runtime.version().feature() <= 21) {
      return System.getProperty("java.home");
    }
    try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
      return jvms.filter(p -> p.getFileName().toString().matches(".*(-17-|-21-|openjdk-17|openjdk-21).*"))
          .filter(p -> Files.isExecutable(p.resolve("bin/java"))).map(Path::toString).sorted().findFirst()
          .orElseThrow(() -> new AssertionError("OpenSearch " + VERSION + " needs Java 11-21; this JVM is "
              + Runtime.version() + " and none was found under /usr/lib/jvm"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
