package dev.vigil.it;

import static dev.vigil.it.Agent.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code vigil monitor} against a remote engine over TCP with mutual TLS, as documented for {@code -H tcp://HOST:PORT
 * --tls-verify --tls-cert-path DIR} (DIR holds docker's ca.pem, cert.pem, key.pem). The remote engine is the local
 * one behind a real TLS terminator: socat listens on 127.0.0.1 with a server certificate from a throwaway CA,
 * demands a client certificate from that CA, and forwards to the engine's unix socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsEngineIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  /** A server that answers slowly, so wget lives long enough for the polling process sensor. */
  private static final String SLOW_SERVER = "httpd -p 127.0.0.1:8080 -h /www; sleep 1; ";

  private Path pki;
  /** ca.pem, cert.pem, key.pem of a client the TLS terminator accepts. */
  private Path goodClient;
  /** The same, but the client certificate is signed by another CA; ca.pem still trusts the real server. */
  private Path foreignClient;
  private Process socat;
  private Path socatLog;
  private int port;

  @BeforeAll
  void startTlsTerminator() throws Exception {
    DockerCli.requireEngineAndImages();
    DockerCli.removeAll();
    require("socat");
    require("openssl");
    pki = Files.createTempDirectory("vigil-it-tls");
    Path ca = newCa("ca", "vigil-it-ca");
    Path otherCa = newCa("other-ca", "vigil-it-other-ca");
    issue(ca, "server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    goodClient = clientDir("client", ca, ca);
    foreignClient = clientDir("foreign-client", otherCa, ca);

    port = freePort();
    socatLog = pki.resolve("socat.log");
    ProcessBuilder pb = new ProcessBuilder("socat",
        "OPENSSL-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork"
            + ",cert=" + pki.resolve("server.pem") + ",key=" + pki.resolve("server-key.pem")
            + ",cafile=" + ca.resolve("ca.pem") + ",verify=1",
        "UNIX-CONNECT:/var/run/docker.sock")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(socatLog.toFile())
        .redirectErrorStream(true);
    // socat 1.7 sets no TLS session id context, so OpenSSL aborts every resumed session when it verifies clients
    // ("session id context uninitialized", internal_error alert), and Java resumes sessions on each pooled
    // connection after the first. A real engine (Go's crypto/tls) resumes fine; without tickets nothing is resumed
    // here, since each connection is served by a fresh fork of socat with an empty session cache.
    Path conf = pki.resolve("openssl.cnf");
    Files.writeString(conf, "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\n"
        + "system_default = system_default_sect\n[system_default_sect]\nOptions = -SessionTicket\n");
    pb.environment().put("OPENSSL_CONF", conf.toString());
    socat = pb.start();
    awaitListening();
  }

  @AfterAll
  void stopTlsTerminator() throws Exception {
    try {
      if (socat != null) {
        socat.destroy();
        if (!socat.waitFor(5, TimeUnit.SECONDS)) {
          socat.destroyForcibly();
          socat.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } finally {
      DockerCli.removeAll();
      deleteTree(pki);
    }
  }

  @Test
  void tlsWithClientCertificate_connectsAndAlerts() throws Exception {
    String host = "tcp://127.0.0.1:" + port;
    try (Agent agent = Agent.start("monitor", "-H", host, "--tls-verify", "--tls-cert-path", goodClient.toString(),
        "--top-interval", "500ms", "--diff-interval", "1s", "--stats-interval", "2s", "--status-interval", "2s")) {
      agent.awaitReady(Duration.ofSeconds(30));
      assertThat(agent.stderrText()).contains("connected to Docker engine").contains(" at " + host + " ")
          .contains("monitoring").contains(" on " + host);

      // Events (the container start), inspect (its name and image), top (the wget process) and the log follow all
      // pass the TLS terminator: nothing else connects the agent to the engine.
      String name = DockerCli.uniqueName("tls-wget");
      String id = DockerCli.runShell(name, SLOW_SERVER + "echo 'Nmap scan report for localhost (127.0.0.1)';"
          + " wget -q -O- 'http://127.0.0.1:8080/cgi-bin/slow?4'; sleep 60", "--stop-timeout", "1");

      JsonNode a = agent.awaitAlert(rule("Remote file copy tool launched in container", name), WAIT);
      JsonNode scan = agent.awaitAlert(rule("Port scanner output in container log", name), WAIT);
      assertThat(scan.path("output_fields").path("log.line").asText()).startsWith("Nmap scan report");

      JsonNode f = a.path("output_fields");
      assertThat(f.path("container.id").asText()).isEqualTo(id.substring(0, 12));
      assertThat(f.path("container.image.repository").asText()).isEqualTo("vigil-test/busybox");
      assertThat(f.path("proc.name").asText()).isEqualTo("wget");
      assertThat(f.path("proc.cmdline").asText()).isEqualTo("wget -q -O- http://127.0.0.1:8080/cgi-bin/slow?4");
      assertThat(agent.isAlive()).isTrue();
      assertThat(agent.stderrText()).doesNotContain("\tat ");
      // The JVM reports SIGTERM as 143 (128 + 15) after the shutdown hook has stopped everything cleanly.
      assertThat(agent.stop()).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(agent.stderrText()).contains("stopped: events handled=");
    }
  }

  @Test
  void clientCertificateFromAnotherCa_isRefused_exit3_oneLine() throws Exception {
    try (Agent agent = Agent.start("monitor", "-H", "tcp://127.0.0.1:" + port, "--tls-verify", "--tls-cert-path",
        foreignClient.toString())) {
      assertThat(agent.awaitExit(Duration.ofSeconds(30))).as("exit code; stderr:\n" + agent.stderrText())
          .isEqualTo(3);
      assertOneErrorLine(agent);
      // The terminator aborts after the client's handshake flight, so the JVM sees a bare "Broken pipe" or
      // "Connection reset"; with TLS on, that is reported as a refused client certificate.
      assertThat(agent.stderrText()).contains("TLS handshake").contains("client certificate");
      // The terminator did refuse the certificate (rather than the agent failing for another reason).
      assertThat(Files.readString(socatLog)).contains("certificate verify failed");
    }
  }

  @Test
  void plainClientAgainstTlsPort_fails_exit3() throws Exception {
    try (Agent agent = Agent.start("monitor", "-H", "tcp://127.0.0.1:" + port)) {
      assertThat(agent.awaitExit(Duration.ofSeconds(30))).as("exit code; stderr:\n" + agent.stderrText())
          .isEqualTo(3);
      assertOneErrorLine(agent);
      assertThat(agent.stderrText()).contains("try --tls-verify");
    }
  }

  /** A failed first contact is one actionable line on stderr naming the address: no stack trace, no log noise. */
  private void assertOneErrorLine(Agent agent) {
    String err = agent.stderrText();
    assertThat(err.lines().filter(l -> !l.isBlank()).toList()).as("stderr:\n" + err).hasSize(1);
    assertThat(err).startsWith("vigil: ").contains("127.0.0.1:" + port).doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(agent.stdoutText()).isEmpty();
  }

  // ---- throwaway PKI, made with the openssl CLI as an operator would ----

  /** A self-signed CA (EC P-256, valid 1 day) in its own directory as ca.pem and ca-key.pem. */
  private Path newCa(String dirName, String cn) throws IOException {
    Path dir = Files.createDirectories(pki.resolve(dirName));
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", dir.resolve("ca-key.pem").toString(), "-out", dir.resolve("ca.pem").toString(),
        "-days", "1", "-subj", "/CN=" + cn,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return dir;
  }

  /** Writes {@code <pki>/<base>.pem} and {@code <base>-key.pem}, signed by the CA in {@code ca}. */
  private void issue(Path ca, String base, String cn, String extensions) throws IOException {
    Path key = pki.resolve(base + "-key.pem");
    Path csr = pki.resolve(base + ".csr");
    Path ext = pki.resolve(base + ".ext");
    Files.writeString(ext, extensions);
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.resolve("ca.pem").toString(),
        "-CAkey", ca.resolve("ca-key.pem").toString(), "-CAcreateserial", "-out", pki.resolve(base + ".pem").toString(),
        "-days", "1", "-extfile", ext.toString());
  }

  /** A docker-style cert dir: cert.pem/key.pem signed by {@code signer}, ca.pem trusting {@code trusted}. */
  private Path clientDir(String name, Path signer, Path trusted) throws IOException {
    issue(signer, name, name, "extendedKeyUsage=clientAuth\n");
    Path dir = Files.createDirectories(pki.resolve(name));
    Files.copy(trusted.resolve("ca.pem"), dir.resolve("ca.pem"));
    Files.copy(pki.resolve(name + ".pem"), dir.resolve("cert.pem"));
    Files.copy(pki.resolve(name + "-key.pem"), dir.resolve("key.pem"));
    return dir;
  }

  private static void openssl(String... args) {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    DockerCli.Result r = DockerCli.run(cmd, 30);
    if (r.exit() != 0) {
      throw new AssertionError(String.join(" ", cmd) + " failed (" + r.exit() + "): " + r.err());
    }
  }

  private static void require(String tool) {
    DockerCli.Result r = DockerCli.run(List.of("sh", "-c", "command -v " + tool), 10);
    if (r.exit() != 0) {
      throw new AssertionError(tool + " not installed; run scripts/setup.sh as root, which installs it");
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Waits until socat accepts connections on the port. */
  private void awaitListening() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      if (!socat.isAlive()) {
        throw new AssertionError("socat exited (" + socat.exitValue() + "): " + Files.readString(socatLog));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("socat not listening on 127.0.0.1:" + port + ": " + Files.readString(socatLog));
  }
}
