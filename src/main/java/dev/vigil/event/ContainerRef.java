package dev.vigil.event;

import java.util.Objects;

/**
 * The identity of a container as carried by every event: full id, name and image. Immutable.
 * Host processes (outside any container) use {@link #HOST}.
 */
public record ContainerRef(String id, String name, String imageRepository, String imageTag, String imageDigest) {

  /** The host itself, for events that do not belong to a container. */
  public static final ContainerRef HOST = new ContainerRef("host", "host", "", "", "");

  public ContainerRef {
    Objects.requireNonNull(id, "id");
    name = name == null ? "" : name;
    imageRepository = imageRepository == null ? "" : imageRepository;
    imageTag = imageTag == null ? "" : imageTag;
    imageDigest = imageDigest == null ? "" : imageDigest;
  }

  /** A reference that only knows the id; the pipeline fills in name and image before rules see it. */
  public static ContainerRef unresolved(String id) {
    return new ContainerRef(id, "", "", "", "");
  }

  /** The 12-character id Docker shows and Falco prints as {@code container.id}. */
  public String shortId() {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  public boolean isHost() {
    return this == HOST || "host".equals(id);
  }

  /** True once name and image are known. */
  public boolean isResolved() {
    return isHost() || (!name.isEmpty() && !imageRepository.isEmpty());
  }

  /** {@code repository:tag}, or the repository alone when there is no tag. */
  public String image() {
    return imageTag.isEmpty() ? imageRepository : imageRepository + ":" + imageTag;
  }
}
