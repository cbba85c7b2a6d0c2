package dev.vigil.sink.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.alert.Priority;
import dev.vigil.sink.TestAlerts;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Envelope;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook over TLS to a server whose certificate only a configured CA file vouches for. */
class WebhookTlsTest {

  @TempDir
  Path dir;

  private void keytool(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void caFile_makesAPrivateCertificateTrusted_withoutItTlsFailsRetryably() throws Exception {
    Path ks = dir.resolve("server.p12");
    Path pem = dir.resolve("ca.pem");
    keytool("-genkeypair", "-alias", "srv", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
        "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "srv", "-keystore", ks.toString(), "-storepass", "changeit", "-file",
        pem.toString());

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    List<String> bodies = new CopyOnWriteArrayList<>();
    server.createContext("/", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes()));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
    try {
      String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/in";
      Envelope e = new Envelope("id", TestAlerts.alert("R", "c", Priority.NOTICE, TestAlerts.T0, "x", "x"));

      new WebhookDestination("tls", url, Map.of(), null, Duration.ofSeconds(5), pem, Clock.systemUTC())
          .deliver(List.of(e));
      assertThat(bodies).hasSize(1);

      WebhookDestination untrusted = new WebhookDestination("tls", url, Map.of(), null, Duration.ofSeconds(5), null,
          Clock.systemUTC());
      assertThatThrownBy(() -> untrusted.deliver(List.of(e))).isInstanceOfSatisfying(DeliveryException.class,
          ex -> assertThat(ex.retryable()).isTrue());
      assertThat(bodies).hasSize(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void caFileWithoutCertificates_isRefusedClearly() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    assertThatThrownBy(() -> new WebhookDestination("w", "https://127.0.0.1/", Map.of(), null,
        Duration.ofSeconds(1), empty, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty.pem");
  }
}
