package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /proc parsers on real-looking samples, and the readers on a fake /proc that loses a process. */
class ProcFsTest {

  /** /proc/<pid>/status of a container's init on this host (head; NSpid shows host pid then container pid). */
  static final String STATUS = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t28224\nNgid:\t0\n"
      + "Pid:\t28224\nPPid:\t28202\nTracerPid:\t0\nUid:\t1000\t1001\t1002\t1003\nGid:\t0\t0\t0\t0\nFDSize:\t64\n"
      + "Groups:\t0 \nNStgid:\t28224\t1\nNSpid:\t28224\t1\nNSpgid:\t28224\t1\nNSsid:\t28224\t1\nKthread:\t0\n"
      + "VmPeak:\t    2268 kB\n";
  static final String STAT = "28224 (sleep) S 28202 28224 28224 0 -1 4194560 1061 0 0 0 1 1 0 0 20 0 1 0 1163967 "
      + "2322432 316 18446744073709551615 4198400 5785993 140734018557088 0 0 0 0 0 0 1 0 0 17 0 0 0 0 0 0\n";

  @TempDir
  Path root;

  @Test
  void parseCmdline_nulSeparated_keepsEmptyArgs_toleratesMissingFinalNul() {
    assertThat(ProcFs.parseCmdline(bytes("sh\0-c\0echo a b\0"))).containsExactly("sh", "-c", "echo a b");
    assertThat(ProcFs.parseCmdline(bytes("prog\0\0x\0"))).containsExactly("prog", "", "x");
    assertThat(ProcFs.parseCmdline(bytes("nginx: worker process"))).containsExactly("nginx: worker process");
    assertThat(ProcFs.parseCmdline(new byte[0])).isEmpty();
  }

  @Test
  void parseStatus_nameParentRealUidAndInnermostPid() {
    ProcFs.Status s = ProcFs.parseStatus(bytes(STATUS));
    assertThat(s).isEqualTo(new ProcFs.Status("sleep", 28202, 1000, 1));
    // A host process has one pid namespace level.
    assertThat(ProcFs.parseStatus(bytes("Name:\tbash\nPPid:\t1\nUid:\t0\t0\t0\t0\nNSpid:\t4242\n")).nsPid())
        .isEqualTo(4242);
    // A name with spaces; a status cut before NSpid's newline must not yield a prefix of the number.
    assertThat(ProcFs.parseStatus(bytes("Name:\tmy prog\nPPid:\t7\nUid:\t5\t5\t5\t5\nNSpid:\t12345\t1")))
        .isEqualTo(new ProcFs.Status("my prog", 7, 5, -1));
    assertThat(ProcFs.parseStatus(new byte[0])).isEqualTo(new ProcFs.Status("", -1, -1, -1));
  }

  @Test
  void parseStat_countsFieldsAfterTheLastParenthesis() {
    assertThat(ProcFs.parseStat(bytes(STAT))).contains(new ProcFs.Stat(0, 1163967));
    // comm may contain spaces and ')' ; tty_nr 34817 = pts/1
    String tricky = "77 (a) b (c) R 1 77 77 34817 77 4194560 0 0 0 0 0 0 0 0 20 0 1 0 999 0 0\n";
    assertThat(ProcFs.parseStat(bytes(tricky))).contains(new ProcFs.Stat(34817, 999));
    assertThat(ProcFs.statField(bytes(tricky), 4)).isEqualTo(1);
    assertThat(ProcFs.statField(bytes(STAT), 8)).isEqualTo(-1); // tpgid may be negative
    assertThat(ProcFs.parseStat(bytes("12 (cut) S 1"))).isEmpty();
    assertThat(ProcFs.parseStat(bytes("no parenthesis"))).isEmpty();
  }

  @Test
  void ttyName_decodesMajorAndMinor() {
    assertThat(ProcFs.ttyName(0)).isEmpty();
    assertThat(ProcFs.ttyName(136 << 8)).isEqualTo("pts/0");
    assertThat(ProcFs.ttyName((137 << 8) | 44)).isEqualTo("pts/300");
    assertThat(ProcFs.ttyName((4 << 8) | 1)).isEqualTo("tty1");
    assertThat(ProcFs.ttyName((4 << 8) | 64)).isEqualTo("ttyS0");
    assertThat(ProcFs.ttyName((5 << 8) | 1)).isEqualTo("console");
    // Minor bits above 255 live in bits 20-31.
    assertThat(ProcFs.ttyName((136 << 8) | (1 << 20))).isEqualTo("pts/256");
  }

