package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vigil.alert.Priority;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignatureFileTest {

  static final String GOOD = """
      version: 1
      groups:
        - group: scanners
          rule: Scanner output in container log
          priority: WARNING
          tags: [container, log, mitre_discovery, T1046]
          signatures:
            - id: nmap.report
              desc: nmap's per-host report
              patterns: ["Nmap scan report for", "Starting Nmap "]
            - id: secret.aws
              pattern: AKIA
              ignore_case: false
              priority: critical
              rule: Secret in container log
              tags: [mitre_credential_access, T1552]
        - group: quiet
          rule: Quiet things
          priority: notice
          ignore_case: false
          signatures:
            - id: q.one
              patterns: ['it''s "quoted" \\ and tab\t']
      """;

  @Test
  void readsGroupsWithDefaultsAndOverrides() {
    List<Signature> sigs = SignatureFile.parse(GOOD, "test.yaml");
    assertThat(sigs).hasSize(3);
    Signature nmap = sigs.get(0);
    assertThat(nmap.id()).isEqualTo("nmap.report");
    assertThat(nmap.rule()).isEqualTo("Scanner output in container log");
    assertThat(nmap.priority()).isEqualTo(Priority.WARNING);
    assertThat(nmap.tags()).containsExactly("container", "log", "mitre_discovery", "T1046");
    assertThat(nmap.ignoreCase()).isTrue();
    assertThat(nmap.description()).isEqualTo("nmap's per-host report");
    assertThat(nmap.patterns()).containsExactly("Nmap scan report for", "Starting Nmap ");
    assertThat(nmap.origin()).isEqualTo("test.yaml:8");

    Signature aws = sigs.get(1);
    assertThat(aws.patterns()).containsExactly("AKIA");
    assertThat(aws.ignoreCase()).isFalse();
    assertThat(aws.priority()).isEqualTo(Priority.CRITICAL);
    assertThat(aws.rule()).isEqualTo("Secret in container log");
    assertThat(aws.tags()).containsExactly("mitre_credential_access", "T1552");

    Signature q = sigs.get(2);
    assertThat(q.ignoreCase()).isFalse();
    assertThat(q.description()).isEmpty();
    assertThat(q.patterns()).containsExactly("it's \"quoted\" \\ and tab\t");
  }

  @Test
  void yamlSyntaxErrorsNameFileLineAndColumn() {
    String text = "groups:\n  - group: a\n    rule: [unclosed\n";
    assertThatThrownBy(() -> SignatureFile.parse(text, "/etc/vigil/sigs.yaml"))
        .isInstanceOf(SignatureFileException.class)
        .hasMessageStartingWith("/etc/vigil/sigs.yaml:4:1: invalid YAML:");
  }

  @Test
  void everyProblemIsReportedWithItsPosition() {
    String text = """
        groups:
          - group: g
            rule: R
            priority: LOUD
            colour: red
            signatures:
              - id: Bad Id
                patterns: ["ok pattern"]
              - id: short
                patterns: ["|sh", "fine one", "FINE ONE"]
              - id: twice
                pattern: "abcd"
                patterns: ["efgh"]
              - id: nothing
              - id: short
                patterns: ["line\\nbreak", 12345, [nested]]
        """;
    SignatureFileException e = catchThrowableOfType(SignatureFileException.class,
        () -> SignatureFile.parse(text, "s.yaml"));
    assertThat(e.source()).isEqualTo("s.yaml");
    assertThat(e.problems()).containsExactly(
        "s.yaml:5:5: unknown key 'colour' in a group (expected one of group, ignore_case, priority, rule,"
            + " signatures, tags)",
        "s.yaml:4:15: unknown priority 'LOUD' (expected Emergency, Alert, Critical, Error, Warning, Notice,"
            + " Informational or Debug)",
        "s.yaml:7:13: signature id 'Bad Id' must match [a-z0-9][a-z0-9._-]*",
        "s.yaml:10:20: pattern '|sh' of signature short is 3 bytes; patterns need at least 4 (shorter ones match"
            + " too much of any log)",
        "s.yaml:10:39: pattern 'FINE ONE' of signature short repeats line 10 (ignoring case)",
        "s.yaml:13:19: signature twice has both 'pattern' and 'patterns'; use one",
        "s.yaml:14:9: signature nothing has no 'patterns:' (or 'pattern:')",
        "s.yaml:15:13: duplicate signature id 'short' (first defined at line 9)",
        "s.yaml:16:20: pattern of signature short contains a line break; log lines never do",
        "s.yaml:16:42: a pattern of signature short must be a string, not a list");
    assertThat(e.getMessage()).startsWith("10 problems in s.yaml:\n  s.yaml:5:5: unknown key 'colour'");
  }

  @Test
  void structuralMistakesAreExplained() {
    assertThatThrownBy(() -> SignatureFile.parse("", "e.yaml"))
        .hasMessage("e.yaml: the file is empty; expected a mapping with 'groups:'");
    assertThatThrownBy(() -> SignatureFile.parse("- a\n- b\n", "l.yaml"))
        .hasMessage("l.yaml:1:1: the file must be a mapping, not a list");
    assertThatThrownBy(() -> SignatureFile.parse("version: 2\ngroups: []\n", "v.yaml"))
        .hasMessage("v.yaml:1:10: unsupported version '2'; this Vigil reads version 1");
    assertThatThrownBy(() -> SignatureFile.parse("groups:\n  - group: g\n    priority: info\n"
        + "    signatures: []\n", "g.yaml"))
        .hasMessageContaining("g.yaml:2:5: group g has no 'rule:'")
        .hasMessageContaining("g.yaml:4:17: 'signatures' of group g must be a non-empty list, not a list");
    assertThatThrownBy(() -> SignatureFile.parse("groups:\n  - group: g\n    rule: r\n    priority: info\n"
        + "    ignore_case: maybe\n    signatures:\n      - id: a\n        pattern: abcd\n", "b.yaml"))
        .hasMessage("b.yaml:5:18: 'ignore_case' must be true or false, not 'maybe'");
  }
}
