package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.OutputTemplate;
import dev.vigil.alert.Priority;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.Capability;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Shared fixture of the DefaultRules*Test classes: the built-in rules loaded with every sensor assumed, a fake
 * container inventory, builders for the events the Docker sensors produce, and helpers that run an event through a
 * {@link RuleEngine} and check what fired.
 */
final class DefaultRulesFixture {

  static final Instant T = Instant.parse("2024-05-01T10:15:30Z");

  /** The container the positive events happen in. */
  static final ContainerRef WEB = new ContainerRef(
      "3f4e9a1b2c7d8e6f50a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef", "shop-web",
      "registry.example.com/shop/web", "1.4.2", "sha256:0b1c2d");

  /** The built-in rules compiled as if every sensor ran. */
  static final LoadResult ALL = RulesLoader.load(true, List.of(),
      new RuleCompiler.Options(Capability.all(), List.of(), List.of(), Priority.DEBUG));

  /**
   * The rules that need a sensor the Docker-API foundation lacks (file reads, socket fds, the exe layer), with the
   * field that needs it. Their positive cases use the kernel sensors' events: FileOpen and ProcessExec.Details.
   */
  static final Map<String, String> SENSOR_GATED = Map.of(
      "Drop and execute new binary in container", "field proc.is_exe_upper_layer",
      "Reverse shell in container", "field proc.stdin.type",
      "Read sensitive file in container", "field evt.is_open_read",
      "Read private key in container", "field evt.is_open_read",
      "Process became root in container", "evt.type setuid");

  private DefaultRulesFixture() {}

  /** A positive or benign case: the rule it is about and the event (with the container record, if any). */
  record Case(String rule, Event event, ContainerInfo info) {

    Arguments args(String label) {
      return Arguments.of(rule, Named.of(label, this));
    }
  }

  static Case fires(String rule, Event e) {
    return new Case(rule, e, config().build(e.container()));
  }

  static Case fires(String rule, Event e, ContainerInfo info) {
    return new Case(rule, e, info);
  }

  // ------------------------------------------------------------------ running rules

  /** Inventory keyed by full id, as the real inventory; it knows nothing about {@link ContainerRef#HOST}. */
  static final class Directory implements ContainerDirectory {
    private final Map<String, ContainerInfo> byId = new HashMap<>();

    Directory with(ContainerInfo info) {
      if (info != null && !info.ref().isHost()) {
        byId.put(info.ref().id(), info);
      }
      return this;
    }

    @Override
    public Optional<ContainerInfo> find(String containerId) {
      return Optional.ofNullable(byId.get(containerId));
    }

    @Override
    public ContainerRef resolve(String containerId) {
      ContainerInfo i = byId.get(containerId);
      return i != null ? i.ref() : ContainerRef.unresolved(containerId);
    }
  }

  static List<Alert> run(LoadResult rules, Event e, ContainerInfo info) {
    List<Alert> out = new ArrayList<>();
    new RuleEngine(rules, new Directory().with(info)).process(e, out::add);
    return out;
  }

  static List<Alert> run(Case c) {
    return run(ALL, c.event(), c.info());
  }

  static List<Alert> run(Event e) {
    return run(ALL, e, e.container().isHost() ? null : config().build(e.container()));
  }

