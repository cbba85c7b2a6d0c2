package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerInfo;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Exposes: children of a docker exec or HEALTHCHECK process are reported as CONTAINER. */
class DockerTopSensorOriginTest {

  @Test
  void diff_childrenOfExecAndHealthcheck_inheritTheirOrigin() {
    // real listing (Docker 20.10): init, `docker exec -d sh -c 'sleep 30 || true'`, health-cmd 'sleep 3 || true'
    String[] titles = {"PID", "PPID", "UID", "TT", "COMMAND", "COMMAND"};
    String[][] rows = {
        {"20752", "20733", "0", "?", "sleep", "sleep 600"},
        {"20799", "20733", "0", "?", "sh", "sh -c sleep 30 || true"},
        {"20804", "20799", "0", "?", "sleep", "sleep 30"},
        {"20819", "20733", "0", "?", "sh", "/bin/sh -c sleep 3 || true"},
        {"20826", "20819", "0", "?", "sleep", "sleep 3"}};
    Instant now = Instant.parse("2026-11-29T09:00:00Z");
    ContainerInfo c = new ContainerInfo(new ContainerRef("abc", "h3top", "vigil-test/busybox", "1", ""), "sha256:x",
        Map.of(), "", false, List.of(), List.of(), List.of(), List.of(), Map.of(), 0, 0, 0, "overlay2", Map.of(),
        20752, true, now, List.of("sleep", "600"), List.of("CMD-SHELL", "sleep 3 || true"), "no");

    Map<Long, ExecOrigin> origins = DockerTopSensor.diff(c, titles, rows, new DockerTopSensor.Seen(),
        Clock.fixed(now, ZoneOffset.UTC)).stream().collect(Collectors.toMap(ProcessExec::pid, ProcessExec::origin));

    assertThat(origins).containsEntry(20752L, ExecOrigin.CONTAINER)
        .containsEntry(20799L, ExecOrigin.DOCKER_EXEC)
        .containsEntry(20819L, ExecOrigin.HEALTHCHECK)
        .containsEntry(20804L, ExecOrigin.DOCKER_EXEC)
        .containsEntry(20826L, ExecOrigin.HEALTHCHECK);
  }
}
