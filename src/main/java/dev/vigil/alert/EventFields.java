package dev.vigil.alert;

import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Falco-named fields an event carries ({@code container.*}, {@code proc.*}, {@code fd.*}, ...), for an
 * alert's {@code output_fields}. Missing values are absent (templates render them as {@code <NA>}).
 */
public final class EventFields {

  private EventFields() {}

  public static Map<String, Object> of(Event e) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
    ContainerRef c = e.container();
    f.put("container.id", c.shortId());
    f.put("container.name", c.name());
    f.put("container.image.repository", c.imageRepository());
    f.put("container.image.tag", c.imageTag());
    if (!c.imageDigest().isEmpty()) {
      f.put("container.image.digest", c.imageDigest());
    }
    f.put("vigil.sensor", e.sensor());
    if (e instanceof ProcessExec p) {
      f.put("proc.name", p.name());
      f.put("proc.exepath", p.exePath().isEmpty() ? null : p.exePath());
      f.put("proc.cmdline", p.cmdline());
      f.put("proc.pid", p.pid() > 0 ? p.pid() : null);
      f.put("proc.ppid", p.ppid() > 0 ? p.ppid() : null);
      f.put("user.uid", p.uid() >= 0 ? p.uid() : null);
      f.put("user.name", p.user().isEmpty() ? null : p.user());
      f.put("proc.exe_origin", lower(p.origin().name()));
    } else if (e instanceof FileChange fc) {
      f.put("fd.name", fc.path());
      f.put("fs.change", lower(fc.change().name()));
    } else if (e instanceof LogLine l) {
      f.put("log.stream", lower(l.stream().name()));
      f.put("log.line", l.text());
      if (l.truncated()) {
        f.put("log.truncated", true);
        f.put("log.bytes", l.originalBytes());
      }
    } else if (e instanceof StatsSample s) {
      f.put("stats.cpu", s.cpuPercent());
      f.put("stats.memory", s.memoryBytes());
      f.put("stats.pids", s.pids());
    } else if (e instanceof ContainerLifecycle lc) {
      f.put("docker.action", lc.action());
      if (!lc.detail().isEmpty()) {
        f.put("docker.detail", lc.detail());
      }
    }
    return f;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
