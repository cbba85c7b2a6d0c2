package dev.vigil.store;

import dev.vigil.alert.Alert;
import java.util.Objects;

/**
 * An alert with the id it is stored under: the alert's own id ({@link Alert#id()}, the one every sink shows) or the
 * caller's, else one the store assigns. The alert carries the same id ({@code uuid} in its Falco JSON). Storing the
 * same id twice keeps the first copy. Immutable.
 */
public record StoredAlert(String id, Alert alert) {

  public StoredAlert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alert, "alert");
    alert = alert.withId(id);
  }
}
