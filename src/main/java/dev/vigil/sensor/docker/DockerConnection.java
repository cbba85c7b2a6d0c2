package dev.vigil.sensor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's connection to one Docker engine: two docker-java clients over separate Apache HttpClient 5 pools,
 * one for long-lived streams (events, log follows) with no response timeout, one for request/response calls with
 * a timeout, so a burst of streams can never starve inspects. The API version is negotiated at open: the
 * engine's own version, capped at the newest docker-java speaks. Thread-safe.
 */
public final class DockerConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DockerConnection.class);
  /** The newest API version docker-java 3.7 models. */
  static final RemoteApiVersion MAX_API = RemoteApiVersion.VERSION_1_44;
  /** The oldest API whose events, top and stats answers Vigil understands (Docker 1.12). */
  static final RemoteApiVersion MIN_API = RemoteApiVersion.VERSION_1_24;

  private final DockerClientConfig config;
  private final DockerHttpClient requestHttp;
  private final DockerHttpClient streamHttp;
  private final DockerClient requests;
  private final DockerClient streams;
  private final String engineVersion;

  private DockerConnection(DockerClientConfig config, DockerHttpClient requestHttp, DockerHttpClient streamHttp,
      String engineVersion) {
    this.config = config;
    this.requestHttp = requestHttp;
    this.streamHttp = streamHttp;
    this.requests = DockerClientImpl.getInstance(config, requestHttp);
    this.streams = DockerClientImpl.getInstance(config, streamHttp);
    this.engineVersion = engineVersion;
  }

  /**
   * Connects, checks the engine answers and negotiates the API version.
   *
   * @throws EngineUnavailableException with a one-line, actionable message
   */
  public static DockerConnection open(DockerSettings s) throws EngineUnavailableException {
    DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (s.host() != null) {
      b.withDockerHost(s.host());
    }
    if (s.tlsVerify() != null) {
      b.withDockerTlsVerify(s.tlsVerify());
    }
    if (s.certPath() != null) {
      b.withDockerCertPath(s.certPath());
    }
    DefaultDockerClientConfig probeConfig;
    try {
      probeConfig = b.build();
    } catch (RuntimeException e) {
      throw new EngineUnavailableException(EngineUnavailableException.Reason.UNREACHABLE,
          "invalid Docker engine settings: " + rootMessage(e), e);
    }
    String where = probeConfig.getDockerHost().toString();
    Version v;
    try (DockerHttpClient probeHttp = http(probeConfig, 1, s.connectTimeout(), s.requestTimeout());
        DockerClient probe = DockerClientImpl.getInstance(probeConfig, probeHttp)) {
      v = probe.versionCmd().exec();
    } catch (IOException | RuntimeException e) {
      throw classify(where, e, probeConfig.getSSLConfig() != null);
    }
    RemoteApiVersion engineApi = RemoteApiVersion.parseConfig(v.getApiVersion());
    if (!engineApi.isGreaterOrEqual(MIN_API)) {
      throw new EngineUnavailableException(EngineUnavailableException.Reason.UNSUPPORTED_VERSION,
          "Docker engine at " + where + " speaks API " + v.getApiVersion() + "; Vigil needs " + MIN_API.getVersion()
              + " or newer (Docker 1.12+)", null);
    }
    RemoteApiVersion api = engineApi.isGreater(MAX_API) ? MAX_API : engineApi;
    DefaultDockerClientConfig config = b.withApiVersion(api).build();
    DockerHttpClient req = http(config, s.requestPool(), s.connectTimeout(), s.requestTimeout());
    DockerHttpClient str = http(config, s.streamPool(), s.connectTimeout(), null);
    LOG.info("connected to Docker engine {} at {} (engine API {}, using {})", v.getVersion(), where,
        v.getApiVersion(), api.getVersion());
    return new DockerConnection(config, req, str, v.getVersion());
  }

  private static DockerHttpClient http(DockerClientConfig c, int pool, Duration connect, Duration response) {
    ApacheDockerHttpClient.Builder hb = new ApacheDockerHttpClient.Builder()
        .dockerHost(c.getDockerHost())
        .sslConfig(c.getSSLConfig())
        .maxConnections(pool)
        .connectionTimeout(connect);
    if (response != null) {
      hb.responseTimeout(response);
    }
    return hb.build();
  }

  /** Maps a failed first contact to a one-line message naming the address and the likely fix. */
  static EngineUnavailableException classify(String where, Throwable e) {
    return classify(where, e, false);
  }

  /**
   * @param tls whether TLS was in use: a peer that drops the connection mid-handshake (broken pipe, reset, EOF) is
   *     then almost always refusing the client certificate
   */
  static EngineUnavailableException classify(String where, Throwable e, boolean tls) {
    String msg = chainMessages(e);
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("permission denied") || lower.contains("eacces") || lower.contains("operation not permitted")) {
      return new EngineUnavailableException(EngineUnavailableException.Reason.PERMISSION_DENIED,
          "permission denied on Docker engine socket " + where
              + ": run Vigil as root or as a member of the 'docker' group", e);
    }
    if (lower.contains("ssl") || lower.contains("certificate") || lower.contains("handshake")
        || lower.contains("pkix")) {
      return new EngineUnavailableException(EngineUnavailableException.Reason.TLS,
          "TLS handshake with Docker engine at " + where + " failed (" + rootMessage(e)
              + "): check --tls-verify and the ca.pem/cert.pem/key.pem in --tls-cert-path", e);
    }
    boolean dropped = lower.contains("broken pipe") || lower.contains("connection reset")
        || lower.contains("eofexception") || lower.contains("unexpected end of stream");
    if (tls && dropped) {
      return new EngineUnavailableException(EngineUnavailableException.Reason.TLS,
          "Docker engine at " + where + " closed the connection during the TLS handshake (" + rootMessage(e)
              + "); it probably refused the client certificate: check cert.pem/key.pem in --tls-cert-path", e);
    }
    String why;
    if (!tls && dropped && where.startsWith("tcp://")) {
      why = rootMessage(e) + "; is this a TLS port? try --tls-verify";
    } else if (lower.contains("no such file") || lower.contains("enoent")) {
      why = "no socket there; is dockerd running?";
    } else if (lower.contains("connection refused") || lower.contains("econnrefused")) {
      why = "connection refused; is dockerd running and listening there?";
    } else if (lower.contains("timed out") || lower.contains("timeout")) {
      why = "timed out; is the address right and the engine healthy?";
    } else {
      why = rootMessage(e);
    }
    return new EngineUnavailableException(EngineUnavailableException.Reason.UNREACHABLE,
        "cannot reach Docker engine at " + where + ": " + why, e);
  }

  private static String chainMessages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 4000; t = t.getCause()) {
      sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" | ");
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return (m == null ? t.getClass().getSimpleName() : m).replace('\n', ' ');
  }

  /** Client for request/response calls (inspect, list, top, diff, version). */
  public DockerClient requests() {
    return requests;
  }

  /** Client for long-lived streams (events, logs). */
  public DockerClient streams() {
    return streams;
  }

  /** The raw HTTP client behind {@link #requests()}, for endpoints docker-java does not model. */
  public DockerHttpClient requestHttp() {
    return requestHttp;
  }

  /** The negotiated API version, e.g. {@code 1.41}. */
  public String apiVersion() {
    return config.getApiVersion().getVersion();
  }

  public String engineVersion() {
    return engineVersion;
  }

  public String host() {
    return config.getDockerHost().toString();
  }

  /** True when the engine answers {@code /_ping} now. Never throws. */
  public boolean ping() {
    try {
      requests.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {streams, requests, streamHttp, requestHttp}) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing Docker client: {}", e.toString());
      }
    }
  }
}
