package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsEndpointTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePrometheusTextFormat_andAgentMeters() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsEndpoint.bindAgentMeters(registry);
    registry.counter("vigil.events.in", "sensor", "kernel.proc").increment(3);
    try (MetricsEndpoint m = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry)) {
      HttpResponse<String> r = get(m.port(), "/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
      assertThat(r.body()).contains("vigil_events_in_total{sensor=\"kernel.proc\"} 3.0")
          .contains("process_cpu_usage").contains("jvm_memory_used_bytes").contains("vigil_process_rss_bytes");
      assertThat(get(m.port(), "/nope").statusCode()).isEqualTo(404);
      assertThat(get(m.port(), "/").body()).contains("/metrics");
    }
  }

  @Test
  void aPortInUse_isAClearError() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsEndpoint first = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), registry)) {
      assertThatThrownBy(() -> MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", first.port()), registry))
          .hasMessageContaining("cannot listen for metrics on 127.0.0.1:" + first.port());
    }
  }

  @Test
  void residentSetSize_fromProcStatus(@TempDir Path dir) throws Exception {
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  2048 kB\n");
    assertThat(MetricsEndpoint.residentBytes(status)).isEqualTo(2048 * 1024.0);
    assertThat(MetricsEndpoint.residentBytes(dir.resolve("missing"))).isNaN();
    assertThat(MetricsEndpoint.residentBytes(Path.of("/proc/self/status"))).isPositive();
  }
}
