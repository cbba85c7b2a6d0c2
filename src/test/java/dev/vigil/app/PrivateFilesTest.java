package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an earlier run left readable by others is made private; nothing else is touched. */
class PrivateFilesTest {

  private static Path file(Path p, String mode) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "x");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p,
        java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void vigilsFilesLoseGroupAndOtherBits_othersAreLeftAlone(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path status = file(data.resolve("status.json"), "rw-r--r--");
    Path segment = file(data.resolve("spool/hook/0000001.seg"), "rw-rw-rw-");
    Files.setPosixFilePermissions(data.resolve("spool"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Path model = file(data.resolve("baselines/nginx.json"), "rw-r-----");
    Path db = file(data.resolve("alerts.db"), "rw-r--r--");
    Path wal = file(data.resolve("alerts.db-wal"), "rw-r--r--");
    Path other = file(data.resolve("notes.txt"), "rw-r--r--");
    Path alerts = file(tmp.resolve("log/alerts.jsonl"), "rw-r--r--");
    Path rotated = file(tmp.resolve("log/alerts.jsonl.1"), "rw-r--r--");
    Path neighbour = file(tmp.resolve("log/syslog"), "rw-r--r--");
    Path target = file(tmp.resolve("elsewhere/secret-of-someone"), "rw-r--r--");
    Files.createSymbolicLink(data.resolve("spool/link"), target);

    List<Path> changed = PrivateFiles.tighten(data, List.of(db, alerts));

    assertThat(mode(data)).isEqualTo("rwx------");
    assertThat(mode(data.resolve("spool"))).isEqualTo("rwx------");
    for (Path p : List.of(status, segment, model, db, wal, alerts, rotated)) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
    }
    assertThat(mode(other)).as("not the agent's").isEqualTo("rw-r--r--");
    assertThat(mode(neighbour)).isEqualTo("rw-r--r--");
    assertThat(mode(target)).as("links are not followed").isEqualTo("rw-r--r--");
    assertThat(changed).contains(data, status, segment, db, wal, alerts, rotated).doesNotContain(other, target);
    assertThat(PrivateFiles.tighten(data, List.of(db, alerts))).as("second start: nothing left to do").isEmpty();
  }

  @Test
  void aMissingDataDir_isCreatedPrivate_aSharedOneIsLeftAsItIs(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("new/data");
    PrivateFiles.tighten(data, List.of());
    assertThat(mode(data)).isEqualTo("rwx------");

    Path shared = Files.createDirectories(tmp.resolve("shared"));
    Files.setAttribute(shared, "unix:mode", 01777);
    PrivateFiles.tighten(shared, List.of());
    assertThat((Integer) Files.getAttribute(shared, "unix:mode") & 07777).isEqualTo(01777);
  }
}
