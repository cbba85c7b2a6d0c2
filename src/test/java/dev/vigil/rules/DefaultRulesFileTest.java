package dev.vigil.rules;

import static dev.vigil.rules.DefaultRulesFixture.added;
import static dev.vigil.rules.DefaultRulesFixture.assertFires;
import static dev.vigil.rules.DefaultRulesFixture.assertQuiet;
import static dev.vigil.rules.DefaultRulesFixture.assertQuietOnHost;
import static dev.vigil.rules.DefaultRulesFixture.deleted;
import static dev.vigil.rules.DefaultRulesFixture.fires;
import static dev.vigil.rules.DefaultRulesFixture.log;
import static dev.vigil.rules.DefaultRulesFixture.modified;
import static dev.vigil.rules.DefaultRulesFixture.names;
import static dev.vigil.rules.DefaultRulesFixture.opened;
import static dev.vigil.rules.DefaultRulesFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.FileOpen;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The file rules (FileChange events of the docker.diff sensor: ADDED/MODIFIED are openat writes, DELETED is
 * unlinkat; FileOpen events of the kernel file sensor for reads) and the log rule (LogLine events) of the built-in
 * file.
 */
class DefaultRulesFileTest {

  static final String SENSITIVE_WRITE = "Write below sensitive directory in container";
  static final String READ_SENSITIVE = "Read sensitive file in container";
  static final String READ_KEY = "Read private key in container";
  static final String AUTHORIZED_KEYS = "SSH authorized keys changed in container";
  static final String CRON_FILE = "Cron persistence in container";
  static final String LOG_DELETED = "Log file deleted in container";

  static Stream<Arguments> positives() {
    return Stream.of(
        fires(SENSITIVE_WRITE, modified("/etc/passwd")).args("/etc/passwd modified"),
        fires(SENSITIVE_WRITE, added("/usr/local/bin/kubectl")).args("binary added to /usr/local/bin"),
        fires(SENSITIVE_WRITE, added("/etc/ld.so.preload")).args("/etc/ld.so.preload added"),
        fires(SENSITIVE_WRITE, modified("/root/.bashrc")).args("/root/.bashrc modified"),
        fires(SENSITIVE_WRITE, opened("/etc/sudoers", FileOpen.Mode.WRITE, "vi")).args("/etc/sudoers opened for write"),
        fires(READ_SENSITIVE, opened("/etc/shadow", FileOpen.Mode.READ, "cat")).args("/etc/shadow read"),
        fires(READ_SENSITIVE, opened("/etc/sudoers", FileOpen.Mode.READ, "python3")).args("/etc/sudoers read"),
        fires(READ_KEY, opened("/root/.ssh/id_rsa", FileOpen.Mode.READ, "cat")).args("id_rsa read"),
        fires(READ_KEY, opened("/etc/ssl/private/shop.key", FileOpen.Mode.READ, "tar")).args("*.key read"),
        fires(READ_KEY, opened("/etc/ssh/ssh_host_ed25519_key", FileOpen.Mode.READ, "cp")).args("ssh host key read"),
        fires(AUTHORIZED_KEYS, added("/root/.ssh/authorized_keys")).args("root authorized_keys added"),
        fires(AUTHORIZED_KEYS, modified("/home/deploy/.ssh/authorized_keys2")).args("authorized_keys2 modified"),
        fires(CRON_FILE, added("/etc/cron.d/backdoor")).args("/etc/cron.d file"),
        fires(CRON_FILE, modified("/etc/crontab")).args("/etc/crontab"),
        fires(CRON_FILE, added("/var/spool/cron/crontabs/root")).args("spool crontab"),
        fires(LOG_DELETED, deleted("/var/log/nginx/access.log")).args("nginx log deleted"),
        fires(LOG_DELETED, deleted("/var/log/auth.log")).args("auth.log deleted"));
  }

