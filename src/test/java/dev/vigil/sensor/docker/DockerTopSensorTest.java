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
import org.junit.jupiter.api.Test;

/** Listings shaped like {@code docker top CONTAINER -o pid,ppid,uid,tty,comm,args} of Docker 20.10. */
class DockerTopSensorTest {

  private static final String[] TITLES = {"PID", "PPID", "UID", "TT", "COMMAND", "COMMAND"};
  private static final Instant NOW = Instant.parse("2026-11-29T08:43:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final long INIT = 13701;
  private static final long SHIM = 13681;
  private static final String HEALTH = "wget -q -O- http://127.0.0.1:1/ || true";

  private final DockerTopSensor.Seen seen = new DockerTopSensor.Seen();

  private static ContainerInfo container(List<String> healthcheck) {
    ContainerRef ref = new ContainerRef("23b5d328ee9943495312f5862d4f33d25a264a64c08b169021da557d8fcae0bd",
        "h3fixture", "vigil-test/busybox", "1", "");
    return new ContainerInfo(ref, "sha256:bcaf", Map.of(), "", false, List.of(), List.of(), List.of(), List.of(),
        Map.of(), 0, 0, 0, "overlay2", Map.of(), INIT, true, NOW, List.of("sleep", "600"), healthcheck, "no");
  }

  private static final ContainerInfo C = container(List.of("CMD-SHELL", HEALTH));

  private static String[] row(long pid, long ppid, int uid, String tty, String comm, String args) {
    return new String[] {String.valueOf(pid), String.valueOf(ppid), String.valueOf(uid), tty, comm, args};
  }

  private static String[][] rows(String[]... rs) {
    return rs;
  }

  private List<ProcessExec> diff(String[][] rows) {
    return DockerTopSensor.diff(C, TITLES, rows, seen, CLOCK);
  }

  private static final String[] INIT_ROW = row(INIT, SHIM, 0, "?", "sleep", "sleep 600");
  private static final String[] CHILD_ROW = row(13750, INIT, 1000, "?", "sh", "/bin/sh -c echo hi");

  @Test
  void diff_firstPoll_reportsEveryProcess() {
    List<ProcessExec> out = diff(rows(INIT_ROW, CHILD_ROW));

    assertThat(out).extracting(ProcessExec::pid).containsExactlyInAnyOrder(INIT, 13750L);
    ProcessExec init = out.stream().filter(p -> p.pid() == INIT).findFirst().orElseThrow();
    assertThat(init.ppid()).isEqualTo(SHIM);
    assertThat(init.uid()).isZero();
    assertThat(init.name()).isEqualTo("sleep");
    assertThat(init.args()).containsExactly("sleep", "600");
    assertThat(init.container()).isEqualTo(C.ref());
    assertThat(init.sensor()).isEqualTo("docker.top");
    assertThat(init.time()).isEqualTo(NOW);
    assertThat(init.execId()).isEmpty();
    ProcessExec child = out.stream().filter(p -> p.pid() == 13750).findFirst().orElseThrow();
    assertThat(child.uid()).isEqualTo(1000);
    assertThat(child.name()).isEqualTo("sh");
    assertThat(child.args()).containsExactly("/bin/sh", "-c", "echo", "hi");
  }

  @Test
  void diff_secondIdenticalPoll_reportsNothing() {
    diff(rows(INIT_ROW, CHILD_ROW));
    assertThat(diff(rows(INIT_ROW, CHILD_ROW))).isEmpty();
  }

  @Test
  void diff_newPid_reportsOnlyThatProcess() {
    diff(rows(INIT_ROW));
    List<ProcessExec> out = diff(rows(INIT_ROW, CHILD_ROW));
    assertThat(out).extracting(ProcessExec::pid).containsExactly(13750L);
  }

  @Test
  void diff_samePidWithNewArgs_reportsAgain() {
    diff(rows(INIT_ROW, CHILD_ROW));
    // sh exec()s into another program: same pid, new command line
    List<ProcessExec> out = diff(rows(INIT_ROW, row(13750, INIT, 1000, "?", "cat", "cat /etc/shadow")));
    assertThat(out).singleElement().satisfies(p -> {
      assertThat(p.pid()).isEqualTo(13750);
      assertThat(p.name()).isEqualTo("cat");
      assertThat(p.args()).containsExactly("cat", "/etc/shadow");
    });
  }

  @Test
  void diff_processGoneAndPidReusedWithSameArgs_isReportedAgain() {
    diff(rows(INIT_ROW, CHILD_ROW));
    diff(rows(INIT_ROW));
    assertThat(diff(rows(INIT_ROW, CHILD_ROW))).extracting(ProcessExec::pid).containsExactly(13750L);
  }

  @Test
  void diff_initProcessWithParentOutsideContainer_isContainerOrigin() {
    assertThat(diff(rows(INIT_ROW))).singleElement()
        .satisfies(p -> assertThat(p.origin()).isEqualTo(ExecOrigin.CONTAINER));
  }

  @Test
  void diff_descendantOfInit_isContainerOrigin() {
    List<ProcessExec> out = diff(rows(INIT_ROW, CHILD_ROW));
    assertThat(out).allSatisfy(p -> assertThat(p.origin()).isEqualTo(ExecOrigin.CONTAINER));
  }

  @Test
  void diff_parentOutsideContainerTree_isDockerExec() {
    String[] exec = row(13800, SHIM, 0, "pts/0", "sh", "sh");
    List<ProcessExec> out = diff(rows(INIT_ROW, exec));
    ProcessExec p = out.stream().filter(x -> x.pid() == 13800).findFirst().orElseThrow();
    assertThat(p.origin()).isEqualTo(ExecOrigin.DOCKER_EXEC);
  }

  @Test
  void diff_realListingWithExecAndHealthcheck_classifiesTopLevelProcesses() {
    // Docker 20.10: init, `docker exec -d sh -c 'sleep 30 || true'`, health-cmd 'sleep 3 || true'
    ContainerInfo c = container(List.of("CMD-SHELL", "sleep 3 || true"));
    String[][] listing = {
        {"13701", "13681", "0", "?", "sleep", "sleep 600"},
        {"13799", "13681", "0", "?", "sh", "sh -c sleep 30 || true"},
        {"13819", "13681", "0", "?", "sh", "/bin/sh -c sleep 3 || true"}};
    Map<Long, ExecOrigin> origins = new java.util.HashMap<>();
    for (ProcessExec p : DockerTopSensor.diff(c, TITLES, listing, seen, CLOCK)) {
      origins.put(p.pid(), p.origin());
    }
    assertThat(origins).containsOnly(Map.entry(13701L, ExecOrigin.CONTAINER),
        Map.entry(13799L, ExecOrigin.DOCKER_EXEC), Map.entry(13819L, ExecOrigin.HEALTHCHECK));
  }

  @Test
  void diff_parentOutsideWithHealthcheckArgs_isHealthcheck() {
    String[] probe = row(13900, SHIM, 0, "?", "sh", "/bin/sh -c " + HEALTH);
    List<ProcessExec> out = diff(rows(INIT_ROW, probe));
    ProcessExec p = out.stream().filter(x -> x.pid() == 13900).findFirst().orElseThrow();
    assertThat(p.origin()).isEqualTo(ExecOrigin.HEALTHCHECK);
  }

  @Test
  void diff_healthcheckArgsButParentInsideTree_isContainerOrigin() {
    String[] probe = row(13900, INIT, 0, "?", "sh", "/bin/sh -c " + HEALTH);
    ProcessExec p = diff(rows(INIT_ROW, probe)).stream().filter(x -> x.pid() == 13900).findFirst().orElseThrow();
    assertThat(p.origin()).isEqualTo(ExecOrigin.CONTAINER);
  }

  @Test
  void diff_cmdFormHealthcheck_matchesArgsAsGiven() {
    ContainerInfo c = container(List.of("CMD", "/bin/true", "--probe"));
    String[] probe = row(13900, SHIM, 0, "?", "true", "/bin/true --probe");
    List<ProcessExec> out = DockerTopSensor.diff(c, TITLES, rows(INIT_ROW, probe), seen, CLOCK);
    assertThat(out.stream().filter(x -> x.pid() == 13900).findFirst().orElseThrow().origin())
        .isEqualTo(ExecOrigin.HEALTHCHECK);
  }

  @Test
  void diff_noHealthcheckConfigured_outsideParentIsDockerExec() {
    ContainerInfo c = container(List.of());
    String[] probe = row(13900, SHIM, 0, "?", "sh", "/bin/sh -c " + HEALTH);
    List<ProcessExec> out = DockerTopSensor.diff(c, TITLES, rows(INIT_ROW, probe), seen, CLOCK);
    assertThat(out.stream().filter(x -> x.pid() == 13900).findFirst().orElseThrow().origin())
        .isEqualTo(ExecOrigin.DOCKER_EXEC);
  }

  @Test
  void diff_ttyQuestionMark_becomesEmpty() {
    assertThat(diff(rows(INIT_ROW))).singleElement().satisfies(p -> assertThat(p.tty()).isEmpty());
  }

  @Test
  void diff_realTty_isKept() {
    String[] exec = row(13800, SHIM, 0, "pts/0", "sh", "sh");
    ProcessExec p = diff(rows(INIT_ROW, exec)).stream().filter(x -> x.pid() == 13800).findFirst().orElseThrow();
    assertThat(p.tty()).isEqualTo("pts/0");
  }

  @Test
  void diff_commColumnIsNameNotArgv0() {
    // comm is the kernel's name (15 chars max), argv[0] may be a path
    String[] r = row(13750, INIT, 0, "?", "python3", "/usr/bin/python3 -c pass");
    ProcessExec p = diff(rows(INIT_ROW, r)).stream().filter(x -> x.pid() == 13750).findFirst().orElseThrow();
    assertThat(p.name()).isEqualTo("python3");
    assertThat(p.args()).containsExactly("/usr/bin/python3", "-c", "pass");
  }

  @Test
  void diff_nullListing_reportsNothingAndKeepsSeen() {
    diff(rows(INIT_ROW));
    assertThat(DockerTopSensor.diff(C, null, null, seen, CLOCK)).isEmpty();
    assertThat(seen.byPid).containsOnlyKeys(INIT);
  }

  @Test
  void diff_updatesSeenToCurrentListing() {
    diff(rows(INIT_ROW, CHILD_ROW));
    diff(rows(INIT_ROW));
    assertThat(seen.byPid).containsExactly(Map.entry(INIT, "sleep 600"));
  }
}
