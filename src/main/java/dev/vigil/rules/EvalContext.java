package dev.vigil.rules;

import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.Event;
import dev.vigil.rules.field.FieldContext;
import java.util.Arrays;
import java.util.Optional;

/**
 * The state of evaluating rules against one event: the event, its container record (looked up once) and a cache of
 * field values so a field read by many rules is extracted once. Reused across events; single-threaded.
 */
public final class EvalContext implements FieldContext {

  private static final Object MISSING = new Object();

  private final ContainerDirectory directory;
  private Object[] values;
  private Event event;
  private Optional<ContainerInfo> info;

  /**
   * @param directory where container records come from; null for none
   * @param slots number of distinct field accessors in the ruleset (see {@link FieldAccessor#slot()})
   */
  public EvalContext(ContainerDirectory directory, int slots) {
    this.directory = directory;
    this.values = new Object[Math.max(1, slots)];
  }

  /** Starts evaluating a new event. */
  public void reset(Event e) {
    this.event = e;
    this.info = null;
    Arrays.fill(values, MISSING);
  }

  public Event event() {
    return event;
  }

  void ensureSlots(int slots) {
    if (slots > values.length) {
      values = new Object[slots];
      Arrays.fill(values, MISSING);
    }
  }

  /** The accessor's value for the current event, extracted at most once per event. */
  Object value(FieldAccessor a) {
    int slot = a.slot();
    Object v = values[slot];
    if (v == MISSING) {
      v = a.extract(event, this);
      values[slot] = v;
    }
    return v;
  }

  @Override
  public Optional<ContainerInfo> containerInfo(Event e) {
    if (directory == null) {
      return Optional.empty();
    }
    if (e != event) {
      return directory.find(e.container().id());
    }
    if (info == null) {
      info = directory.find(e.container().id());
    }
    return info;
  }
}
