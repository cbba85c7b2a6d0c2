package dev.vigil.store;

import dev.vigil.alert.Alert;
import java.util.Objects;

/**
 * An alert with the id it is stored under: the idempotency id of delivery when the caller has one, else a UUID the
 * store assigns. Storing the same id twice keeps the first copy. Immutable.
 */
public record StoredAlert(String id, Alert alert) {

  public StoredAlert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alert, "alert");
  }
}
