package dev.vigil.bench;

import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers of a small, ordinary Compose application (web, api, worker, db, cache, queue), with benign
 * configuration: no privileged mode, no host namespaces, no dangerous capabilities, named volumes only. Events of
 * the benchmark mix belong to these containers, and {@link #directory()} answers for them the way the inventory
 * does (a concurrent map lookup wrapped in an {@link Optional}).
 */
final class Containers {

  private final List<ContainerRef> refs = new ArrayList<>();
  private final Map<String, ContainerInfo> byId = new ConcurrentHashMap<>();

  Containers() {
    add("shop-web-1", "nginx", "1.27-alpine", List.of("nginx", "-g", "daemon off;"),
        List.of(volume("shop_static", "/usr/share/nginx/html", false)), List.of(), 256L << 20);
    add("shop-api-1", "registry.example.com/shop/api", "2.14.3", List.of("docker-entrypoint.sh", "node",
        "dist/server.js"), List.of(volume("shop_uploads", "/app/uploads", true)), List.of("CMD-SHELL",
        "curl -fsS http://localhost:8080/healthz || exit 1"), 1L << 30);
    add("shop-worker-1", "registry.example.com/shop/worker", "2.14.3", List.of("python3", "-m", "worker"),
        List.of(volume("shop_uploads", "/app/uploads", true)), List.of(), 512L << 20);
    add("shop-db-1", "postgres", "16.4", List.of("docker-entrypoint.sh", "postgres"),
        List.of(volume("shop_pgdata", "/var/lib/postgresql/data", true)), List.of("CMD-SHELL",
        "pg_isready -U shop"), 2L << 30);
    add("shop-cache-1", "redis", "7.4-alpine", List.of("docker-entrypoint.sh", "redis-server"),
        List.of(volume("shop_redis", "/data", true)), List.of(), 256L << 20);
    add("shop-queue-1", "rabbitmq", "3.13-management", List.of("docker-entrypoint.sh", "rabbitmq-server"),
        List.of(volume("shop_mq", "/var/lib/rabbitmq", true)), List.of(), 1L << 30);
  }

  /** The containers, in a fixed order. */
  List<ContainerRef> refs() {
    return refs;
  }

  ContainerDirectory directory() {
    return ContainerDirectory.of(byId);
  }

  private void add(String name, String repo, String tag, List<String> entrypoint, List<ContainerInfo.Mount> mounts,
      List<String> healthcheck, long memoryLimit) {
    String id = hex64(name);
    ContainerRef ref = new ContainerRef(id, name, repo, tag, "");
    String upper = "/var/lib/docker/overlay2/" + id.substring(0, 32) + "/diff";
    ContainerInfo info = new ContainerInfo(ref, "sha256:" + hex64(repo + ":" + tag),
        Map.of("com.docker.compose.project", "shop", "com.docker.compose.service", name.substring(5,
            name.length() - 2), "com.docker.compose.version", "2.29.7"),
        name.contains("web") ? "" : "1000", false, List.of(), List.of("NET_RAW"), List.of("no-new-privileges:true"),
        mounts, Map.of(), memoryLimit, 1_000_000_000L, 512, "overlay2",
        Map.of("UpperDir", upper, "MergedDir", upper.replace("/diff", "/merged"), "WorkDir",
            upper.replace("/diff", "/work")),
        1000 + refs.size() * 137L, true, Instant.parse("2025-11-29T08:00:00Z"), entrypoint, healthcheck,
        "unless-stopped");
    refs.add(ref);
    byId.put(id, info);
  }

  private static ContainerInfo.Mount volume(String name, String dest, boolean rw) {
    return new ContainerInfo.Mount("volume", "/var/lib/docker/volumes/" + name + "/_data", dest, rw, "");
  }

  /** A stable 64-character hex id derived from a name. */
  private static String hex64(String seed) {
    StringBuilder sb = new StringBuilder(64);
    long h = seed.hashCode() * 0x9E3779B97F4A7C15L;
    while (sb.length() < 64) {
      h ^= h >>> 29;
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 32;
      sb.append(String.format("%016x", h));
    }
    return sb.substring(0, 64);
  }
}
