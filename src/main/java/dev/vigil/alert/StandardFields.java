package dev.vigil.alert;

import dev.vigil.event.ContainerRef;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields every alert's {@code output_fields} start with, rule or detector alike: {@code evt.time} (epoch
 * nanoseconds), {@code evt.type}, and the container's id (12 characters), name, image repository and tag. Built here
 * only, so the two kinds of alerts cannot drift apart.
 */
public final class StandardFields {

  private StandardFields() {}

  /** A new insertion-ordered map holding the standard fields; callers add their own after them. */
  public static Map<String, Object> of(Instant time, String evtType, ContainerRef container) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", time.getEpochSecond() * 1_000_000_000L + time.getNano());
    f.put("evt.type", evtType);
    f.put("container.id", container.shortId());
    f.put("container.name", container.name());
    f.put("container.image.repository", container.imageRepository());
    f.put("container.image.tag", container.imageTag());
    return f;
  }
}
