package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever umask the agent is started with, what it writes is its own user's only: under the data directory every
 * file 0600 and every directory 0700 (status, alert store with its WAL, a network sink's spool), and the alerts file
 * and the events recording 0600.
 */
class PrivateFilesIT {

  @ParameterizedTest
  @ValueSource(strings = {"000", "022"})
  void underAnyUmask_filesAre0600_directories0700(String umask) throws Exception {
    Path dir = Files.createTempDirectory("vigil-it-private");
    Path data = dir.resolve("data");
    Path alerts = dir.resolve("out/alerts.jsonl");
    Path events = dir.resolve("out/events.jsonl");
    String cmd = "umask " + umask + "; exec \"$0\" -jar \"$1\" monitor --no-stdout-alerts --data-dir \"$2\" "
        + "--alerts-file \"$3\" --record-events \"$4\" --webhook http://127.0.0.1:9/hook --status-interval 1s";
    Process p = new ProcessBuilder("sh", "-c", cmd, Agent.javaBin(), Agent.jar().toString(), data.toString(),
        alerts.toString(), events.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < end && !Files.readString(dir.resolve("agent.log")).contains("monitoring")) {
        assertThat(p.isAlive()).as(Files.readString(dir.resolve("agent.log"))).isTrue();
        Thread.sleep(200);
      }
      Thread.sleep(1_500); // a status rewrite and the store's first batch
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
    }
    List<String> wrong = new ArrayList<>();
    List<Path> all;
    try (Stream<Path> s = Files.walk(data)) {
      all = s.toList();
    }
    for (Path f : all) {
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS));
      String want = Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
      if (!mode.equals(want)) {
        wrong.add(f + " " + mode);
      }
    }
    for (Path f : List.of(alerts, events)) {
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
      if (!mode.equals("rw-------")) {
        wrong.add(f + " " + mode);
      }
    }
    assertThat(all.stream().map(x -> x.getFileName().toString())).as("what the agent wrote")
        .contains("status.json", "alerts.db", "spool");
    assertThat(wrong).as("umask %s", umask).isEmpty();
  }
}
