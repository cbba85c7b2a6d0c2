package dev.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event text is cut to the documented sizes before the rules see it, and every cut is counted. */
class InputLimitsTest {

  private static final ContainerRef C = new ContainerRef("bbbbbbbbbbbb", "c", "img", "1", "");
  private final Metrics metrics = Metrics.inMemory();
  private final InputLimits limits = new InputLimits(metrics);

  private static ProcessExec exec(String exePath, List<String> argv, List<ProcessExec.Ancestor> ancestors) {
    return new ProcessExec(Instant.EPOCH, C, "test", 10, 1, argv.get(0), exePath, argv, 0, "root", "",
        ExecOrigin.CONTAINER, "", ancestors, new ProcessExec.Details(null, null, null, "", "/" + "d".repeat(5000)));
  }

  private long cuts(String what) {
    return metrics.count(InputLimits.METRIC, "what", what);
  }

  @Test
  void theIssuesHostileArgv_isCutTo8KiB_andCounted() {
    ProcessExec p = exec("/bin/sh", List.of("sh", ";" + " ".repeat(100_000) + "/var/log/"), List.of());

    ProcessExec cut = (ProcessExec) limits.cut(p);

    assertThat(String.join(" ", cut.args())).hasSize(InputLimits.Limit.ARGV.maxChars);
    assertThat(cut.args().get(1)).startsWith("; ").doesNotContain("/var/log/");
    assertThat(cut.details().cwd()).hasSize(InputLimits.Limit.PATH.maxChars);
    assertThat(cuts("argv")).isEqualTo(1);
    assertThat(cuts("path")).isEqualTo(1);
  }

  @Test
  void manyArguments_areCappedAt1024() {
    ProcessExec p = exec("/bin/echo", Collections.nCopies(5_000, "a"), List.of());

    assertThat(((ProcessExec) limits.cut(p)).args()).hasSize(InputLimits.MAX_ARGS);
    assertThat(cuts("argv")).isEqualTo(1);
  }

  @Test
  void ancestorsCommandLinesAndExecutablePath_areCut() {
    ProcessExec p = exec("/" + "x".repeat(9_000), List.of("x"),
        List.of(new ProcessExec.Ancestor(1, "sh", "sh -c " + "y".repeat(20_000))));

    ProcessExec cut = (ProcessExec) limits.cut(p);

    assertThat(cut.exePath()).hasSize(4_096);
    assertThat(cut.ancestors().get(0).cmdline()).hasSize(8_192).startsWith("sh -c y");
    assertThat(cuts("ancestor_cmdline")).isEqualTo(1);
    assertThat(cuts("path")).isEqualTo(2);
  }

  @Test
  void pathsAndLogLines_areCut_andALogLineSaysSo() {
    String longPath = "/tmp/" + "p/".repeat(3_000);
    FileChange f = (FileChange) limits.cut(new FileChange(Instant.EPOCH, C, "t", longPath, FileChange.Kind.ADDED));
    FileOpen o = (FileOpen) limits.cut(new FileOpen(Instant.EPOCH, C, "t", longPath, FileOpen.Mode.READ, 1, "cat"));
    LogLine l = (LogLine) limits.cut(new LogLine(Instant.EPOCH, C, "t", LogLine.Stream.STDOUT, "z".repeat(70_000),
        false, 70_000));

    assertThat(f.path()).hasSize(4_096).isEqualTo(longPath.substring(0, 4_096));
    assertThat(o.path()).hasSize(4_096);
    assertThat(l.text()).hasSize(65_536);
    assertThat(l.truncated()).isTrue();
    assertThat(cuts("path")).isEqualTo(2);
    assertThat(cuts("log_line")).isEqualTo(1);
  }

  @Test
  void eventsWithinTheLimits_passUnchanged_andUncounted() {
    Event p = new ProcessExec(Instant.EPOCH, C, "test", 10, 1, "sh", "/bin/sh", List.of("sh", "-c", "id"), 0,
        "root", "", ExecOrigin.CONTAINER, "", List.of());
    Event f = new FileChange(Instant.EPOCH, C, "t", "/etc/passwd", FileChange.Kind.MODIFIED);

    assertThat(limits.cut(p)).isSameAs(p);
    assertThat(limits.cut(f)).isSameAs(f);
    assertThat(metrics.registry().find(InputLimits.METRIC).counters()).isEmpty();
  }

  @Test
  void aSurrogatePairIsNeverSplit() {
    String path = "/" + "a".repeat(4_094) + "\uD83D\uDE00tail";
    FileChange f = (FileChange) limits.cut(new FileChange(Instant.EPOCH, C, "t", path, FileChange.Kind.ADDED));

    assertThat(f.path()).hasSize(4_095).doesNotContain("\uD83D");
  }
}
