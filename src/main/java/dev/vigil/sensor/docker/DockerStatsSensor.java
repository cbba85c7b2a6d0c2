package dev.vigil.sensor.docker;

import java.util.Set;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.EventSink;
import dev.vigil.event.StatsSample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Samples each running container's resource usage with one-shot stats requests ({@code stream=false&one-shot=true})
 * at a fixed interval, over the shared request pool rather than a stream per container. CPU percent and network
 * rates are computed against the previous sample of the same container, the way {@code docker stats} does. Where
 * the cgroup counters can be read, {@code kernel.cgroup} produces the same samples more cheaply and this sensor
 * only runs as its stand-in (see its {@link #DECLARATION}).
 */
public final class DockerStatsSensor extends ContainerPoller<DockerStatsSensor.Previous> {

  public static final String NAME = "docker.stats";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.standIn(NAME, "resource samples polled from the Engine API",
      Set.of(Capability.STATS), "kernel.cgroup",
      "docker.stats polls the Engine API for resource samples instead (costs the agent and dockerd CPU)",
      "kernel.cgroup reads the cgroup counters");

  /** The last sample of a container, for deltas. */
  static final class Previous {
    long cpuTotal = -1;
    long systemTotal = -1;
    long rx = -1;
    long tx = -1;
    Instant at;
  }

  private final DockerApi api;
  private final EventSink sink;
  private final Clock clock;

  public DockerStatsSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock,
      Duration interval, Metrics metrics) {
    super(inventory, interval, 4, metrics);
    this.api = new DockerApi(conn);
    this.sink = sink;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Previous newState(ContainerInfo c) {
    return new Previous();
  }

  @Override
  void poll(ContainerInfo c, Previous prev) {
    JsonNode s = api.get("/containers/" + c.ref().id() + "/stats?stream=false&one-shot=true");
    StatsSample sample = sample(c, s, prev, clock.instant());
    if (sample != null) {
      sink.offer(sample);
    }
  }

  /** Computes a sample from a stats answer and the previous one; null for the first (no deltas yet). */
  static StatsSample sample(ContainerInfo c, JsonNode s, Previous prev, Instant now) {
    JsonNode cpu = s.path("cpu_stats");
    long cpuTotal = cpu.path("cpu_usage").path("total_usage").asLong(0);
    long system = cpu.path("system_cpu_usage").asLong(0);
    int onlineCpus = cpu.path("online_cpus").asInt(0);
    if (onlineCpus == 0) {
      onlineCpus = Math.max(1, cpu.path("cpu_usage").path("percpu_usage").size());
    }
    long rx = 0;
    long tx = 0;
    for (JsonNode n : s.path("networks")) {
      rx += n.path("rx_bytes").asLong(0);
      tx += n.path("tx_bytes").asLong(0);
    }
    long read = 0;
    long write = 0;
    for (JsonNode e : s.path("blkio_stats").path("io_service_bytes_recursive")) {
      String op = e.path("op").asText("");
      if (op.equalsIgnoreCase("read")) {
        read += e.path("value").asLong(0);
      } else if (op.equalsIgnoreCase("write")) {
        write += e.path("value").asLong(0);
      }
    }
    JsonNode mem = s.path("memory_stats");
    long usage = mem.path("usage").asLong(0);
    JsonNode ms = mem.path("stats");
    long cache = ms.has("total_inactive_file") ? ms.path("total_inactive_file").asLong(0)
        : ms.path("inactive_file").asLong(ms.path("cache").asLong(0));
    long memory = Math.max(0, usage - cache);
    long limit = mem.path("limit").asLong(0);
    long pids = s.path("pids_stats").path("current").asLong(0);

    StatsSample out = null;
    if (prev.cpuTotal >= 0 && system > prev.systemTotal) {
      double cpuPercent = (double) (cpuTotal - prev.cpuTotal) / (system - prev.systemTotal) * onlineCpus * 100.0;
      double secs = Math.max(0.001, Duration.between(prev.at, now).toNanos() / 1e9);
      out = new StatsSample(now, c.ref(), NAME, Math.max(0, cpuPercent), memory, limit, rx, tx,
          Math.max(0, rx - prev.rx) / secs, Math.max(0, tx - prev.tx) / secs, read, write, pids);
    }
    prev.cpuTotal = cpuTotal;
    prev.systemTotal = system;
    prev.rx = rx;
    prev.tx = tx;
    prev.at = now;
    return out;
  }
}
