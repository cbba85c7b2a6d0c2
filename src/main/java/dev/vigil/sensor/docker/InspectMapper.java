package dev.vigil.sensor.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps the engine's container inspect JSON to {@link ContainerInfo}. Stateless. */
final class InspectMapper {

  private InspectMapper() {}

  /**
   * @param image the container's image name split into repository, tag and digest (resolved by the caller, which
   *     may have to look an image id up)
   */
  static ContainerInfo map(JsonNode j, ImageName image) {
    JsonNode cfg = j.path("Config");
    JsonNode host = j.path("HostConfig");
    JsonNode state = j.path("State");
    String id = j.path("Id").asText();
    ContainerRef ref = new ContainerRef(id, stripSlash(j.path("Name").asText("")), image.repository(),
        image.tag(), image.digest());

    Map<String, String> ns = new LinkedHashMap<>();
    ns.put("pid", host.path("PidMode").asText(""));
    ns.put("network", host.path("NetworkMode").asText(""));
    ns.put("ipc", host.path("IpcMode").asText(""));
    ns.put("uts", host.path("UTSMode").asText(""));
    ns.put("userns", host.path("UsernsMode").asText(""));
    ns.put("cgroup", host.path("CgroupnsMode").asText(""));

    List<ContainerInfo.Mount> mounts = new ArrayList<>();
    for (JsonNode m : j.path("Mounts")) {
      mounts.add(new ContainerInfo.Mount(m.path("Type").asText(m.path("Name").isMissingNode() ? "bind" : "volume"),
          m.path("Source").asText(""), m.path("Destination").asText(""), m.path("RW").asBoolean(true),
          m.path("Propagation").asText("")));
    }

    long nanoCpus = host.path("NanoCpus").asLong(0);
    long quota = host.path("CpuQuota").asLong(0);
    long period = host.path("CpuPeriod").asLong(0);
    if (nanoCpus == 0 && quota > 0) {
      nanoCpus = quota * 1_000_000_000L / (period > 0 ? period : 100_000L);
    }

    Map<String, String> graphData = new LinkedHashMap<>();
    j.path("GraphDriver").path("Data").properties().forEach(e -> graphData.put(e.getKey(), e.getValue().asText()));

    List<String> entrypoint = new ArrayList<>(strings(cfg.path("Entrypoint")));
    entrypoint.addAll(strings(cfg.path("Cmd")));

    return new ContainerInfo(
        ref,
        j.path("Image").asText(""),
        stringMap(cfg.path("Labels")),
        cfg.path("User").asText(""),
        host.path("Privileged").asBoolean(false),
        strings(host.path("CapAdd")),
        strings(host.path("CapDrop")),
        strings(host.path("SecurityOpt")),
        mounts,
        ns,
        host.path("Memory").asLong(0),
        nanoCpus,
        host.path("PidsLimit").asLong(0),
        j.path("GraphDriver").path("Name").asText(j.path("Driver").asText("")),
        graphData,
        state.path("Running").asBoolean(false) ? state.path("Pid").asLong(0) : 0,
        state.path("Running").asBoolean(false),
        parseTime(state.path("StartedAt").asText("")),
        entrypoint,
        strings(cfg.path("Healthcheck").path("Test")),
        host.path("RestartPolicy").path("Name").asText(""));
  }

  static String stripSlash(String name) {
    return name.startsWith("/") ? name.substring(1) : name;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      for (JsonNode n : array) {
        out.add(n.asText());
      }
    } else if (array.isTextual()) {
      out.add(array.asText());
    }
    return out;
  }

  static Map<String, String> stringMap(JsonNode obj) {
    Map<String, String> out = new LinkedHashMap<>();
    obj.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static Instant parseTime(String s) {
    if (s.isEmpty() || s.startsWith("0001-")) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
