package dev.vigil.app;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerActivity;
import dev.vigil.event.EventSink;
import dev.vigil.sensor.Sensor;
import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.sensor.cgroup.CgroupStatsSensor;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerDiffSensor;
import dev.vigil.sensor.docker.DockerEventsSensor;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerLogsSensor;
import dev.vigil.sensor.docker.DockerStatsSensor;
import dev.vigil.sensor.docker.DockerTopSensor;
import dev.vigil.sensor.docker.EventsPosition;
import dev.vigil.sensor.fanotify.FanotifyFileSensor;
import dev.vigil.sensor.net.NetworkSensor;
import dev.vigil.sensor.proc.NetlinkProcessSensor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Every sensor of the agent, in one place and in start order: each sensor's own {@link SensorDeclaration} (name,
 * capabilities, probe, the sensor it stands in for) with the factory that builds it from what the agent has at
 * start. The sensor plan, the {@code --disable-sensor} names and help, the disabled-rule reasons and the status
 * states all come from this list.
 */
final class SensorCatalog {

  /** What a factory may use: the engine connection, the inventory, where events go, and the plan decided. */
  record Context(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock, Metrics metrics,
      MonitorConfig cfg, ContainerActivity activity, SensorPlan plan) {}

  /** One sensor: its declaration and how to build it. */
  record Entry(SensorDeclaration declaration, Function<Context, Sensor> factory) {
    String name() {
      return declaration.name();
    }
  }

  /** The diff poll's interval when it only reports deletions. */
  static final Duration DELETIONS_POLL = Duration.ofSeconds(30);

  static final List<Entry> ENTRIES = List.of(
      new Entry(DockerEventsSensor.DECLARATION, c -> new DockerEventsSensor(c.conn(), c.inventory(), c.sink(),
          c.metrics(), c.cfg().eventsLiveness(), Duration.ofMinutes(5), c.cfg().eventsMaxGap().isZero() ? null
          : new EventsPosition(c.cfg().dataDir()), c.cfg().eventsMaxGap())),
      new Entry(DockerLogsSensor.DECLARATION, c -> new DockerLogsSensor(c.conn(), c.inventory(), c.sink(),
          c.clock(), c.cfg().maxLogLineBytes(), c.metrics(), c.cfg().maxLogLag())
          .withoutOwnContainer(SelfContainer.id().orElse(null))),
      new Entry(CgroupStatsSensor.DECLARATION, c -> new CgroupStatsSensor(c.inventory(), c.sink(), c.clock(),
          c.cfg().statsInterval(), c.metrics())),
      new Entry(DockerStatsSensor.DECLARATION, c -> new DockerStatsSensor(c.conn(), c.inventory(), c.sink(),
          c.clock(), c.cfg().statsInterval(), c.metrics())),
      new Entry(NetlinkProcessSensor.DECLARATION, c -> new NetlinkProcessSensor(c.inventory(), c.sink(), c.clock(),
          c.metrics())),
      new Entry(DockerTopSensor.DECLARATION, c -> new DockerTopSensor(c.conn(), c.inventory(), c.sink(), c.clock(),
          c.cfg().topInterval(), c.metrics())),
      new Entry(FanotifyFileSensor.DECLARATION, c -> new FanotifyFileSensor(c.inventory(), c.sink(), c.clock(),
          c.metrics(), FanotifyFileSensor.Options.defaults())),
      new Entry(DockerDiffSensor.DECLARATION, SensorCatalog::diff),
      new Entry(NetworkSensor.DECLARATION, c -> new NetworkSensor(c.inventory(), c.sink(), c.clock(),
          c.cfg().netInterval(), c.metrics())));

  private SensorCatalog() {}

  /**
   * With fanotify reporting writes as they happen, the diff poll only looks for deletions, which are not urgent:
   * polling every container every few seconds for them would be most of the agent's idle CPU.
   */
  private static Sensor diff(Context c) {
    boolean deletionsOnly = c.plan().state(DockerDiffSensor.NAME) == SensorPlan.State.REDUCED;
    Duration every = deletionsOnly && c.cfg().diffInterval().compareTo(DELETIONS_POLL) < 0 ? DELETIONS_POLL
        : c.cfg().diffInterval();
    return new DockerDiffSensor(c.conn(), c.inventory(), c.sink(), c.clock(), every, c.metrics(), deletionsOnly,
        c.activity());
  }

  static List<SensorDeclaration> declarations() {
    return ENTRIES.stream().map(Entry::declaration).toList();
  }

  /** The names {@code --disable-sensor} accepts, in catalog order. */
  static List<String> disableable() {
    return ENTRIES.stream().map(Entry::declaration).filter(SensorDeclaration::disableable)
        .map(SensorDeclaration::name).toList();
  }
}
