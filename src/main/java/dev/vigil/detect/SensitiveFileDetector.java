package dev.vigil.detect;

import dev.vigil.alert.AlertFactory;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.OutputTemplate;
import dev.vigil.alert.Priority;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.FileChange;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alerts when a file below a sensitive directory of a container (system configuration, binaries, root's SSH keys,
 * crontabs) is added or changed relative to its image. The directory entry itself (Docker reports {@code /etc} as
 * changed whenever a file in it is) does not alert; deletions do not either. Single-threaded.
 */
public final class SensitiveFileDetector implements Detector {

  /** A sensitive area: path prefix, rule and MITRE tags. Earlier, more specific entries win. */
  record Area(String prefix, String rule, Priority priority, List<String> tags) {
    OutputTemplate output() {
      return OutputTemplate.parse(rule + " (file=%fd.name change=%fs.change container_id=%container.id"
          + " container_name=%container.name image=%container.image.repository:%container.image.tag)");
    }
  }

  static final List<Area> AREAS = List.of(
      new Area("/root/.ssh/", "SSH keys changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1098.004")),
      new Area("/etc/crontab", "Cron job changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1053.003")),
      new Area("/etc/cron.d/", "Cron job changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1053.003")),
      new Area("/etc/cron.hourly/", "Cron job changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1053.003")),
      new Area("/etc/cron.daily/", "Cron job changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1053.003")),
      new Area("/var/spool/cron/crontabs/", "Cron job changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1053.003")),
      new Area("/etc/", "File below /etc changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_persistence", "T1546")),
      new Area("/bin/", "System binary changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_defense_evasion", "T1036")),
      new Area("/sbin/", "System binary changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_defense_evasion", "T1036")),
      new Area("/usr/bin/", "System binary changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_defense_evasion", "T1036")),
      new Area("/usr/sbin/", "System binary changed in container", Priority.ERROR,
          List.of("container", "filesystem", "mitre_defense_evasion", "T1036")));

  private final AlertFactory alerts;

  public SensitiveFileDetector(AlertFactory alerts) {
    this.alerts = alerts;
  }

  @Override
  public String name() {
    return "sensitive-file-change";
  }

  @Override
  public Set<EventKind> kinds() {
    return Set.of(EventKind.FILE_CHANGE);
  }

  @Override
  public void onEvent(Event event, AlertSink out) {
    FileChange fc = (FileChange) event;
    if (fc.change() == FileChange.Kind.DELETED || fc.container().isHost()) {
      return;
    }
    for (Area a : AREAS) {
      boolean under = a.prefix().endsWith("/")
          ? fc.path().startsWith(a.prefix()) && fc.path().length() > a.prefix().length()
          : fc.path().startsWith(a.prefix());
      if (under) {
        out.accept(alerts.create(fc, a.rule(), a.priority(), a.output(), a.tags(), Map.of()));
        return;
      }
    }
  }
}
