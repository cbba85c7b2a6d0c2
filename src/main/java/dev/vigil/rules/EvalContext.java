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

  private final ContainerDirectory directory;
  private Object[] values;
  /** values[i] belongs to the current event only when stamps[i] == generation, so reset is O(1), not a fill. */
  private int[] stamps;
  private int generation = 1;
  private Event event;
  private Optional<ContainerInfo> info;

  /**
   * @param directory where container records come from; null for none
   * @param slots number of distinct field accessors in the ruleset (see {@link FieldAccessor#slot()})
   */
  public EvalContext(ContainerDirectory directory, int slots) {
    this.directory = directory;
    this.values = new Object[Math.max(1, slots)];
    this.stamps = new int[values.length];
  }

  /** Starts evaluating a new event. */
  public void reset(Event e) {
    this.event = e;
    this.info = null;
    if (++generation == 0) {
      Arrays.fill(stamps, 0);
      generation = 1;
    }
  }

  public Event event() {
    return event;
  }

  void ensureSlots(int slots) {
    if (slots > values.length) {
      values = new Object[slots];
      stamps = new int[slots];
    }
  }

  /** The accessor's value for the current event, extracted at most once per event. */
  Object value(FieldAccessor a) {
    int slot = a.slot();
    if (stamps[slot] == generation) {
      return values[slot];
    }
    Object v = a.extract(event, this);
    values[slot] = v;
    stamps[slot] = generation;
    return v;
  }

  /** The macro's result for the current event, evaluated at most once per event. */
  boolean memo(int slot, Cond c) {
    if (stamps[slot] == generation) {
      return values[slot] == Boolean.TRUE;
    }
    boolean b = c.test(this);
    values[slot] = b ? Boolean.TRUE : Boolean.FALSE;
    stamps[slot] = generation;
    return b;
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
