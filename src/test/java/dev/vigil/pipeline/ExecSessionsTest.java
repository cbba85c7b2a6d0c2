package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecSessionsTest {

  private static final ContainerRef C = new ContainerRef("c1", "web", "nginx", "1", "");
  private static final ContainerRef OTHER = new ContainerRef("c2", "db", "pg", "1", "");
  private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
  private static final String SESSION = "sh -c sleep 1; wget x";

  private final ExecSessions sessions = new ExecSessions();

  private static ProcessExec kernel(ContainerRef c, long pid, String cmdline, ExecOrigin origin, Instant t,
      ProcessExec.Ancestor... up) {
    return new ProcessExec(t, c, "kernel.proc", pid, up.length > 0 ? up[0].pid() : 1, cmdline.split(" ")[0], "/bin/x",
        List.of(cmdline.split(" ")), 0, "", "", origin, "", List.of(up));
  }

  private static ProcessExec kernel(long pid, String cmdline, ProcessExec.Ancestor... up) {
    return kernel(C, pid, cmdline, ExecOrigin.DOCKER_EXEC, T, up);
  }

  private static ProcessExec engine(ContainerRef c, String cmdline, String execId, Instant t) {
    return new ProcessExec(t, c, "docker.events", 0, 0, cmdline.split(" ")[0], "", List.of(cmdline.split(" ")), -1, "", "",
        ExecOrigin.DOCKER_EXEC, execId);
  }

  private static String execId(Event e) {
    return ((ProcessExec) e).execId();
  }

  @Test
  void engineFirst_rootAndChildrenAndInPlaceExecGetTheExecId() {
    sessions.annotate(engine(C, SESSION, "e1", T));
    assertThat(execId(sessions.annotate(kernel(100, SESSION)))).as("root").isEqualTo("e1");
    assertThat(execId(sessions.annotate(kernel(101, "sleep 1", new ProcessExec.Ancestor(100, "sh", SESSION)))))
        .as("child").isEqualTo("e1");
    assertThat(execId(sessions.annotate(kernel(102, "cat f", new ProcessExec.Ancestor(101, "sh", "sh"),
        new ProcessExec.Ancestor(100, "sh", SESSION))))).as("grandchild").isEqualTo("e1");
    assertThat(execId(sessions.annotate(kernel(100, "wget x")))).as("the root replaced by exec").isEqualTo("e1");
  }

  @Test
  void kernelFirst_theRootGoesOutWithout_itsChildrenGetIt() {
    assertThat(execId(sessions.annotate(kernel(100, SESSION)))).isEmpty();
    sessions.annotate(engine(C, SESSION, "e1", T.plusMillis(20)));
    assertThat(execId(sessions.annotate(kernel(101, "sleep 1", new ProcessExec.Ancestor(100, "sh", SESSION)))))
        .isEqualTo("e1");
  }

  @Test
  void noPairing_acrossContainers_otherOrigins_orOutsideTheWindow() {
    sessions.annotate(engine(C, SESSION, "e1", T));
    assertThat(execId(sessions.annotate(kernel(OTHER, 100, SESSION, ExecOrigin.DOCKER_EXEC, T)))).isEmpty();
    assertThat(execId(sessions.annotate(kernel(C, 100, SESSION, ExecOrigin.HEALTHCHECK, T)))).isEmpty();
    assertThat(execId(sessions.annotate(kernel(C, 100, SESSION, ExecOrigin.DOCKER_EXEC,
        T.plus(ExecSessions.WINDOW).plusSeconds(1))))).isEmpty();
    assertThat(execId(sessions.annotate(kernel(200, "sleep 1", new ProcessExec.Ancestor(199, "sh", "sh")))))
        .as("unknown session").isEmpty();
  }

  @Test
  void memoryIsBounded_oldestSessionsForgotten() {
    for (int i = 1; i <= ExecSessions.MAX + 10; i++) {
      sessions.annotate(engine(C, "cmd " + i, "e" + i, T));
      sessions.annotate(kernel(i, "cmd " + i));
    }
    assertThat(sessions.size()).isEqualTo(ExecSessions.MAX);
    assertThat(execId(sessions.annotate(kernel(5000, "a", new ProcessExec.Ancestor(1, "sh", "cmd 1")))))
        .isEmpty();
    int last = ExecSessions.MAX + 10;
    assertThat(execId(sessions.annotate(kernel(5001, "a", new ProcessExec.Ancestor(last, "sh", "cmd " + last)))))
        .isEqualTo("e" + last);
  }
}
