package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ProcessExec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sensor derives from a process's /proc entry: name, stream types, writable-layer executable. */
class ExecReaderTest {

  @TempDir
  Path dir;

  @Test
  void displayName_isComm_unlessTheKernelOnlyNamedTheExecPath() {
    assertThat(ExecReader.displayName("wget", List.of("wget", "-q"))).isEqualTo("wget");
    // busybox re-executes applets through /proc/self/exe; fexecve leaves the descriptor number
    assertThat(ExecReader.displayName("exe", List.of("wget", "-q"))).isEqualTo("wget");
    assertThat(ExecReader.displayName("3", List.of("/usr/bin/payload"))).isEqualTo("payload");
    assertThat(ExecReader.displayName("exe", List.of("/opt/a-very-long-program-name"))).isEqualTo("a-very-long-pro");
    assertThat(ExecReader.displayName("exe", List.of())).isEqualTo("exe");
    assertThat(ExecReader.displayName("drop.sh", List.of("/bin/sh", "/tmp/drop.sh"))).isEqualTo("drop.sh");
  }

  @Test
  void fdType_ofLinkTargets() {
    assertThat(ExecReader.fdType("pipe:[1457543]")).isEqualTo("pipe");
    assertThat(ExecReader.fdType("/dev/pts/0")).isEqualTo("tty");
    assertThat(ExecReader.fdType("/dev/console")).isEqualTo("tty");
    assertThat(ExecReader.fdType("/dev/null")).isEqualTo("file");
    assertThat(ExecReader.fdType("/var/log/app.log (deleted)")).isEqualTo("file");
    assertThat(ExecReader.fdType("anon_inode:[eventfd]")).isEqualTo("event");
    assertThat(ExecReader.fdType("anon_inode:inotify")).isEqualTo("inotify");
    assertThat(ExecReader.fdType("/memfd:x (deleted)")).isEqualTo("memfd");
    assertThat(ExecReader.fdType("net:[4026531840]")).isEqualTo("net");
  }

  @Test
  void exeUpperLayer_fileInTheWritableLayer_deletedOrFileless() throws Exception {
    Path upper = Files.createDirectories(dir.resolve("diff"));
    Files.createDirectories(upper.resolve("tmp"));
    Files.writeString(upper.resolve("tmp/sleep"), "ELF");
    Files.createDirectories(upper.resolve("usr/bin/sub"));
    String u = upper.toString();

    assertThat(ExecReader.exeUpperLayer("/tmp/sleep", "/tmp/sleep", u)).isTrue();
    assertThat(ExecReader.exeUpperLayer("/bin/busybox", "/bin/busybox", u)).isFalse();
    assertThat(ExecReader.exeUpperLayer("/usr/bin/sub", "/usr/bin/sub", u)).isFalse(); // a directory
    assertThat(ExecReader.exeUpperLayer("/tmp/x (deleted)", "/tmp/x", "")).isTrue();
    assertThat(ExecReader.exeUpperLayer("/memfd:payload (deleted)", "/memfd:payload", u)).isTrue();
    assertThat(ExecReader.exeUpperLayer("/bin/busybox", "/bin/busybox", "")).isNull();
    assertThat(ExecReader.exeUpperLayer("", "", u)).isNull();
    assertThat(ExecReader.exeUpperLayer("/bin/sh", "/bin/sh", dir.resolve("gone").toString())).isNull();
  }

  @Test
  void capture_and_details_fromAFakeProc_socketFoundThroughAnotherProcessOfTheNetns() throws Exception {
    Path p = Files.createDirectories(dir.resolve("proc/50"));
    // Link targets that do not exist on the test host: they are paths inside a container.
    Files.createSymbolicLink(p.resolve("exe"), Path.of("/opt/image/bin/sh"));
    Files.write(p.resolve("cmdline"), "sh\0-i\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Files.createSymbolicLink(p.resolve("cwd"), Path.of("/srv/work"));
    Files.createDirectories(p.resolve("fd"));
    Files.createSymbolicLink(p.resolve("fd/0"), Path.of("socket:[1456932]"));
    Files.createSymbolicLink(p.resolve("fd/1"), Path.of("socket:[1456932]"));
    // The exec'd shell has no net/ of its own here (it exited); its parent 49 shares the network namespace.
    Path parentNet = Files.createDirectories(dir.resolve("proc/49/net"));
    Files.writeString(parentNet.resolve("tcp"), SocketTableTest.TCP);
    ExecReader reader = new ExecReader(new ProcFs(dir.resolve("proc")));

    ExecReader.Capture c = reader.capture(50);
    assertThat(c.exePath()).isEqualTo("/opt/image/bin/sh");
    assertThat(c.args()).containsExactly("sh", "-i");
    ProcessExec.Details d = reader.details(c, "", 50, 49);
    assertThat(d).isEqualTo(new ProcessExec.Details(null, "ipv4", "ipv4", "127.0.0.1:4444", "/srv/work"));

    ExecReader.Capture gone = reader.capture(51);
    assertThat(gone.exeLink()).isEmpty();
    assertThat(reader.details(gone, "", 51)).isEqualTo(new ProcessExec.Details(null, null, null, "", ""));
    assertThat(reader.capture(new long[] {50, 51})).extracting(ExecReader.Capture::exeLink)
        .containsExactly("/opt/image/bin/sh", "");
  }

  @Test
  void load_buildsANodeForAProcessTheTreeNeverSaw() throws Exception {
    Path p = Files.createDirectories(dir.resolve("proc/60"));
    Files.writeString(p.resolve("status"), ProcFsTest.STATUS);
    Files.writeString(p.resolve("stat"), ProcFsTest.STAT);
    Files.writeString(p.resolve("cgroup"), "0::/docker/x\n");
    Files.write(p.resolve("cmdline"), "sleep\0100\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Files.createSymbolicLink(p.resolve("exe"), Path.of("/opt/image/bin/busybox (deleted)"));
    ExecReader reader = new ExecReader(new ProcFs(dir.resolve("proc")));

    ProcessTree.Node n = reader.load(60, cgroup -> cgroup.contains("docker") ? "cid" : "");
    assertThat(n.ppid).isEqualTo(28202);
    assertThat(n.name).isEqualTo("sleep");
    assertThat(n.exe).isEqualTo("/opt/image/bin/busybox");
    assertThat(n.containerId).isEqualTo("cid");
    assertThat(n.nsPid).isEqualTo(1);
    assertThat(n.uid).isEqualTo(1000);
    assertThat(n.startTicks).isEqualTo(1163967);
    assertThat(reader.load(61, cgroup -> "")).isNull();
  }
}
