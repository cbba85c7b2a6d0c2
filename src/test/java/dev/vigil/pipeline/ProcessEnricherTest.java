package dev.vigil.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileOpen;
import dev.vigil.event.NetConnection;
import dev.vigil.event.ProcessExec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessEnricherTest {

  private static final ContainerRef C = new ContainerRef("c1", "web", "img", "1", "");
  private static final Instant T = Instant.EPOCH;

  @Test
  void fileOpenOfAnExitedProcess_getsTheNameOfItsExec() {
    ProcessEnricher en = new ProcessEnricher();
    en.enrich(new ProcessExec(T, C, "kernel.proc", 42, 1, "cat", "/bin/cat", List.of("cat", "/etc/shadow"), 0, "",
        "", ExecOrigin.CONTAINER, ""));
    FileOpen f = (FileOpen) en.enrich(new FileOpen(T, C, "kernel.fanotify", "/etc/shadow", FileOpen.Mode.READ, 42, ""));
    assertThat(f.procName()).isEqualTo("cat");
    NetConnection n = (NetConnection) en.enrich(new NetConnection(T, C, "kernel.net",
        NetConnection.Direction.OUTBOUND, "tcp", "127.0.0.1", 40000, "127.0.0.1", 80, 42, ""));
    assertThat(n.procName()).isEqualTo("cat");
  }

  @Test
  void knownNamesAreKept_unknownPidsStayUnnamed() {
    ProcessEnricher en = new ProcessEnricher();
    en.enrich(new ProcessExec(T, C, "kernel.proc", 42, 1, "cat", "", List.of("cat"), 0, "", "", ExecOrigin.CONTAINER,
        ""));
    assertThat(((FileOpen) en.enrich(new FileOpen(T, C, "s", "/x", FileOpen.Mode.READ, 42, "head"))).procName())
        .isEqualTo("head");
    assertThat(((FileOpen) en.enrich(new FileOpen(T, C, "s", "/x", FileOpen.Mode.READ, 7, ""))).procName()).isEmpty();
  }
}
