package dev.vigil.sink;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Priority;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Alerts shaped like the engine's, and a clock tests move by hand. */
public final class TestAlerts {

  public static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

  private TestAlerts() {}

  public static Alert alert(String rule, String containerId, Priority p, Instant time, String procName, String cmdline) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", time.toEpochMilli() * 1_000_000L);
    f.put("evt.type", "execve");
    f.put("container.id", containerId);
    f.put("container.name", "web-" + containerId);
    f.put("container.image.repository", "nginx");
    f.put("container.image.tag", "1.25");
    f.put("proc.name", procName);
    f.put("proc.cmdline", cmdline);
    f.put("proc.pid", 4242);
    f.put("user.root", true);
    return new Alert(time, rule, p, rule + " (command=" + cmdline + " container=web-" + containerId + ")", "syscall",
        List.of("container", "T1105"), "host-1", f);
  }

  public static Alert alert(String rule, int n) {
    return alert(rule, "c0ffee000001", Priority.WARNING, T0.plusMillis(n), "wget", "wget http://x/" + n);
  }

  /** A clock that moves only when told. */
  public static final class ManualClock extends Clock {
    private Instant now;

    public ManualClock(Instant start) {
      this.now = start;
    }

    public synchronized void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public synchronized Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
