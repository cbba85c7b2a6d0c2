package dev.vigil.record;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.EngineEvent;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.SensorNotice;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessChange;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;

/**
 * The JSON form of recorded events, one object per line: {@code {"record":"event","event":{"type":"exec",...}}}
 * or {@code {"record":"container","container":{...}}} for the container snapshots that container fields need on
 * replay. Record components map to JSON fields one to one (mixins keep Jackson out of the event package).
 * Thread-safe.
 */
final class EventJson {

  /** One line of an events file. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "record")
  @JsonSubTypes({@JsonSubTypes.Type(value = Line.EventLine.class, name = "event"),
      @JsonSubTypes.Type(value = Line.ContainerLine.class, name = "container")})
  sealed interface Line {
    /** An event as a sensor produced it. */
    record EventLine(Event event) implements Line {}

    /** What the inventory knew about a container at that point. */
    record ContainerLine(ContainerInfo container) implements Line {}
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({@JsonSubTypes.Type(value = ProcessExec.class, name = "exec"),
      @JsonSubTypes.Type(value = ProcessChange.class, name = "change"),
      @JsonSubTypes.Type(value = FileChange.class, name = "file"),
      @JsonSubTypes.Type(value = FileOpen.class, name = "open"),
      @JsonSubTypes.Type(value = NetConnection.class, name = "net"),
      @JsonSubTypes.Type(value = SensorNotice.class, name = "notice"),
      @JsonSubTypes.Type(value = LogLine.class, name = "log"),
      @JsonSubTypes.Type(value = StatsSample.class, name = "stats"),
      @JsonSubTypes.Type(value = ContainerLifecycle.class, name = "container"),
      @JsonSubTypes.Type(value = EngineEvent.class, name = "engine")})
  interface EventMixin {}

  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addMixIn(Event.class, EventMixin.class);

  private EventJson() {}
}
