package dev.vigil.sink.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which servers an HTTPS destination trusts: the JDK's certificate authorities, those of a PEM file (a private CA,
 * as search clusters usually have), or, with {@code insecure}, anything. Insecure mode accepts every certificate
 * and every host name, so anyone on the path can read and change the traffic, credentials included: it exists for
 * a first test against a self-signed cluster and is logged as a warning at start.
 */
public final class TlsTrust {

  private TlsTrust() {}

  /**
   * The SSL context for the given settings.
   *
   * @param caFile PEM certificates to trust instead of the JDK's, or null
   * @param insecure trust everything (caFile must then be null)
   * @param key the configuration key named in errors, e.g. {@code sinks.opensearch.ca_file}
   * @throws IllegalArgumentException when the file cannot be read or holds no certificate
   */
  public static SSLContext context(Path caFile, boolean insecure, String key) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (insecure) {
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      } else if (caFile != null) {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(caFile, key));
        ctx.init(null, tmf.getTrustManagers(), null);
      } else {
        return SSLContext.getDefault();
      }
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(key + ": cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path caFile, String key) throws GeneralSecurityException {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": cannot read " + caFile + ": " + e, e);
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(key + ": " + caFile + " is not a PEM certificate file: " + e.getMessage(),
          e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(key + ": " + caFile + " holds no certificate");
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      ks.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int i = 0;
    for (Certificate c : certs) {
      ks.setCertificateEntry("ca-" + i++, c);
    }
    return ks;
  }

  /**
   * Accepts every chain. Being an {@link X509ExtendedTrustManager}, the JDK uses it as it is, without adding its
   * own host-name check, which is what insecure means here.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
