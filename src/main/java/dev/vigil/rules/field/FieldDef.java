package dev.vigil.rules.field;

import dev.vigil.event.Capability;
import dev.vigil.event.Event;

/**
 * One field of the rule language, declared once: name, type, one-line description, whether it takes a
 * {@code [argument]}, the capability it needs, and how to read it from an event. Immutable.
 *
 * @param arg whether and how the field takes a bracket argument
 * @param extractor reads the value: String, Long, Double, Boolean or List of String; null when the event has none
 */
public record FieldDef(String name, FieldType type, String description, Arg arg, Capability needs,
    Extractor extractor) {

  /** Bracket argument kinds. */
  public enum Arg {
    NONE,
    /** Optional index, e.g. {@code proc.aname[2]}. */
    OPTIONAL_INDEX,
    /** Required key, e.g. {@code container.label[app]}. */
    REQUIRED_KEY,
    /** Optional key, e.g. {@code container.mount.source[/etc]}. */
    OPTIONAL_KEY
  }

  /** Reads a field from an event. */
  @FunctionalInterface
  public interface Extractor {
    /**
     * @param arg the bracket argument, or null
     */
    Object get(Event e, FieldContext ctx, String arg);
  }
}
