package dev.vigil.rules.field;

import dev.vigil.event.ContainerInfo;
import dev.vigil.event.Event;
import java.util.Optional;

/** What extractors may consult besides the event itself. Implementations cache per event; single-threaded. */
public interface FieldContext {

  /** The inventory record of the event's container, if known. */
  Optional<ContainerInfo> containerInfo(Event e);

  /** A context without inventory, for events whose fields are all in the event. */
  FieldContext NONE = e -> Optional.empty();
}
