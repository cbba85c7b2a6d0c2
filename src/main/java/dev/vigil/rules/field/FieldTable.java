package dev.vigil.rules.field;

import dev.vigil.event.Capability;
import static dev.vigil.event.Capability.CORE;
import static dev.vigil.event.Capability.ENGINE_EVENTS;
import static dev.vigil.event.Capability.EXE_LAYER;
import static dev.vigil.event.Capability.FILE_CHANGE;
import static dev.vigil.event.Capability.FILE_OPEN;
import static dev.vigil.event.Capability.LOG;
import static dev.vigil.event.Capability.NETWORK;
import static dev.vigil.event.Capability.PROCESS;
import static dev.vigil.event.Capability.PROCESS_FDS;
import static dev.vigil.event.Capability.PROCESS_IDS;
import static dev.vigil.event.Capability.PROCESS_TREE;
import static dev.vigil.event.Capability.STATS;
import static dev.vigil.rules.field.FieldType.BOOL;
import static dev.vigil.rules.field.FieldType.DECIMAL;
import static dev.vigil.rules.field.FieldType.NUMBER;
import static dev.vigil.rules.field.FieldType.STRING;
import static dev.vigil.rules.field.FieldType.STRING_LIST;

import dev.vigil.common.Suggestions;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.EngineEvent;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.SensorNotice;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessChange;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The field table: every field a condition or output template may use, declared once with type, description,
 * capability and extractor. Validation, {@code vigil fields} and docs/FIELDS.md all read this table. Immutable and
 * thread-safe.
 */
public final class FieldTable {

  /** Field classes of Falco that Vigil recognises as Falco's, so a field it lacks is "unsupported", not a typo. */
  public static final Set<String> FALCO_CLASSES = Set.of("evt", "proc", "thread", "user", "group", "container",
      "fd", "fdlist", "fs", "k8s", "k8smeta", "ka", "jevt", "mesos", "span", "syslog", "ct", "aws", "s3", "okta",
      "github", "gcp", "cloudtrail", "json", "sinsp", "plugin", "proc_group", "falco", "kevt");