  static Stream<Arguments> benign() {
    return Stream.of(
        fires(SENSITIVE_WRITE, modified("/etc/hostname")).args("/etc/hostname"),
        fires(SENSITIVE_WRITE, modified("/etc/hosts")).args("/etc/hosts"),
        fires(SENSITIVE_WRITE, modified("/etc/resolv.conf")).args("/etc/resolv.conf"),
        fires(SENSITIVE_WRITE, added("/tmp/x")).args("/tmp/x"),
        fires(SENSITIVE_WRITE, added("/etcd-data/member/snap/db")).args("/etcd-data is not /etc"),
        fires(SENSITIVE_WRITE, added("/var/www/html/index.html")).args("web root"),
        fires(SENSITIVE_WRITE, modified("/root/.bash_history")).args("root's shell history"),
        fires(SENSITIVE_WRITE, added("/root/.cache/pip/http/x")).args("root's cache"),
        fires(SENSITIVE_WRITE, added("/root/.ssh/authorized_keys")).args("left to the SSH rule"),
        fires(SENSITIVE_WRITE, added("/etc/cron.d/job")).args("left to the cron rule"),
        fires(SENSITIVE_WRITE, deleted("/etc/passwd")).args("a deletion is not a write"),
        fires(SENSITIVE_WRITE, opened("/etc/passwd", FileOpen.Mode.READ, "id")).args("/etc/passwd read"),
        fires(READ_SENSITIVE, modified("/etc/shadow")).args("a change to /etc/shadow is not a read"),
        fires(READ_SENSITIVE, opened("/etc/shadow", FileOpen.Mode.WRITE, "passwd")).args("/etc/shadow written"),
        fires(READ_SENSITIVE, opened("/etc/passwd", FileOpen.Mode.READ, "id")).args("/etc/passwd read"),
        fires(READ_SENSITIVE, opened("/etc/shadow.d/README", FileOpen.Mode.READ, "cat")).args("not the file"),
        fires(READ_KEY, added("/root/.ssh/id_rsa")).args("a key written is not a key read"),
        fires(READ_KEY, opened("/root/.ssh/id_rsa.pub", FileOpen.Mode.READ, "cat")).args("public key read"),
        fires(READ_KEY, opened("/etc/ssh/ssh_host_ed25519_key.pub", FileOpen.Mode.READ, "cat"))
            .args("public host key read"),
        fires(READ_KEY, opened("/etc/ssl/certs/ca-certificates.crt", FileOpen.Mode.READ, "curl"))
            .args("CA bundle read"),
        fires(READ_KEY, opened("/usr/share/keyrings/debian-archive-keyring.gpg", FileOpen.Mode.READ, "apt"))
            .args("apt keyring read"),
        fires(AUTHORIZED_KEYS, modified("/home/deploy/.ssh/known_hosts")).args("known_hosts of a user"),
        fires(AUTHORIZED_KEYS, added("/srv/docs/authorized_keys.md")).args("a document about keys"),
        fires(CRON_FILE, modified("/var/spool/cron/crontabs")).args("the spool directory itself"),
        fires(CRON_FILE, added("/etc/crontab.bak")).args("/etc/crontab.bak"),
        fires(CRON_FILE, added("/opt/app/cron.d/x")).args("cron.d outside /etc"),
        fires(LOG_DELETED, modified("/var/log/nginx/access.log")).args("a log written"),
        fires(LOG_DELETED, deleted("/var/logs-archive/old.log")).args("/var/logs-archive"),
        fires(LOG_DELETED, deleted("/tmp/x.log")).args("a temp file deleted"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("positives")
  void positive_firesTheRule(String rule, DefaultRulesFixture.Case c) {
    assertFires(c);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("benign")
  void benignLookAlike_doesNotFire(String rule, DefaultRulesFixture.Case c) {
    assertQuiet(c);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("positives")
  void hostEvent_firesNoRule(String rule, DefaultRulesFixture.Case c) {
    assertQuietOnHost(c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/hostname", "/tmp/x"})
  void harmlessWrites_doNotFireTheSensitiveWriteRule(String path) {
    assertThat(names(run(modified(path)))).doesNotContain(SENSITIVE_WRITE);
    assertThat(names(run(added(path)))).doesNotContain(SENSITIVE_WRITE);
  }

  @Test
  void etcPasswd_firesTheSensitiveWriteRule_withTheChangeInTheOutput() {
    var alerts = run(modified("/etc/passwd"));
    assertThat(names(alerts)).contains(SENSITIVE_WRITE);
    assertThat(alerts.get(0).output()).contains("file=/etc/passwd", "change=modified", "container=shop-web");
  }
}