  @Test
  void rootOverlayUpperDir_fromAContainersMountinfo() {
    String upper = "/var/lib/docker/overlay2/e77fee1b879b63b56f7e74658f304203efbe07167bf51933e0d27bade2f0b7f5/diff";
    String mountinfo = "72 48 0:39 / / rw,relatime master:2 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2"
        + "/l/I6T25RQWKBBSK3ROUI6757NLK2:/var/lib/docker/overlay2/l/ZKNQFB7I2HRP6C6SAICTMU5C45,upperdir=" + upper
        + ",workdir=/var/lib/docker/overlay2/e77fee1b879b63b56f7e74658f304203efbe07167bf51933e0d27bade2f0b7f5/work\n"
        + "73 72 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
        + "74 72 0:43 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n";
    assertThat(ProcFs.rootOverlayUpperDir(mountinfo)).contains(upper);
    assertThat(ProcFs.rootOverlayUpperDir("1 0 8:1 / / rw - overlay overlay rw,upperdir=/data/with\\040space/diff,"
        + "workdir=/w\n")).contains("/data/with space/diff");
    // The host's root is not an overlay.
    assertThat(ProcFs.rootOverlayUpperDir("22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw\n")).isEmpty();
  }

  @Test
  void readers_onAFakeProc_andEmptyForAVanishedProcess() throws Exception {
    Path p = Files.createDirectories(root.resolve("4242"));
    Files.write(p.resolve("cmdline"), bytes("/tmp/x\0--flag\0"));
    Files.writeString(p.resolve("comm"), "x\n");
    Files.writeString(p.resolve("status"), STATUS);
    Files.writeString(p.resolve("stat"), STAT);
    Files.writeString(p.resolve("cgroup"), "0::/docker/abc\n");
    Files.createSymbolicLink(p.resolve("exe"), Path.of("/tmp/x (deleted)"));
    Files.createSymbolicLink(p.resolve("cwd"), Path.of("/work dir"));
    Files.createDirectories(p.resolve("fd"));
    Files.createSymbolicLink(p.resolve("fd/0"), Path.of("socket:[1806284]"));
    ProcFs proc = new ProcFs(root);

    assertThat(proc.cmdline(4242)).containsExactly("/tmp/x", "--flag");
    assertThat(proc.comm(4242)).contains("x");
    assertThat(proc.exe(4242)).contains("/tmp/x (deleted)");
    assertThat(proc.cwd(4242)).contains("/work dir");
    assertThat(proc.fd(4242, 0)).contains("socket:[1806284]");
    assertThat(proc.fd(4242, 1)).isEmpty();
    assertThat(proc.status(4242).map(ProcFs.Status::uid)).contains(1000L);
    assertThat(proc.stat(4242).map(ProcFs.Stat::startTicks)).contains(1163967L);
    assertThat(proc.cgroup(4242)).contains("0::/docker/abc\n");

    assertThat(proc.cmdline(999)).isEmpty();
    assertThat(proc.exe(999)).isEmpty();
    assertThat(proc.status(999)).isEmpty();
    assertThat(proc.stat(999)).isEmpty();
    assertThat(proc.net(999, "tcp")).isEmpty();
  }

  @Test
  void largeFile_growsTheBuffer() throws Exception {
    Path p = Files.createDirectories(root.resolve("7"));
    String arg = "a".repeat(100_000);
    Files.write(p.resolve("cmdline"), bytes("prog\0" + arg + "\0"));
    assertThat(new ProcFs(root).cmdline(7)).containsExactly("prog", arg);
  }

  @Test
  void hostProc_readsThisJvm() {
    ProcFs proc = ProcFs.host();
    long self = ProcessHandle.current().pid();
    assertThat(proc.exe(self)).hasValueSatisfying(e -> assertThat(e).endsWith("java"));
    assertThat(proc.status(self).map(ProcFs.Status::ppid)).hasValueSatisfying(pp -> assertThat(pp).isPositive());
    assertThat(proc.cmdline(self)).isNotEmpty();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
