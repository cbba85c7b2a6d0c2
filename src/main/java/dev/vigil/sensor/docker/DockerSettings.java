package dev.vigil.sensor.docker;

import java.time.Duration;

/**
 * How to reach the Docker engine.
 *
 * @param host engine address ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376}); null means
 *     {@code DOCKER_HOST} from the environment, else the local unix socket
 * @param tlsVerify use TLS with client certificates; null means {@code DOCKER_TLS_VERIFY} from the environment
 * @param certPath directory holding ca.pem, cert.pem, key.pem; null means {@code DOCKER_CERT_PATH} or ~/.docker
 * @param requestPool connections for request/response calls (inspect, top, diff, stats)
 * @param streamPool connections for long-lived streams (events, one log follow per running container)
 * @param connectTimeout time allowed to establish a connection
 * @param requestTimeout time allowed for a request/response call to answer
 */
public record DockerSettings(
    String host, Boolean tlsVerify, String certPath, int requestPool, int streamPool, Duration connectTimeout,
    Duration requestTimeout) {

  public static DockerSettings defaults() {
    return new DockerSettings(null, null, null, 16, 1024, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }
}
