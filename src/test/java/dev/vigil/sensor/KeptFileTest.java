package dev.vigil.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kept-open kernel file both kernel sensors re-read every poll (cgroup counters, /proc/PID/net counters). */
class KeptFileTest {

  @TempDir
  Path dir;

  @Test
  void reread_seesTheCurrentContents_intoTheSharedBuffer() throws IOException {
    Path f = Files.writeString(dir.resolve("memory.current"), "4096\n");
    KeptFile.Buffer buf = new KeptFile.Buffer(64, 1024);
    try (KeptFile k = KeptFile.open(f)) {
      assertThat(k.read(buf)).isEqualTo(5);
      assertThat(buf.length()).isEqualTo(5);
      assertThat(buf.text()).isEqualTo("4096\n");
      Files.writeString(f, "1234567\n"); // rewritten in place, as the kernel regenerates the text
      assertThat(k.readText(buf)).isEqualTo("1234567\n");
      Files.writeString(f, "7\n");
      assertThat(k.readText(buf)).isEqualTo("7\n"); // shorter: nothing of the previous read is left
      assertThat(k.path()).isEqualTo(f);
    }
  }

  @Test
  void longFile_growsTheBuffer_upToItsCap_thenIsCut() throws IOException {
    String table = "x".repeat(99) + "\n";
    Path f = Files.writeString(dir.resolve("dev"), table.repeat(30)); // 3,000 bytes
    KeptFile.Buffer buf = new KeptFile.Buffer(16, 1 << 20);
    try (KeptFile k = KeptFile.open(f)) {
      assertThat(k.read(buf)).isEqualTo(3000);
      assertThat(buf.bytes().capacity()).isEqualTo(4096);
      assertThat(buf.text()).isEqualTo(table.repeat(30));
    }
    KeptFile.Buffer capped = new KeptFile.Buffer(16, 1000);
    try (KeptFile k = KeptFile.open(f)) {
      assertThat(k.read(capped)).isEqualTo(1000);
      assertThat(capped.bytes().capacity()).isEqualTo(1000);
      assertThat(capped.text()).isEqualTo(table.repeat(10));
    }
  }

  @Test
  void oneLineFile_stopsAtTheNewlineThatEndsARead() throws IOException {
    Path f = Files.writeString(dir.resolve("pids.current"), "123\n4567\n");
    KeptFile.Buffer buf = new KeptFile.Buffer(4, 64);
    try (KeptFile one = KeptFile.open(f, true); KeptFile any = KeptFile.open(f, false)) {
      assertThat(one.readText(buf)).isEqualTo("123\n"); // a full first read ending in \n is the whole value
      assertThat(any.readText(buf)).isEqualTo("123\n4567\n");
    }
  }

  @Test
  void procFile_isReadAgainAndAgain() throws IOException {
    KeptFile.Buffer buf = new KeptFile.Buffer(4096, 64 * 1024);
    try (KeptFile snmp = KeptFile.open(Path.of("/proc/self/net/snmp"))) {
      String first = snmp.readText(buf);
      assertThat(first).startsWith("Ip: ").contains("\nTcp: ");
      assertThat(snmp.readText(buf)).startsWith("Ip: ").hasSizeGreaterThan(first.length() / 2);
    }
  }

  @Test
  void missingFile_failsToOpen_closedFile_failsToRead() throws IOException {
    assertThatThrownBy(() -> KeptFile.open(dir.resolve("gone"))).isInstanceOf(NoSuchFileException.class);
    Path f = Files.write(dir.resolve("cpu.stat"), "usage_usec 5\n".getBytes(StandardCharsets.US_ASCII));
    KeptFile k = KeptFile.open(f);
    assertThat(k.isOpen()).isTrue();
    k.close();
    k.close(); // idempotent
    assertThat(k.isOpen()).isFalse();
    assertThatThrownBy(() -> k.read(new KeptFile.Buffer(16, 16))).isInstanceOf(IOException.class);
  }

  @Test
  void buffer_refusesACapBelowItsSize() {
    assertThatThrownBy(() -> new KeptFile.Buffer(64, 32)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeptFile.Buffer(0, 32)).isInstanceOf(IllegalArgumentException.class);
  }
}
