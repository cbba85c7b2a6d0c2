package dev.vigil.sensor.docker;

import dev.vigil.sensor.SensorDeclaration;
import dev.vigil.event.Capability;
import com.github.dockerjava.api.model.ChangeLog;
import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerActivity;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.EventSink;
import dev.vigil.event.FileChange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * FALLBACK file sensor: polls {@code docker diff} for each running container and reports paths newly added,
 * changed or deleted in its writable layer. It stands in for fanotify on hosts where that cannot run: it sees
 * a path once (not every write to it), never sees reads, and lags by up to one interval. The first poll of a
 * container reports what its layer already holds, so tampering done before the agent started is seen too.
 * Per-container memory is bounded; paths past the bound are counted in {@code vigil.events.dropped}.
 */
public final class DockerDiffSensor extends ContainerPoller<DockerDiffSensor.Seen> {

  public static final String NAME = "docker.diff";

  /** What this sensor provides and when it runs; listed in the agent's sensor catalog. */
  public static final SensorDeclaration DECLARATION = SensorDeclaration.alongside(NAME, "writable-layer changes polled with the Engine API's diff",
      Set.of(Capability.FILE_CHANGE), "kernel.fanotify", "docker.diff polls file changes instead (no file reads)",
      "deletions only; kernel.fanotify sees writes");
  static final int MAX_PATHS = 50_000;

  /** Polls a quiet container may be skipped in a row when activity gates the deletions-only poll. */
  static final int QUIET_SKIPS = 9;

  /** Changes already reported for a container, as {@code kind|path}, and what the activity gate last saw. */
  static final class Seen {
    final Set<String> keys = new HashSet<>();
    long activity = -1;
    int skipped;
  }

  private final DockerConnection conn;
  private final EventSink sink;
  private final Clock clock;

  private final boolean deletionsOnly;
  private final ContainerActivity activity;

  public DockerDiffSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock,
      Duration interval, Metrics metrics) {
    this(conn, inventory, sink, clock, interval, metrics, false, null);
  }

  /**
   * @param deletionsOnly report only deleted paths: where fanotify reports writes as they happen, the diff poller
   *     is kept for what fanotify cannot see
   * @param activity when not null (deletions-only mode), a container with no activity since its last diff is
   *     skipped, except every {@link #QUIET_SKIPS} + 1-th poll: an idle container then costs the engine nothing
   */
  public DockerDiffSensor(DockerConnection conn, DockerInventory inventory, EventSink sink, Clock clock,
      Duration interval, Metrics metrics, boolean deletionsOnly, ContainerActivity activity) {
    super(inventory, interval, 2, metrics);
    this.conn = conn;
    this.sink = sink;
    this.clock = clock;
    this.deletionsOnly = deletionsOnly;
    this.activity = deletionsOnly ? activity : null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Seen newState(ContainerInfo c) {
    return new Seen();
  }

  @Override
  void poll(ContainerInfo c, Seen seen) {
    if (quiet(c, seen)) {
      metrics.counter("vigil.poll.quiet", "sensor", NAME).increment();
      return;
    }
    List<ChangeLog> changes = conn.requests().containerDiffCmd(c.ref().id()).exec();
    List<String[]> raw = new ArrayList<>();
    if (changes != null) {
      for (ChangeLog ch : changes) {
        raw.add(new String[] {ch.getPath(), String.valueOf(ch.getKind())});
      }
    }
    for (FileChange fc : news(c, raw, seen)) {
      if (!deletionsOnly || fc.change() == FileChange.Kind.DELETED) {
        sink.offer(fc);
      }
    }
  }

  /** Whether this poll can be skipped: gated, nothing happened in the container, and not yet skipped too often. */
  boolean quiet(ContainerInfo c, Seen seen) {
    if (activity == null) {
      return false;
    }
    long now = activity.count(c.ref().id());
    if (now == seen.activity && seen.skipped < QUIET_SKIPS) {
      seen.skipped++;
      return true;
    }
    seen.activity = now;
    seen.skipped = 0;
    return false;
  }

  @Override
  public void stopped(ContainerInfo c) {
    super.stopped(c);
    if (activity != null) {
      activity.forget(c.ref().id());
    }
  }

  /**
   * The changes not reported before; each entry of {@code raw} is {path, kind} with Docker's kind 0/1/2. A changed
   * directory that is the parent of another entry is left out: the engine lists every parent of a changed file,
   * and the file itself is the news.
   */
  List<FileChange> news(ContainerInfo c, List<String[]> raw, Seen seen) {
    List<FileChange> out = new ArrayList<>();
    java.util.TreeSet<String> paths = new java.util.TreeSet<>();
    for (String[] r : raw) {
      paths.add(r[0]);
    }
    for (String[] r : raw) {
      String next = paths.higher(r[0] + "/");
      if (r[1].equals("0") && next != null && next.startsWith(r[0] + "/")) {
        continue;
      }
      FileChange.Kind kind = switch (r[1]) {
        case "1" -> FileChange.Kind.ADDED;
        case "2" -> FileChange.Kind.DELETED;
        default -> FileChange.Kind.MODIFIED;
      };
      String key = kind.ordinal() + "|" + r[0];
      if (seen.keys.contains(key)) {
        continue;
      }
      if (seen.keys.size() >= MAX_PATHS) {
        metrics.counter("vigil.events.dropped", "sensor", NAME).increment();
        continue;
      }
      seen.keys.add(key);
      out.add(new FileChange(clock.instant(), c.ref(), NAME, r[0], kind));
    }
    return out;
  }
}
