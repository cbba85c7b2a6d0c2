package dev.vigil.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerLifecycle;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileChange;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {

  private static final ContainerRef REF = new ContainerRef("a".repeat(64), "web", "nginx", "1.25", "");
  private static final Instant T = Instant.parse("2026-11-29T08:00:00.123456789Z");

  static ContainerInfo info() {
    return new ContainerInfo(REF, "sha256:abc", Map.of("k", "v \"q\""), "", true, List.of("CAP_SYS_ADMIN"),
        List.of(), List.of("seccomp=unconfined"),
        List.of(new ContainerInfo.Mount("bind", "/var/run/docker.sock", "/var/run/docker.sock", true, "rprivate")),
        Map.of("pid", "host"), 0, 0, 0, "overlay2", Map.of("UpperDir", "/x"), 42, true, T, List.of("sh"),
        List.of(), "no");
  }

  @Test
  void recordThenRead_everyEventKindAndTheContainerRecordRoundTrip(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events.jsonl");
    List<Event> events = List.of(
        new ProcessExec(T, REF, "docker.top", 7, 1, "wget", "/bin/busybox", List.of("wget", "-q", "http://x/\u001b"),
            0, "root", "pts/0", ExecOrigin.DOCKER_EXEC, "e1", List.of(new ProcessExec.Ancestor(1, "sh", "sh -c x"))),
        new dev.vigil.event.ProcessChange(T, REF, "kernel.proc", dev.vigil.event.ProcessChange.What.SETUID, 1000, 0, 0,
            new ProcessExec(T, REF, "kernel.proc", 8, 7, "esc", "/tmp/esc", List.of("/tmp/esc"), 0, "", "",
                ExecOrigin.CONTAINER, "", List.of(), null)),
        new FileChange(T, REF, "docker.diff", "/etc/passwd", FileChange.Kind.MODIFIED),
        new LogLine(T, REF, "docker.logs", LogLine.Stream.STDERR, "bad \uFFFD line", true, 20_000),
        new StatsSample(T, REF, "docker.stats", 99.5, 1, 2, 3, 4, 5.5, 6.5, 7, 8, 9),
        new ContainerLifecycle(T, REF, "docker.events", "start", "", Map.of("image", "nginx:1.25")),
        new dev.vigil.event.FileOpen(T, REF, "kernel.fanotify", "/etc/shadow", dev.vigil.event.FileOpen.Mode.READ, 9,
            "cat"),
        new dev.vigil.event.NetConnection(T, REF, "kernel.net", dev.vigil.event.NetConnection.Direction.OUTBOUND,
            "tcp", "127.0.0.1", 40000, "127.0.0.1", 8080, 9, "wget"),
        new dev.vigil.event.SensorNotice(T, REF, "kernel.net", "connect_attempts", 300, "active_opens=300"));
    FixedDirectory containers = new FixedDirectory(info());
    try (EventRecorder rec = EventRecorder.open(file, new dev.vigil.common.Metrics(
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))) {
      events.forEach(e -> rec.record(e, containers));
    }
    EventLog log = new EventLog();
    List<Event> back = new ArrayList<>();
    List<EventLog.BadLine> bad;
    try (BufferedReader in = Files.newBufferedReader(file)) {
      bad = log.read(in, back::add);
    }
    assertThat(bad).isEmpty();
    assertThat(back).isEqualTo(events);
    assertThat(log.find(REF.id())).contains(info());
    // The container record is written once, before the first event of the container.
    assertThat(Files.readAllLines(file)).hasSize(events.size() + 1);
    assertThat(Files.readAllLines(file).get(0)).startsWith("{\"record\":\"container\"");
  }

  @Test
  void everyEventKind_hasARecordedForm() {
    com.fasterxml.jackson.annotation.JsonSubTypes types =
        EventJson.EventMixin.class.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
    List<Class<?>> registered = java.util.Arrays.stream(types.value())
        .map(com.fasterxml.jackson.annotation.JsonSubTypes.Type::value).toList();
    assertThat(registered).containsExactlyInAnyOrder(Event.class.getPermittedSubclasses());
  }

  @Test
  void read_badLinesAreSkippedAndReportedWithTheirNumbers() throws Exception {
    String text = "not json\n\n{\"record\":\"event\",\"event\":{\"type\":\"nope\"}}\n"
        + "{\"record\":\"event\",\"event\":{\"type\":\"file\",\"time\":\"2026-11-29T08:00:00Z\",\"container\":"
        + "{\"id\":\"c1\",\"name\":\"n\",\"imageRepository\":\"r\",\"imageTag\":\"t\",\"imageDigest\":\"\"},"
        + "\"sensor\":\"s\",\"path\":\"/etc/x\",\"change\":\"ADDED\"}}\n";
    List<Event> back = new ArrayList<>();
    List<EventLog.BadLine> bad = new EventLog().read(new BufferedReader(new StringReader(text)), back::add);
    assertThat(bad).extracting(EventLog.BadLine::number).containsExactly(1L, 3L);
    assertThat(back).singleElement().isInstanceOf(FileChange.class);
    assertThat(((FileChange) back.get(0)).path()).isEqualTo("/etc/x");
  }

  /** A directory holding one container. */
  private record FixedDirectory(ContainerInfo info) implements dev.vigil.event.ContainerDirectory {
    @Override
    public Optional<ContainerInfo> find(String containerId) {
      return info.ref().id().equals(containerId) ? Optional.of(info) : Optional.empty();
    }

    @Override
    public ContainerRef resolve(String containerId) {
      return info.ref();
    }
  }
}
