package dev.vigil.sink;

import dev.vigil.alert.Alert;
import java.util.Objects;

/**
 * An alert on its way to a destination, with the id that makes delivery idempotent: the same alert delivered twice
 * (after a retry, a crash, a spool replay) carries the same id, so a destination that keys on it (an Elasticsearch
 * {@code _id}, a webhook receiver's de-duplication) stores it once. Immutable.
 *
 * @param id a unique, stable id (UUID text), assigned once when the alert enters delivery
 */
public record Envelope(String id, Alert alert) {

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alert, "alert");
  }
}
