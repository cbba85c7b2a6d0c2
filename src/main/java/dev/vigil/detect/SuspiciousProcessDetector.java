package dev.vigil.detect;

import dev.vigil.alert.AlertFactory;
import dev.vigil.alert.AlertSink;
import dev.vigil.alert.OutputTemplate;
import dev.vigil.alert.Priority;
import dev.vigil.event.Event;
import dev.vigil.event.EventKind;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alerts when a process whose executable is a known network, remote-copy, scanning or mining tool runs in a
 * container. Matching is on base names (the kernel's process name, argv[0] and the executable path), never on a
 * substring of the command line, so {@code cat notes-about-curl.txt} stays quiet. Processes started by the
 * container's HEALTHCHECK are not alerted. The same command in the same container seen again within a short
 * window (for example by two sensors) yields one alert. Single-threaded.
 */
public final class SuspiciousProcessDetector implements Detector {

  /** A named group of tools with the rule it raises. */
  record ToolClass(String rule, Priority priority, Set<String> names, List<String> tags, OutputTemplate output) {}

  static final List<ToolClass> CLASSES = List.of(
      new ToolClass("Crypto miner launched in container", Priority.CRITICAL,
          Set.of("xmrig", "minerd", "cpuminer", "cpuminer-multi", "xmr-stak", "xmr-stak-cpu", "ethminer",
              "cgminer", "bfgminer", "nbminer", "t-rex", "lolminer", "phoenixminer", "nanominer", "ccminer",
              "srbminer", "teamredminer", "gminer", "xmrig-notls", "kdevtmpfsi", "kinsing"),
          List.of("container", "process", "mitre_impact", "T1496"),
          template("Crypto miner launched in container")),
      new ToolClass("Port scanner launched in container", Priority.WARNING,
          Set.of("nmap", "masscan", "zmap", "rustscan", "unicornscan", "hping3", "zgrab", "zgrab2"),
          List.of("container", "process", "network", "mitre_discovery", "T1046"),
          template("Port scanner launched in container")),
      new ToolClass("Suspicious network tool launched in container", Priority.NOTICE,
          Set.of("nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat", "telnet", "tcpdump", "tshark",
              "ngrep", "proxychains", "chisel"),
          List.of("container", "process", "network", "mitre_command_and_control", "T1095"),
          template("Suspicious network tool launched in container")),
      new ToolClass("Remote file copy tool launched in container", Priority.NOTICE,
          Set.of("wget", "curl", "scp", "sftp", "ftp", "tftp", "rsync", "aria2c", "axel"),
          List.of("container", "process", "network", "mitre_command_and_control", "T1105"),
          template("Remote file copy tool launched in container")));

  private static final Duration REPEAT_WINDOW = Duration.ofSeconds(10);
  private static final int MAX_RECENT = 4096;

  private final AlertFactory alerts;
  private final Map<String, java.time.Instant> recent = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, java.time.Instant> eldest) {
      return size() > MAX_RECENT;
    }
  };

  public SuspiciousProcessDetector(AlertFactory alerts) {
    this.alerts = alerts;
  }

  private static OutputTemplate template(String what) {
    return OutputTemplate.parse(what + " (tool=%vigil.tool user=%user.name uid=%user.uid command=%proc.cmdline"
        + " pid=%proc.pid origin=%proc.exe_origin container_id=%container.id container_name=%container.name"
        + " image=%container.image.repository:%container.image.tag)");
  }

  @Override
  public String name() {
    return "suspicious-process";
  }

  @Override
  public Set<EventKind> kinds() {
    return Set.of(EventKind.PROCESS_EXEC);
  }

  @Override
  public void onEvent(Event event, AlertSink out) {
    ProcessExec p = (ProcessExec) event;
    if (p.container().isHost() || p.origin() == ExecOrigin.HEALTHCHECK) {
      return;
    }
    String argv0 = p.args().isEmpty() ? "" : baseName(p.args().get(0));
    for (ToolClass tc : CLASSES) {
      String tool = match(tc.names(), p.name(), argv0, baseName(p.exePath()));
      if (tool != null) {
        if (isRepeat(p)) {
          return;
        }
        out.accept(alerts.create(p, tc.rule(), tc.priority(), tc.output(), tc.tags(), Map.of("vigil.tool", tool)));
        return;
      }
    }
  }

  /** True when the same command in the same container alerted less than the window ago (measured from that alert). */
  private boolean isRepeat(ProcessExec p) {
    String key = p.container().id() + '\0' + p.cmdline();
    java.time.Instant last = recent.get(key);
    if (last != null && Duration.between(last, p.time()).abs().compareTo(REPEAT_WINDOW) < 0) {
      return true;
    }
    recent.put(key, p.time());
    return false;
  }

  private static String match(Set<String> names, String... candidates) {
    for (String c : candidates) {
      if (!c.isEmpty() && names.contains(c)) {
        return c;
      }
    }
    return null;
  }

  static String baseName(String path) {
    int slash = path.lastIndexOf('/');
    return slash >= 0 ? path.substring(slash + 1) : path;
  }
}