  /** proc.origin values, lower-cased once rather than on every event. */
  private static final String[] ORIGIN_NAMES = java.util.Arrays.stream(ExecOrigin.values())
      .map(o -> o.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

  private static final FieldTable STANDARD = build();

  private final Map<String, FieldDef> byName;

  private FieldTable(Map<String, FieldDef> byName) {
    this.byName = byName;
  }

  public static FieldTable standard() {
    return STANDARD;
  }

  public Optional<FieldDef> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** All fields in declaration order (grouped by class). */
  public Collection<FieldDef> all() {
    return byName.values();
  }

  /**
   * True when the name is a field Falco defines (from the catalog of Falco's field names shipped with Vigil), so a
   * missing definition here means "not supported by Vigil" rather than a typo. Without the catalog, any name of a
   * Falco field class counts.
   */
  public static boolean isFalcoClass(String field) {
    Set<String> names = FalcoFieldNames.NAMES;
    if (names.isEmpty()) {
      int dot = field.indexOf('.');
      return dot > 0 && FALCO_CLASSES.contains(field.substring(0, dot));
    }
    if (names.contains(field)) {
      return true;
    }
    for (int dot = field.lastIndexOf('.'); dot > 0; dot = field.lastIndexOf('.', dot - 1)) {
      if (names.contains(field.substring(0, dot) + ".*")) {
        return true;
      }
    }
    return false;
  }

  /** The declared field closest to a misspelt name (at most two edits away), or null. */
  public String closest(String name) {
    return Suggestions.nearest(byName.keySet(), name, 2);
  }

  /**
   * Every {@code evt.type} value Vigil produces, with the capability of the sensors that produce it and the source
   * it belongs to. Rules constrained to other types (ptrace, mmap, ...) can never fire and load disabled.
   */
  public static final Map<String, Capability> EVENT_TYPES = Map.ofEntries(
      Map.entry("execve", PROCESS), Map.entry("openat", FILE_CHANGE), Map.entry("unlinkat", FILE_CHANGE),
      Map.entry("connect", NETWORK), Map.entry("accept", NETWORK), Map.entry("listen", NETWORK),
      Map.entry("container", ENGINE_EVENTS), Map.entry("docker", ENGINE_EVENTS), Map.entry("log", LOG),
      Map.entry("stats", STATS), Map.entry("sensor", CORE), Map.entry("setuid", PROCESS_IDS),
      Map.entry("setgid", PROCESS_IDS), Map.entry("setsid", PROCESS_IDS));

  /** The event types of each source, for rules whose condition does not constrain {@code evt.type}. */
  public static final Map<String, Set<String>> SOURCE_TYPES = Map.of(
      "syscall", Set.of("execve", "setuid", "setgid", "setsid", "openat", "unlinkat", "connect", "accept",
          "listen"),
      "docker", Set.of("container", "docker"),
      "log", Set.of("log"),
      "stats", Set.of("stats"),
      "vigil", Set.of("sensor"));

  /** The process an event is about: the exec itself, or the process whose ids changed; null otherwise. */
  static ProcessExec process(Event e) {
    return e instanceof ProcessExec p ? p : e instanceof ProcessChange c ? c.process() : null;
  }

  /** The {@code evt.type} Vigil assigns to an event (Falco's syscall names where one fits). */
  public static String eventType(Event e) {
    switch (e.kind()) {
      case PROCESS_EXEC:
        return "execve";
      case PROCESS_CHANGE:
        switch (((ProcessChange) e).what()) {
          case SETUID:
            return "setuid";
          case SETGID:
            return "setgid";
          default:
            return "setsid";
        }
      case FILE_CHANGE:
        return ((FileChange) e).change() == FileChange.Kind.DELETED ? "unlinkat" : "openat";
      case FILE_OPEN:
        return "openat";
      case NETWORK:
        switch (((NetConnection) e).direction()) {
          case OUTBOUND:
            return "connect";
          case INBOUND:
            return "accept";
          default:
            return "listen";
        }
      case SENSOR:
        return "sensor";
      case LOG_LINE:
        return "log";
      case STATS:
        return "stats";
      case CONTAINER_LIFECYCLE:
        return "container";
      case ENGINE:
        return "docker";
      default:
        return "unknown";
    }
  }

  private static final class Builder {
    final Map<String, FieldDef> m = new LinkedHashMap<>();

    void add(String name, FieldType t, Capability cap, String desc, FieldDef.Extractor x) {
      m.put(name, new FieldDef(name, t, desc, FieldDef.Arg.NONE, cap, x));
    }

    void add(String name, FieldType t, Capability cap, FieldDef.Arg arg, String desc, FieldDef.Extractor x) {
      m.put(name, new FieldDef(name, t, desc, arg, cap, x));
    }

    /** A field of the process: of an exec, or of the process whose ids changed. */
    void proc(String name, FieldType t, Capability cap, String desc, Function<ProcessExec, Object> f) {
      add(name, t, cap, desc, (e, c, a) -> {
        ProcessExec p = process(e);
        return p == null ? null : f.apply(p);
      });
    }

    void container(String name, FieldType t, String desc, Function<ContainerInfo, Object> f) {
      add(name, t, CORE, desc, (e, c, a) -> {
        if (e.container().isHost()) {
          return null;
        }
        return c.containerInfo(e).map(f).orElse(null);
      });
    }

    void stats(String name, FieldType t, String desc, Function<StatsSample, Object> f) {
      add(name, t, STATS, desc, (e, c, a) -> e instanceof StatsSample s ? f.apply(s) : null);
    }

    void unsupported(String name, FieldType t, Capability cap, String desc) {
      add(name, t, cap, desc, (e, c, a) -> null);
    }
  }

  private static FieldTable build() {
    Builder b = new Builder();
    b.add("evt.type", STRING, CORE, "Event type: execve, setuid, setgid, setsid (process sensor), openat, unlinkat"
        + " (file sensors), connect, accept, listen (network sensor), container, docker, log, stats, sensor", (e, c, a) -> eventType(e));
    b.add("evt.time", NUMBER, CORE, "Event time, nanoseconds since the epoch",
        (e, c, a) -> e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
    b.add("evt.dir", STRING, CORE, "Event direction; always '<' (Vigil sees completed actions)", (e, c, a) -> "<");
    b.add("evt.source", STRING, CORE, "Event source: syscall, docker, log or stats", (e, c, a) -> e.kind().source());
    b.add("evt.is_open_write", BOOL, FILE_CHANGE, "True when a file was opened for writing (or created/changed)",
        (e, c, a) -> e instanceof FileChange f ? f.change() != FileChange.Kind.DELETED
            : e instanceof FileOpen o ? o.mode() == FileOpen.Mode.WRITE : null);
    b.add("evt.is_open_read", BOOL, FILE_OPEN, "True when a file was opened for reading (and closed unwritten)",
        (e, c, a) -> e instanceof FileOpen o ? o.mode() == FileOpen.Mode.READ : null);
    b.add("evt.is_open_exec", BOOL, FILE_OPEN, "True when a file was opened for execution",
        (e, c, a) -> e instanceof FileOpen o ? o.mode() == FileOpen.Mode.EXEC : null);
    b.add("vigil.sensor", STRING, CORE, "Name of the sensor that produced the event", (e, c, a) -> e.sensor());
    b.add("evt.found_at_start", BOOL, CORE, "True when the agent learnt of the event only at its start: a container"
        + " or process found running (assessed as if it had just started), or an engine event replayed from while"
        + " the agent was down", (e, c, a) -> e.foundAtStart());

    b.add("proc.name", STRING, PROCESS, "Process name (the kernel's comm, up to 15 characters)",
        (e, c, a) -> process(e) != null ? process(e).name() : e instanceof FileOpen o ? emptyToNull(o.procName())
            : e instanceof NetConnection n ? emptyToNull(n.procName()) : null);
    b.proc("proc.exe", STRING, PROCESS, "argv[0] as the process was started",
        p -> p.args().isEmpty() ? p.name() : p.args().get(0));
    b.proc("proc.exepath", STRING, PROCESS, "Full path of the executable, when known",
        p -> p.exePath().isEmpty() ? null : p.exePath());
    b.proc("proc.cmdline", STRING, PROCESS, "Process name followed by its arguments", ProcessExec::cmdline);
    b.proc("proc.args", STRING, PROCESS, "Arguments after argv[0], joined by spaces",
        p -> String.join(" ", p.args().subList(Math.min(1, p.args().size()), p.args().size())));
    b.add("proc.pid", NUMBER, PROCESS, "Process id (host pid namespace)",
        (e, c, a) -> positive(process(e) != null ? process(e).pid() : e instanceof FileOpen o ? o.pid()
            : e instanceof NetConnection n ? n.pid() : 0));
    b.proc("proc.ppid", NUMBER, PROCESS_TREE, "Parent process id", p -> p.ppid() > 0 ? p.ppid() : null);
    b.proc("proc.pname", STRING, PROCESS_TREE, "Parent process name",
        p -> p.ancestors().isEmpty() ? null : p.ancestors().get(0).name());
    b.proc("proc.pcmdline", STRING, PROCESS_TREE, "Parent process command line",
        p -> p.ancestors().isEmpty() ? null : p.ancestors().get(0).cmdline());
    b.add("proc.aname", STRING_LIST, PROCESS_TREE, FieldDef.Arg.OPTIONAL_INDEX,
        "Ancestor names: [0] is the process, [1] its parent, ...; without index, all ancestors",
        (e, c, a) -> process(e) != null ? ancestor(process(e), a, true) : null);
    b.add("proc.apid", NUMBER, PROCESS_TREE, FieldDef.Arg.OPTIONAL_INDEX,
        "Ancestor pids: [0] is the process, [1] its parent, ...",
        (e, c, a) -> process(e) != null ? ancestor(process(e), a, false) : null);
    b.proc("proc.tty", NUMBER, PROCESS, "Controlling terminal: 0 when none, non-zero when the process has one",
        p -> p.tty().isEmpty() ? 0L : 1L);
    b.proc("proc.origin", STRING, PROCESS, "How the process started: container, docker_exec, healthcheck, unknown",
        p -> ORIGIN_NAMES[p.origin().ordinal()]);
    b.proc("proc.exec_id", STRING, PROCESS, "Docker exec id of a process started by docker exec",
        p -> p.execId().isEmpty() ? null : p.execId());
    b.proc("proc.is_exe_upper_layer", BOOL, EXE_LAYER,
        "True when the executable is in the container's writable layer (not part of the image), or was deleted",
        p -> p.details() == null ? null : p.details().exeUpperLayer());
    b.proc("proc.stdin.type", STRING, PROCESS_FDS, "Type of fd 0: file, pipe, ipv4, ipv6, unix, tty, ...",
        p -> p.details() == null ? null : p.details().stdinType());
    b.proc("proc.stdout.type", STRING, PROCESS_FDS, "Type of fd 1: file, pipe, ipv4, ipv6, unix, tty, ...",
        p -> p.details() == null ? null : p.details().stdoutType());
    b.proc("proc.stdin.remote", STRING, PROCESS_FDS, "Remote ip:port of a socket on fd 0 or 1 (reverse shells)",
        p -> p.details() == null ? null : emptyToNull(p.details().stdinRemote()));
    b.proc("proc.cwd", STRING, PROCESS_FDS, "Working directory of the process",
        p -> p.details() == null ? null : emptyToNull(p.details().cwd()));
    b.proc("user.uid", NUMBER, PROCESS, "User id of the process", p -> p.uid() >= 0 ? p.uid() : null);
    b.add("evt.arg.uid", STRING, PROCESS_IDS, "setuid: the new real user id, as text (Falco renders this argument"
        + " as text too)",
        (e, c, a) -> e instanceof ProcessChange x && x.what() == ProcessChange.What.SETUID
            ? Long.toString(x.realId()) : null);
    b.add("vigil.euid", NUMBER, PROCESS_IDS, "setuid: the new effective user id",
        (e, c, a) -> e instanceof ProcessChange x && x.what() == ProcessChange.What.SETUID ? x.effectiveId() : null);
    b.add("evt.arg.gid", STRING, PROCESS_IDS, "setgid: the new real group id, as text",
        (e, c, a) -> e instanceof ProcessChange x && x.what() == ProcessChange.What.SETGID
            ? Long.toString(x.realId()) : null);
    b.add("vigil.prev_uid", NUMBER, PROCESS_IDS, "setuid: the real user id before the change, when known",
        (e, c, a) -> e instanceof ProcessChange x && x.what() == ProcessChange.What.SETUID && x.previousId() >= 0
            ? x.previousId() : null);
    b.proc("user.name", STRING, PROCESS, "User name of the process, when known",
        p -> !p.user().isEmpty() ? p.user() : p.uid() == 0 ? "root" : null);

    b.add("container.id", STRING, CORE, "Container id, 12 characters; 'host' for host events",
        (e, c, a) -> e.container().shortId());
    b.add("container.full_id", STRING, CORE, "Container id, 64 characters", (e, c, a) -> e.container().id());
    b.add("container.name", STRING, CORE, "Container name", (e, c, a) -> e.container().name());
    b.add("container.image", STRING, CORE, "Image as repository:tag", (e, c, a) -> e.container().image());
    b.add("container.image.repository", STRING, CORE, "Image repository",
        (e, c, a) -> e.container().imageRepository());
    b.add("container.image.tag", STRING, CORE, "Image tag", (e, c, a) -> e.container().imageTag());
    b.add("container.image.digest", STRING, CORE, "Image repository digest, when the image has one",
        (e, c, a) -> e.container().imageDigest().isEmpty() ? null : e.container().imageDigest());
    b.add("container.info", STRING, CORE, "Container summary for outputs: id, name and image",
        (e, c, a) -> "container_id=" + e.container().shortId() + " container_name=" + e.container().name()
            + " image=" + e.container().image());
    b.container("container.image.id", STRING, "Image content id (sha256:...)", ContainerInfo::imageId);
    b.container("container.privileged", BOOL, "True when the container runs privileged", ContainerInfo::privileged);
    b.container("container.user", STRING, "Configured user, empty for the image default", ContainerInfo::user);
    b.container("container.cap_add", STRING_LIST, "Capabilities added (--cap-add), as CAP_NAME",
        i -> normalizeCaps(i.capAdd()));
    b.container("container.cap_drop", STRING_LIST, "Capabilities dropped (--cap-drop), as CAP_NAME",
        i -> normalizeCaps(i.capDrop()));
    b.container("container.security_opt", STRING_LIST, "Security options (seccomp=, apparmor=, no-new-privileges)",
        ContainerInfo::securityOpt);
    b.container("container.mounts", STRING_LIST, "Mounts as source:destination:mode:rw|ro:propagation",
        i -> i.mounts().stream().map(m -> m.source() + ":" + m.destination() + ":" + m.type() + ":"
            + (m.readWrite() ? "rw" : "ro") + ":" + m.propagation()).toList());
    b.add("container.mount.source", STRING_LIST, CORE, FieldDef.Arg.OPTIONAL_KEY,
        "Mount sources; with [destination], the source mounted there",
        (e, c, a) -> c.containerInfo(e).map(i -> mountField(i, a, true)).orElse(null));
    b.add("container.mount.dest", STRING_LIST, CORE, FieldDef.Arg.OPTIONAL_KEY,
        "Mount destinations; with [source], where that source is mounted",
        (e, c, a) -> c.containerInfo(e).map(i -> mountField(i, a, false)).orElse(null));
    b.container("container.pid_mode", STRING, "PID namespace mode: empty (private) or host",
        i -> i.namespaces().getOrDefault("pid", ""));
    b.container("container.network_mode", STRING, "Network mode: none, host, bridge, a network name",
        i -> i.namespaces().getOrDefault("network", ""));
    b.container("container.ipc_mode", STRING, "IPC namespace mode", i -> i.namespaces().getOrDefault("ipc", ""));
    b.container("container.uts_mode", STRING, "UTS namespace mode", i -> i.namespaces().getOrDefault("uts", ""));
    b.container("container.userns_mode", STRING, "User namespace mode",
        i -> i.namespaces().getOrDefault("userns", ""));
    b.container("container.memory_limit", NUMBER, "Memory limit in bytes, 0 when none", ContainerInfo::memoryLimit);
    b.container("container.nano_cpus", NUMBER, "CPU limit in 1e-9 CPUs, 0 when none", ContainerInfo::nanoCpus);
    b.container("container.pids_limit", NUMBER, "Pids limit, 0 when none", ContainerInfo::pidsLimit);
    b.container("container.restart_policy", STRING, "Restart policy name", ContainerInfo::restartPolicy);
    b.container("container.healthcheck", STRING, "The HEALTHCHECK test, joined by spaces",
        i -> String.join(" ", i.healthcheck()));
    b.add("container.label", STRING, CORE, FieldDef.Arg.REQUIRED_KEY, "Value of the container label [key]",
        (e, c, a) -> c.containerInfo(e).map(i -> i.labels().get(a)).orElse(null));

    b.add("fd.name", STRING, FILE_CHANGE, "File path inside the container; for a socket, lip:lport->rip:rport",
        (e, c, a) -> e instanceof NetConnection n ? n.localIp() + ":" + n.localPort() + "->" + n.remoteIp() + ":"
            + n.remotePort() : path(e));
    b.add("fd.directory", STRING, FILE_CHANGE, "Directory of fd.name",
        (e, c, a) -> path(e) == null ? null : directory(path(e)));
    b.add("fd.filename", STRING, FILE_CHANGE, "Base name of fd.name",
        (e, c, a) -> path(e) == null ? null : path(e).substring(path(e).lastIndexOf('/') + 1));
    b.add("fd.typechar", STRING, FILE_CHANGE, "Descriptor type: f for files, 4 or 6 for IP sockets",
        (e, c, a) -> path(e) != null ? "f" : e instanceof NetConnection n ? (n.localIp().contains(":") ? "6" : "4")
            : null);
    b.add("fs.change", STRING, FILE_CHANGE, "What happened to the file: added, modified, deleted (docker diff) or"
        + " written (closed after writing)",
        (e, c, a) -> e instanceof FileChange f ? f.change().name().toLowerCase(Locale.ROOT)
            : e instanceof FileOpen o && o.mode() == FileOpen.Mode.WRITE ? "written" : null);
    b.unsupported("fd.num", NUMBER, FILE_OPEN, "Descriptor number");
    b.add("fd.sip", STRING, NETWORK, "Server IP address of a connection (local for accepted/listening sockets)",
        (e, c, a) -> e instanceof NetConnection n ? (n.direction() == NetConnection.Direction.OUTBOUND ? n.remoteIp()
            : n.localIp()) : null);
    b.add("fd.sport", NUMBER, NETWORK, "Server port of a connection",
        (e, c, a) -> e instanceof NetConnection n ? (long) (n.direction() == NetConnection.Direction.OUTBOUND
            ? n.remotePort() : n.localPort()) : null);
    b.add("fd.cip", STRING, NETWORK, "Client IP address of a connection (none for a listening socket)",
        (e, c, a) -> e instanceof NetConnection n ? (n.direction() == NetConnection.Direction.OUTBOUND ? n.localIp()
            : n.direction() == NetConnection.Direction.INBOUND ? n.remoteIp() : null) : null);
    b.add("fd.cport", NUMBER, NETWORK, "Client port of a connection",
        (e, c, a) -> e instanceof NetConnection n && n.direction() != NetConnection.Direction.LISTEN
            ? (long) (n.direction() == NetConnection.Direction.OUTBOUND ? n.localPort() : n.remotePort()) : null);
    b.add("fd.rip", STRING, NETWORK, "Remote IP address of a connection",
        (e, c, a) -> e instanceof NetConnection n ? emptyToNull(n.remoteIp()) : null);
    b.add("fd.rport", NUMBER, NETWORK, "Remote port of a connection",
        (e, c, a) -> e instanceof NetConnection n && n.remotePort() > 0 ? (long) n.remotePort() : null);
    b.add("fd.lip", STRING, NETWORK, "Local IP address of a connection",
        (e, c, a) -> e instanceof NetConnection n ? n.localIp() : null);
    b.add("fd.lport", NUMBER, NETWORK, "Local port of a connection",
        (e, c, a) -> e instanceof NetConnection n ? (long) n.localPort() : null);
    b.add("fd.l4proto", STRING, NETWORK, "Transport protocol: tcp, udp",
        (e, c, a) -> e instanceof NetConnection n ? n.l4proto() : null);
    b.add("fd.type", STRING, FILE_CHANGE, "Descriptor type: file, ipv4, ipv6",
        (e, c, a) -> path(e) != null ? "file" : e instanceof NetConnection n ? (n.localIp().contains(":") ? "ipv6"
            : "ipv4") : null);
    b.add("vigil.notice", STRING, CORE, "What a sensor reports about itself: overflow, unreadable, dropped, ...",
        (e, c, a) -> e instanceof SensorNotice n ? n.what() : null);
    b.add("vigil.count", NUMBER, CORE, "How many events a sensor notice is about",
        (e, c, a) -> e instanceof SensorNotice n ? n.count() : null);
    b.add("vigil.message", STRING, CORE, "A sensor notice's explanation",
        (e, c, a) -> e instanceof SensorNotice n ? n.message() : null);

    b.add("log.line", STRING, LOG, "A line the container wrote (cut at the sensor's bound)",
        (e, c, a) -> e instanceof LogLine l ? l.text() : null);
    b.add("log.stream", STRING, LOG, "stdout or stderr",
        (e, c, a) -> e instanceof LogLine l ? l.stream().name().toLowerCase(Locale.ROOT) : null);
    b.add("log.truncated", BOOL, LOG, "True when the line was longer than the bound and was cut",
        (e, c, a) -> e instanceof LogLine l ? l.truncated() : null);
    b.add("log.bytes", NUMBER, LOG, "Length of the whole line in bytes",
        (e, c, a) -> e instanceof LogLine l ? l.originalBytes() : null);

    b.stats("stats.cpu", DECIMAL, "CPU used over the interval, percent of one core", StatsSample::cpuPercent);
    b.stats("stats.memory", NUMBER, "Memory used, bytes (without page cache)", StatsSample::memoryBytes);
    b.stats("stats.memory_limit", NUMBER, "Memory limit seen by the container, bytes", StatsSample::memoryLimit);
    b.stats("stats.rx_bytes", NUMBER, "Network bytes received, cumulative", StatsSample::rxBytes);
    b.stats("stats.tx_bytes", NUMBER, "Network bytes sent, cumulative", StatsSample::txBytes);
    b.stats("stats.rx_rate", DECIMAL, "Network bytes received per second", StatsSample::rxRate);
    b.stats("stats.tx_rate", DECIMAL, "Network bytes sent per second", StatsSample::txRate);
    b.stats("stats.blk_read", NUMBER, "Block bytes read, cumulative", StatsSample::blockReadBytes);
    b.stats("stats.blk_write", NUMBER, "Block bytes written, cumulative", StatsSample::blockWriteBytes);
    b.stats("stats.pids", NUMBER, "Number of processes and threads", StatsSample::pids);

    b.add("docker.type", STRING, ENGINE_EVENTS, "Engine event object type: container, image, network, volume, ...",
        (e, c, a) -> e instanceof ContainerLifecycle ? "container" : e instanceof EngineEvent x ? x.type() : null);
    b.add("docker.action", STRING, ENGINE_EVENTS, "Engine event action: create, start, die, exec_start, pull, ...",
        (e, c, a) -> e instanceof ContainerLifecycle l ? l.action() : e instanceof EngineEvent x ? x.action() : null);
    b.add("docker.detail", STRING, ENGINE_EVENTS, "Text after the action (an exec's command, a health status)",
        (e, c, a) -> e instanceof ContainerLifecycle l ? l.detail() : null);
    b.add("docker.attr", STRING, ENGINE_EVENTS, FieldDef.Arg.REQUIRED_KEY, "Engine event attribute [key]",
        (e, c, a) -> e instanceof ContainerLifecycle l ? l.attributes().get(a)
            : e instanceof EngineEvent x ? x.attributes().get(a) : null);
    return new FieldTable(java.util.Collections.unmodifiableMap(b.m));
  }

  private static Object ancestor(ProcessExec p, String arg, boolean names) {
    if (arg == null) {
      List<String> out = new ArrayList<>(p.ancestors().size());
      for (ProcessExec.Ancestor a : p.ancestors()) {
        out.add(names ? a.name() : Long.toString(a.pid()));
      }
      return names ? out : (p.ancestors().isEmpty() ? null : p.ancestors().get(0).pid());
    }
    int n;
    try {
      n = Integer.parseInt(arg.trim());
    } catch (NumberFormatException e) {
      return null;
    }
    if (n == 0) {
      return names ? p.name() : (Object) p.pid();
    }
    if (n < 0 || n > p.ancestors().size()) {
      return null;
    }
    ProcessExec.Ancestor a = p.ancestors().get(n - 1);
    return names ? a.name() : (Object) a.pid();
  }

  private static List<String> normalizeCaps(List<String> caps) {
    List<String> out = new ArrayList<>(caps.size());
    for (String c : caps) {
      String u = c.toUpperCase(Locale.ROOT);
      out.add(u.startsWith("CAP_") || u.equals("ALL") ? u : "CAP_" + u);
    }
    return out;
  }

  private static Object mountField(ContainerInfo i, String arg, boolean source) {
    List<String> out = new ArrayList<>();
    for (ContainerInfo.Mount m : i.mounts()) {
      if (arg == null) {
        out.add(source ? m.source() : m.destination());
      } else if (source ? m.destination().equals(arg) : m.source().equals(arg)) {
        return source ? m.source() : m.destination();
      }
    }
    return arg == null ? out : null;
  }

  private static String path(Event e) {
    return e instanceof FileChange f ? f.path() : e instanceof FileOpen o ? o.path() : null;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static Long positive(long v) {
    return v > 0 ? v : null;
  }

  private static String directory(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }
}
