package dev.vigil.app;

import dev.vigil.sensor.proc.CgroupContainerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of the container the agent itself runs in, if any, so that its own output is not read back as a
 * container's log (an alert printed on stdout would come back as a log line and raise another alert, for ever).
 * Read from {@code /proc/self/cgroup} (the cgroup path names the container when the cgroup namespace is the host's,
 * {@code --cgroupns host}), else from {@code /proc/self/mountinfo}: the engine bind-mounts the container's
 * {@code hostname}, {@code hosts} and {@code resolv.conf} from {@code <data-root>/containers/<id>/}, whatever the
 * namespaces. Stateless; thread-safe.
 */
final class SelfContainer {

  private static final Pattern MOUNTED_FROM = Pattern.compile("/containers/([0-9a-f]{64})/(hostname|hosts|"
      + "resolv\\.conf) ");

  private SelfContainer() {}

  /** The agent's own container id, empty when it runs on the host or the files cannot be read. */
  static Optional<String> id(Path proc) {
    try {
      Optional<String> byCgroup = CgroupContainerId.of(Files.readString(proc.resolve("self/cgroup")));
      if (byCgroup.isPresent()) {
        return byCgroup;
      }
      return fromMountinfo(Files.readString(proc.resolve("self/mountinfo")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<String> id() {
    return id(Path.of("/proc"));
  }

  /** The container id named by the source of a container's hostname, hosts or resolv.conf bind mount. */
  static Optional<String> fromMountinfo(String mountinfo) {
    Matcher m = MOUNTED_FROM.matcher(mountinfo);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
