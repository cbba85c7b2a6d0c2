package dev.vigil.sensor.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.sensor.Inventory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container inventory: every container the engine reports, inspected at start and refreshed from the events
 * stream. Destroyed containers are kept for a while (bounded) so late events still resolve to a name and image.
 * Listeners hear about containers starting and stopping, which is how per-container sensors attach and detach.
 * Thread-safe; {@link #refresh} and {@link #syncAll} do I/O and must not run on a docker-java callback thread.
 */
public final class DockerInventory implements Inventory {

  private static final Logger LOG = LoggerFactory.getLogger(DockerInventory.class);
  private static final int MAX_GONE = 2048;
  private static final int MAX_IMAGES = 1024;

  private final java.util.concurrent.atomic.AtomicLong syncs = new java.util.concurrent.atomic.AtomicLong();
  private final DockerApi api;
  private final Map<String, ContainerInfo> byId = new ConcurrentHashMap<>();
  private final Map<String, ContainerInfo> gone = boundedMap(MAX_GONE);
  private final Map<String, ImageName> imageNames = boundedMap(MAX_IMAGES);
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  DockerInventory(DockerApi api) {
    this.api = api;
  }

  public DockerInventory(DockerConnection conn) {
    this(new DockerApi(conn));
  }

  private static <K, V> Map<K, V> boundedMap(int max) {
    return java.util.Collections.synchronizedMap(new LinkedHashMap<K, V>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
      }
    });
  }

  /** How many times {@link #syncAll} ran (each lists and inspects every container). */
  public long syncs() {
    return syncs.get();
  }

  @Override
  public void addListener(Listener l) {
    listeners.add(l);
  }

  /**
   * Lists all containers and inspects each, replacing what was known; containers that vanished are moved to the
   * recently-gone set and reported stopped. Used at start and after every reconnect to the engine.
   */
  public void syncAll() {
    syncs.incrementAndGet();
    JsonNode list = api.get("/containers/json?all=1");
    List<String> seen = new ArrayList<>();
    for (JsonNode c : list) {
      String id = c.path("Id").asText();
      seen.add(id);
      try {
        refresh(id);
      } catch (DockerApi.NotFound e) {
        LOG.debug("container {} vanished during sync", id);
      }
    }
    for (String id : new ArrayList<>(byId.keySet())) {
      if (!seen.contains(id)) {
        removed(id);
      }
    }
  }

  /**
   * Inspects one container and updates the inventory, telling listeners when its running state changed.
   *
   * @return the new record, empty when the container no longer exists
   */
  public Optional<ContainerInfo> refresh(String id) {
    JsonNode j;
    try {
      j = api.get("/containers/" + id + "/json");
    } catch (DockerApi.NotFound e) {
      removed(id);
      return Optional.empty();
    }
    ContainerInfo info = InspectMapper.map(j, imageName(j));
    ContainerInfo before = byId.put(info.ref().id(), info);
    boolean wasRunning = before != null && before.running();
    if (info.running() && (!wasRunning || before.initPid() != info.initPid())) {
      if (wasRunning) {
        listeners.forEach(l -> l.stopped(before));
      }
      listeners.forEach(l -> l.started(info));
    } else if (!info.running() && wasRunning) {
      listeners.forEach(l -> l.stopped(info));
    }
    return Optional.of(info);
  }

  /** Records that a container was destroyed; keeps its identity for late events. */
  public void removed(String id) {
    ContainerInfo before = byId.remove(id);
    if (before != null) {
      gone.put(id, before);
      if (before.running()) {
        listeners.forEach(l -> l.stopped(before));
      }
    }
  }

  private ImageName imageName(JsonNode j) {
    String configured = j.path("Config").path("Image").asText("");
    String imageId = j.path("Image").asText("");
    if (!configured.isEmpty() && !ImageName.isImageId(configured)) {
      ImageName n = ImageName.parse(configured);
      if (!n.digest().isEmpty()) {
        return n;
      }
      ImageName known = imageNames.get(imageId);
      return new ImageName(n.repository(), n.tag(), known != null ? known.digest() : lookupDigest(imageId));
    }
    return imageNames.computeIfAbsent(imageId, this::lookupImage);
  }

  /** For a container created from an image id: the image's first tag, and its repo digest if it has one. */
  private ImageName lookupImage(String imageId) {
    try {
      JsonNode img = api.get("/images/" + imageId + "/json");
      List<String> tags = InspectMapper.strings(img.path("RepoTags"));
      List<String> digests = InspectMapper.strings(img.path("RepoDigests"));
      String digest = digests.isEmpty() ? "" : ImageName.parse(digests.get(0)).digest();
      if (!tags.isEmpty()) {
        ImageName n = ImageName.parse(tags.get(0));
        return new ImageName(n.repository(), n.tag(), digest);
      }
      return new ImageName(imageId, "", digest);
    } catch (RuntimeException e) {
      return new ImageName(imageId, "", "");
    }
  }

  private String lookupDigest(String imageId) {
    ImageName n = imageNames.computeIfAbsent(imageId, this::lookupImage);
    return n.digest();
  }

  @Override
  public Optional<ContainerInfo> find(String containerId) {
    ContainerInfo c = byId.get(containerId);
    if (c == null) {
      c = gone.get(containerId);
    }
    if (c == null && containerId.length() < 64) {
      for (ContainerInfo i : byId.values()) {
        if (i.ref().id().startsWith(containerId)) {
          return Optional.of(i);
        }
      }
    }
    return Optional.ofNullable(c);
  }

  @Override
  public ContainerRef resolve(String containerId) {
    Optional<ContainerInfo> known = find(containerId);
    if (known.isPresent()) {
      return known.get().ref();
    }
    try {
      Optional<ContainerInfo> fresh = refresh(containerId);
      if (fresh.isPresent()) {
        return fresh.get().ref();
      }
    } catch (RuntimeException e) {
      LOG.debug("cannot inspect {}: {}", containerId, e.toString());
    }
    String shortId = containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
    return new ContainerRef(containerId, shortId, "<unknown>", "", "");
  }

  @Override
  public Collection<ContainerInfo> running() {
    return byId.values().stream().filter(ContainerInfo::running).toList();
  }

  @Override
  public Collection<ContainerInfo> all() {
    return List.copyOf(byId.values());
  }
}
