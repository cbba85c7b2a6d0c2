package dev.vigil.rules;

import static dev.vigil.rules.DefaultRulesFixture.added;
import static dev.vigil.rules.DefaultRulesFixture.assertFires;
import static dev.vigil.rules.DefaultRulesFixture.assertQuiet;
import static dev.vigil.rules.DefaultRulesFixture.config;
import static dev.vigil.rules.DefaultRulesFixture.fires;
import static dev.vigil.rules.DefaultRulesFixture.modified;
import static dev.vigil.rules.DefaultRulesFixture.opened;
import static dev.vigil.rules.DefaultRulesFixture.proc;
import static dev.vigil.rules.DefaultRulesFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alert.OutputTemplate;
import dev.vigil.event.FileOpen;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Probes that FAIL against the current YAML: each one is a rule bug (not copied to the main tree). */
class DefaultRulesLookAlikesTest {

  static Stream<Arguments> shouldFire() {
    return Stream.of(
        fires(DefaultRulesProcessTest.MINING_POOL, proc("./kthreadd", "-o", "45.9.148.21:3333", "-u", "44AFFq5k",
            "-p", "x").build()).args("pool port without stratum URL (desc promises ports)"),
        fires(DefaultRulesProcessTest.SETUID, proc("chmod", "u+xs", "/tmp/sh").build()).args("chmod u+xs"),
        fires(DefaultRulesProcessTest.SETUID, proc("chmod", "a+rws", "/tmp/sh").build()).args("chmod a+rws"),
        fires(DefaultRulesProcessTest.SETUID, proc("chmod", "u=rwxs", "/tmp/sh").build()).args("chmod u=rwxs"),
        fires(DefaultRulesProcessTest.BASE64_SHELL, proc("sh", "-c", "echo aWQK | base64 -d | /bin/sh").build())
            .args("base64 -d | /bin/sh"),
        fires(DefaultRulesFileTest.CRON_FILE, added("/var/spool/cron/root")).args("cronie spool (RHEL images)"),
        config().bind("/root/.ssh", "/keys").starts(DefaultRulesContainerTest.SENSITIVE_MOUNT)
            .args("-v /root/.ssh"),
        config().bind("/etc/shadow", "/shadow").starts(DefaultRulesContainerTest.SENSITIVE_MOUNT)
            .args("-v /etc/shadow"));
  }

  static Stream<Arguments> shouldStayQuiet() {
    return Stream.of(
        fires(DefaultRulesProcessTest.MINING_POOL, proc("gcc", "-c", "-o", "pool.o", "pool.c").build())
            .args("gcc -o pool.o"),
        fires(DefaultRulesProcessTest.MINING_POOL, proc("curl", "-sS", "-o", "pool.json",
            "https://api.example.com/pool.json").build()).args("curl -o pool.json"),
        fires(DefaultRulesProcessTest.HISTORY_CLEARED, proc("sh", "-c",
            "exec /app/server >> /var/log/app.log 2>&1").build()).args("append to a log"),
        fires(DefaultRulesProcessTest.HISTORY_CLEARED, proc("sh", "-c",
            "/usr/local/bin/backup.sh > /var/log/backup.log 2>&1").build()).args("cron-style log redirect"),
        fires(DefaultRulesProcessTest.BASE64_SHELL, proc("sh", "-c",
            "base64 -d /tmp/release.b64 | sha256sum -c release.sha256").build()).args("base64 -d | sha256sum"),
        fires(DefaultRulesProcessTest.SENSITIVE_ARGS, proc("cat", "/root/.ssh/id_rsa.pub").build())
            .args("cat a PUBLIC key"),
        fires(DefaultRulesProcessTest.CRONTAB, proc("crontab", "-u", "www-data", "-l").build())
            .args("crontab -u USER -l"),
        fires(DefaultRulesProcessTest.NETCAT_RCE, proc("nc", "-z", "-w", "2", "kafka-c", "9092").build())
            .args("nc probe of a host named ...-c"),
        fires(DefaultRulesFileTest.AUTHORIZED_KEYS, modified("/root/.ssh/known_hosts")).args("root known_hosts"),
        fires(DefaultRulesFileTest.SENSITIVE_WRITE, modified("/root/.zsh_history")).args("zsh history"),
        fires(DefaultRulesFileTest.SENSITIVE_WRITE, modified("/root/.python_history")).args("python history"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("shouldFire")
  void missed(String rule, DefaultRulesFixture.Case c) {
    assertFires(c);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("shouldStayQuiet")
  void falsePositive(String rule, DefaultRulesFixture.Case c) {
    assertQuiet(c);
  }

  /** The read rules print %proc.cmdline, which FileOpen never carries, instead of the name and pid it does carry. */
  @Test
  void readRules_printNoNaForAFileOpen() {
    for (var e : new FileOpen[] {opened("/etc/shadow", FileOpen.Mode.READ, "cat"),
        opened("/root/.ssh/id_rsa", FileOpen.Mode.READ, "cat"), opened("/etc/sudoers", FileOpen.Mode.WRITE, "vi")}) {
      assertThat(run(e)).isNotEmpty().allSatisfy(a -> assertThat(a.output()).doesNotContain(OutputTemplate.NA));
    }
  }
}
