package dev.vigil.detect.logsig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TextMutations;
import dev.vigil.fuzz.TryTimeLimit;
import java.util.List;
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

  private static final List<String> TOKENS = List.of("version: ",
      "groups:", "- group: ", "rule: ", "priority: ", "tags: [", "signatures:", "- id: ", "pattern: ", "patterns: [",
      "ignore_case: ", "abc", "UPPER", "a.b-c", "\u00e9\u00e9\u00e9\u00e9");

  @Property
  void anyTextParsesOrFailsWithItsProblems(@ForAll("inputs") String text) {
    try {
      for (Signature s : SignatureFile.parse(text, "fuzz.yaml")) {
        assertThat(s).isNotNull();
      }
    } catch (SignatureFileException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("fuzz.yaml"));
    }
  }

  @Provide
  Arbitrary<String> inputs() {
    return TextMutations.yamlInputs(SignatureFileTest.GOOD, TOKENS);
  }
}