  static Set<String> names(List<Alert> alerts) {
    return alerts.stream().map(Alert::rule).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** The case fires its rule, and that alert's output names the container and has every field it prints. */
  static void assertFires(Case c) {
    List<Alert> alerts = run(c);
    assertThat(names(alerts)).as("rules fired by %s", c.event()).contains(c.rule());
    Alert a = alerts.stream().filter(x -> x.rule().equals(c.rule())).findFirst().orElseThrow();
    String output = a.output();
    for (String absent : notCarried(c.event())) {
      output = output.replace(absent + "=" + OutputTemplate.NA, "");
    }
    assertThat(a.output()).as("output of '%s'", c.rule())
        .contains("container=" + c.event().container().name())
        .contains(c.event().container().imageRepository() + ":" + c.event().container().imageTag());
    assertThat(output).as("output of '%s' (fields the event carries)", c.rule()).doesNotContain(OutputTemplate.NA);
    assertThat(a.priority()).isEqualTo(rule(c.rule()).priority());
  }

  /**
   * Output labels of fields the event cannot carry: a top-level docker exec has no parent inside the container, only docker exec sessions have an exec id; the
   * file sensor knows the process name and pid of an open, not its command line nor a docker-diff change kind.
   */
  static List<String> notCarried(Event e) {
    if (e instanceof ProcessExec p) {
      List<String> out = new java.util.ArrayList<>();
      if (p.ancestors().isEmpty()) {
        out.addAll(List.of("parent", "pcmdline"));
      }
      if (p.execId().isEmpty()) {
        out.add("exec_id"); // only processes of a docker exec session have one
      }
      return out;
    }
    if (e instanceof FileOpen) {
      return List.of("command", "change");
    }
    return List.of();
  }

  static void assertQuiet(Case c) {
    assertThat(names(run(c))).as("rules fired by %s", c.event()).doesNotContain(c.rule());
  }

  /** The same event on the host: no container rule may fire (all default rules are container rules). */
  static void assertQuietOnHost(Case c) {
    Event onHost = c.event().withContainer(ContainerRef.HOST);
    assertThat(names(run(ALL, onHost, null))).as("rules fired by %s", onHost).isEmpty();
  }

  static CompiledRule rule(String name) {
    return ALL.rules().stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no rule named '" + name + "' in the default rules"));
  }

  // ------------------------------------------------------------------ processes

  static Proc proc(String... argv) {
    return new Proc(argv);
  }

  /** Builds a {@link ProcessExec} as the docker.top / docker.events sensors do. Defaults: entrypoint tree, root. */
  static final class Proc {
    private final List<String> argv;
    private String name;
    private String exePath = "";
    private long uid = 0;
    private String user = "root";
    private String tty = "";
    private ExecOrigin origin = ExecOrigin.CONTAINER;
    private String execId = "";
    private String sensor = "docker.top";
    private ContainerRef container = WEB;
    private final List<ProcessExec.Ancestor> ancestors = new ArrayList<>();
    private ProcessExec.Details details;

    Proc(String... argv) {
      this.argv = List.of(argv);
      String base = argv[0].substring(argv[0].lastIndexOf('/') + 1);
      this.name = base.length() > 15 ? base.substring(0, 15) : base; // the kernel's comm
      parent("tini", "tini -- /docker-entrypoint.sh");
    }

    /** Replaces the default parent with {@code name}; further calls add grandparents. */
    Proc parent(String pname, String cmdline) {
      if (ancestors.size() == 1 && ancestors.get(0).name().equals("tini") && !pname.equals("tini")) {
        ancestors.clear();
      }
      ancestors.add(new ProcessExec.Ancestor(1000L + ancestors.size(), pname, cmdline));
      return this;
    }

    Proc orphan() {
      ancestors.clear();
      return this;
    }

    Proc name(String comm) {
      this.name = comm;
      return this;
    }

    Proc exe(String path) {
      this.exePath = path;
      return this;
    }

    Proc tty(String t) {
      this.tty = t;
      return this;
    }

    Proc user(long id, String userName) {
      this.uid = id;
      this.user = userName;
      return this;
    }

    /** Started by {@code docker exec}, as reported by the events sensor. */
    Proc dockerExec() {
      this.origin = ExecOrigin.DOCKER_EXEC;
      this.execId = "8c1e0f3a9b2d4c5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
      this.sensor = "docker.events";
      ancestors.clear();
      return this;
    }

    /** Started by the engine for the container's HEALTHCHECK (or below such a process). */
    Proc healthcheck() {
      this.origin = ExecOrigin.HEALTHCHECK;
      ancestors.removeIf(a -> a.name().equals("tini"));
      return this;
    }

    /** What the kernel process sensor read from /proc: the executable's layer and the standard streams. */
    Proc details(Boolean exeUpperLayer, String stdinType, String stdoutType, String remote) {
      this.details = new ProcessExec.Details(exeUpperLayer, stdinType, stdoutType, remote, "/");
      this.sensor = "kernel.proc";
      return this;
    }

    Proc in(ContainerRef ref) {
      this.container = ref;
      return this;
    }

    ProcessExec build() {
      return new ProcessExec(T, container, sensor, 4242, ancestors.isEmpty() ? 0 : ancestors.get(0).pid(), name,
          exePath, argv, uid, user, tty, origin, execId, ancestors, details);
    }
  }

  // ------------------------------------------------------------------ files and logs

  static FileChange added(String path) {
    return new FileChange(T, WEB, "docker.diff", path, FileChange.Kind.ADDED);
  }

  static FileChange modified(String path) {
    return new FileChange(T, WEB, "docker.diff", path, FileChange.Kind.MODIFIED);
  }

  static FileChange deleted(String path) {
    return new FileChange(T, WEB, "docker.diff", path, FileChange.Kind.DELETED);
  }

  static FileOpen opened(String path, FileOpen.Mode mode, String procName) {
    return new FileOpen(T, WEB, "kernel.fanotify", path, mode, 4343, procName);
  }

  static LogLine log(String text) {
    return new LogLine(T, WEB, "docker.logs", LogLine.Stream.STDOUT, text, false,
        text.getBytes(StandardCharsets.UTF_8).length);
  }

  // ------------------------------------------------------------------ containers

  static ContainerLifecycle started() {
    return lifecycle("start");
  }

  static ContainerLifecycle lifecycle(String action) {
    return new ContainerLifecycle(T, WEB, "docker.events", action, "", Map.of());
  }

  static Config config() {
    return new Config();
  }

  /** A container record as InspectMapper builds it; the defaults are those of a plain {@code docker run}. */
  static final class Config {
    private boolean privileged;
    private List<String> capAdd = List.of();
    private List<String> securityOpt = List.of();
    private final List<ContainerInfo.Mount> mounts = new ArrayList<>();
    private final Map<String, String> namespaces = new LinkedHashMap<>(Map.of(
        "pid", "", "network", "bridge", "ipc", "private", "uts", "", "userns", ""));

    Config privileged() {
      this.privileged = true;
      return this;
    }

    Config capAdd(String... caps) {
      this.capAdd = Arrays.asList(caps);
      return this;
    }

    Config securityOpt(String... opts) {
      this.securityOpt = Arrays.asList(opts);
      return this;
    }

    Config bind(String source, String destination) {
      mounts.add(new ContainerInfo.Mount("bind", source, destination, true, "rprivate"));
      return this;
    }

    Config volume(String name, String destination) {
      mounts.add(new ContainerInfo.Mount("volume", "/var/lib/docker/volumes/" + name + "/_data", destination, true,
          ""));
      return this;
    }

    Config namespace(String kind, String mode) {
      namespaces.put(kind, mode);
      return this;
    }

    ContainerInfo build(ContainerRef ref) {
      return new ContainerInfo(ref, "sha256:5d0da3dc9764", Map.of("com.example.team", "shop"), "", privileged,
          capAdd, List.of(), securityOpt, mounts, namespaces, 512L << 20, 1_000_000_000L, 256, "overlay2",
          Map.of("UpperDir", "/var/lib/docker/overlay2/abc/diff", "MergedDir", "/var/lib/docker/overlay2/abc/merged"),
          31337, true, T.minusSeconds(1), List.of("/docker-entrypoint.sh"),
          List.of("CMD-SHELL", "wget -q --spider http://localhost:8080/health"), "unless-stopped");
    }

    Case starts(String rule) {
      return new Case(rule, started(), build(WEB));
    }
  }
}
