package dev.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertFactory;
import dev.vigil.alert.Priority;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.EventKind;
import dev.vigil.event.FileChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SensitiveFileDetectorTest {

  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");
  private static final ContainerRef APP = new ContainerRef(
      "dddddddddddd4444444444444444444444444444444444444444444444444444", "app", "debian", "12", "");

  private SensitiveFileDetector detector;
  private List<Alert> alerts;

  @BeforeEach
  void setUp() {
    detector = new SensitiveFileDetector(new AlertFactory("h"));
    alerts = new ArrayList<>();
  }

  private void feed(ContainerRef c, String path, FileChange.Kind kind) {
    detector.onEvent(new FileChange(T, c, "docker.diff", path, kind), alerts::add);
  }

  private void feed(String path, FileChange.Kind kind) {
    feed(APP, path, kind);
  }

  @Test
  void describesItself() {
    assertThat(detector.name()).isEqualTo("sensitive-file-change");
    assertThat(detector.kinds()).containsExactly(EventKind.FILE_CHANGE);
  }

  @ParameterizedTest
  @EnumSource(value = FileChange.Kind.class, names = {"ADDED", "MODIFIED"})
  void etcPasswd_addedOrModified_alerts(FileChange.Kind kind) {
    feed("/etc/passwd", kind);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo("File below /etc changed in container");
      assertThat(a.priority()).isEqualTo(Priority.ERROR);
      assertThat(a.source()).isEqualTo("syscall");
      assertThat(a.outputFields()).containsEntry("fd.name", "/etc/passwd")
          .containsEntry("fs.change", kind.name().toLowerCase(java.util.Locale.ROOT));
      assertThat(a.output()).isEqualTo("File below /etc changed in container (file=/etc/passwd change="
          + kind.name().toLowerCase(java.util.Locale.ROOT)
          + " container_id=dddddddddddd container_name=app image=debian:12)");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc", "/etc/", "/usr/bin", "/usr/bin/", "/bin", "/root/.ssh/", "/var/spool/cron/crontabs/"})
  void directoryEntryItself_isQuiet(String path) {
    feed(path, FileChange.Kind.MODIFIED);
    assertThat(alerts).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "/root/.ssh/authorized_keys", "/usr/bin/x", "/etc/crontab"})
  void deletion_isQuiet(String path) {
    feed(path, FileChange.Kind.DELETED);
    assertThat(alerts).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "/root/.ssh/authorized_keys, SSH keys changed in container, T1098.004",
      "/root/.ssh/id_rsa, SSH keys changed in container, T1098.004",
      "/var/spool/cron/crontabs/root, Cron job changed in container, T1053.003",
      "/etc/crontab, Cron job changed in container, T1053.003",
      "/etc/cron.d/backdoor, Cron job changed in container, T1053.003",
      "/etc/cron.hourly/x, Cron job changed in container, T1053.003",
      "/etc/cron.daily/x, Cron job changed in container, T1053.003",
      "/usr/bin/x, System binary changed in container, T1036",
      "/usr/sbin/sshd, System binary changed in container, T1036",
      "/bin/ls, System binary changed in container, T1036",
      "/sbin/init, System binary changed in container, T1036",
      "/etc/shadow, File below /etc changed in container, T1546",
      "/etc/ld.so.preload, File below /etc changed in container, T1546"
  })
  void sensitivePath_raisesMostSpecificRule(String path, String rule, String tag) {
    feed(path, FileChange.Kind.ADDED);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.rule()).isEqualTo(rule);
      assertThat(a.tags()).contains(tag);
      assertThat(a.output()).startsWith(rule + " (file=" + path + " ");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/home/app/x", "/tmp/passwd", "/var/log/app.log", "/app/etc/passwd", "/usr/local/bin/app",
      "/etcetera/passwd", "/root/.bashrc", "/usr/lib/x", "/binary"
  })
  void ordinaryPath_isQuiet(String path) {
    feed(path, FileChange.Kind.ADDED);
    assertThat(alerts).isEmpty();
  }

  @Test
  void hostFileChange_isQuiet() {
    feed(ContainerRef.HOST, "/etc/passwd", FileChange.Kind.MODIFIED);
    assertThat(alerts).isEmpty();
  }

  @Test
  void eachEvent_raisesAtMostOneAlert() {
    feed("/etc/cron.d/job", FileChange.Kind.ADDED);
    feed("/etc/passwd", FileChange.Kind.MODIFIED);
    assertThat(alerts).extracting(Alert::rule)
        .containsExactly("Cron job changed in container", "File below /etc changed in container");
  }
}
