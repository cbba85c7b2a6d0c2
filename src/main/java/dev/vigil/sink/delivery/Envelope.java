package dev.vigil.sink.delivery;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertIds;
import java.util.Objects;

/**
 * An alert on its way to a destination, with the id that makes delivery idempotent: the same alert delivered twice
 * (after a retry, a crash, a spool replay) carries the same id, so a destination that keys on it (an Elasticsearch
 * {@code _id}, a webhook receiver's de-duplication) stores it once. Immutable.
 *
 * <p>The id is the alert's own ({@link Alert#id()}, the one every other sink shows too); the alert inside an
 * envelope always carries the envelope's id, so a destination that writes the alert's JSON (its {@code uuid}) and
 * one that uses {@link #id()} agree. Envelopes spooled by an agent from before alerts had ids keep the id they were
 * spooled with.
 *
 * @param id a unique, stable id (UUID text)
 */
public record Envelope(String id, Alert alert) {

  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alert, "alert");
    alert = alert.withId(id);
  }

  /** The envelope of an alert: under the alert's id, or a fresh one when it has none (a sink used on its own). */
  public static Envelope of(Alert alert) {
    return new Envelope(alert.id() != null ? alert.id() : AlertIds.next(), alert);
  }
}
