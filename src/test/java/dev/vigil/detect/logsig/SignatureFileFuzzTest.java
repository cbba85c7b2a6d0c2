package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TextMutations;
import dev.vigil.fuzz.TryTimeLimit;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the signature file reader: any text gives signatures or a {@link SignatureFileException} listing its
 * problems, each starting with the file's name; nothing else is thrown.
 */
@AddLifecycleHook(TryTimeLimit.class)
class SignatureFileFuzzTest {

  private static final String SEED = """
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
      """;

  private static final List<String> TOKENS = Stream.concat(TextMutations.YAML_TOKENS.stream(), Stream.of("version: ",
      "groups:", "- group: ", "rule: ", "priority: ", "tags: [", "signatures:", "- id: ", "pattern: ", "patterns: [",
      "ignore_case: ", "abc", "UPPER", "a.b-c", "\u00e9\u00e9\u00e9\u00e9")).toList();

  @Property
  void mutatedFilesParseOrFailWithTheirProblems(@ForAll("mutated") String text) {
    check(text);
  }

  @Property
  void tokenSoupParsesOrFailsWithItsProblems(@ForAll("soup") String text) {
    check(text);
  }

  private static void check(String text) {
    try {
      for (Signature s : SignatureFile.parse(text, "fuzz.yaml")) {
        assertThat(s).isNotNull();
      }
    } catch (SignatureFileException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("fuzz.yaml"));
    }
  }

  @Provide
  Arbitrary<String> mutated() {
    return TextMutations.mutationsOf(SEED, TOKENS, 4);
  }

  @Provide
  Arbitrary<String> soup() {
    return Arbitraries.oneOf(TextMutations.soup(TOKENS, 40), Arbitraries.strings().ofMaxLength(200));
  }
}
