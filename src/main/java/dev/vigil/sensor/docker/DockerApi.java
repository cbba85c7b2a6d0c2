package dev.vigil.sensor.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Raw JSON calls to Engine API endpoints whose docker-java model loses data Vigil needs (mount types and
 * propagation, CAP_-prefixed capabilities that docker-java's enum rejects, exec process configs, one-shot stats).
 * Uses the request/response HTTP client of a {@link DockerConnection}, so pool and timeouts are shared.
 * Thread-safe.
 */
final class DockerApi {

  /** The resource does not exist (HTTP 404). */
  static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String path) {
      super("not found: " + path);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_BODY = 512;

  private final DockerHttpClient http;
  private final String prefix;

  DockerApi(DockerConnection conn) {
    this(conn.requestHttp(), conn.apiVersion());
  }

  DockerApi(DockerHttpClient http, String apiVersion) {
    this.http = http;
    this.prefix = "/v" + apiVersion;
  }

  /**
   * GETs {@code path} (without the version prefix, e.g. {@code /containers/ID/json}) and parses the JSON body.
   *
   * @throws NotFound on 404
   * @throws UncheckedIOException on transport errors or other non-2xx answers
   */
  JsonNode get(String path) {
    DockerHttpClient.Request req = DockerHttpClient.Request.builder()
        .method(DockerHttpClient.Request.Method.GET)
        .path(prefix + path)
        .build();
    try (DockerHttpClient.Response resp = http.execute(req); InputStream body = resp.getBody()) {
      int code = resp.getStatusCode();
      if (code == 404) {
        throw new NotFound(path);
      }
      if (code / 100 != 2) {
        byte[] head = body.readNBytes(MAX_ERROR_BODY);
        throw new UncheckedIOException(new IOException("GET " + path + " answered " + code + ": "
            + new String(head, java.nio.charset.StandardCharsets.UTF_8).trim()));
      }
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + ": " + e.getMessage(), e);
    }
  }
}
