package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The literal pre-filter in front of {@code regex} must never change a match's outcome. */
class RegexLiteralFilterTest {

  @Test
  void requiredLiteral_findsTheLongestTopLevelLiteral() {
    assertThat(Matchers.requiredLiteral(Pattern.compile(".*id_(rsa|ed25519|ecdsa)( .*|$)"))).isEqualTo("id_");
    assertThat(Matchers.requiredLiteral(Pattern.compile("abc"))).isEqualTo("abc");
    assertThat(Matchers.requiredLiteral(Pattern.compile("x\\.y.*"))).isEqualTo("x.y");
    assertThat(Matchers.requiredLiteral(Pattern.compile("\\d+abc"))).isEqualTo("abc");
    assertThat(Matchers.requiredLiteral(Pattern.compile("ab*cd"))).isEqualTo("cd");
  }

  @Test
  void requiredLiteral_givesUpWhereNoLiteralIsCertain() {
    assertThat(Matchers.requiredLiteral(Pattern.compile("(.* )?(-e|-c)([ =].*|$)"))).isEmpty();
    assertThat(Matchers.requiredLiteral(Pattern.compile("abc|def"))).isEmpty();
    assertThat(Matchers.requiredLiteral(Pattern.compile("(?i)abc"))).isEmpty();
    assertThat(Matchers.requiredLiteral(Pattern.compile("abc", Pattern.CASE_INSENSITIVE))).isEmpty();
    assertThat(Matchers.requiredLiteral(Pattern.compile("\\x41bc"))).isEmpty();
    assertThat(Matchers.requiredLiteral(Pattern.compile("\\Qa.b\\E"))).isEmpty();
  }

  @Test
  void filteredRegex_agreesWithThePlainMatcher_onManyPatternsAndInputs() {
    List<String> patterns = List.of(".*id_(rsa|ed25519|ecdsa)( .*|$)", "(.*[ ,])?[ugoa]*[+=][rwxXt]*s[rwxXt]*([ ,].*|$)",
        ".*[|] *(/usr)?(/bin/)?(ba|da|z|k|a)?sh([ ;)&|].*|$)", "x\\.y.*", "ab*cd", "a{2}b", "\\d+abc", "abc",
        "(.* )?-o pool[.][^ ]+:[0-9]+( .*|$)", "a+b+", "^ab$", "a.c");
    List<String> inputs = List.of("", "abc", "xabc", "cat /root/.ssh/id_rsa", "cat id_rsa.pub", "u+s f", "chmod a+rws x",
        "echo x | sh", "echo x | sha256sum", "x.y", "xzy", "acd", "abbbcd", "aab", "ab", "12abc", "abc12",
        "-o pool.example:3333", "aabb", "ab\n", "a.c", "abc\u0000", "id_ed25519 ");
    for (String re : patterns) {
      Pattern p = Pattern.compile(re);
      Matchers.Scalar filtered = Matchers.regex(p);
      for (String in : inputs) {
        assertThat(filtered.test(in)).as("%s on %s", re, in).isEqualTo(p.matcher(in).matches());
      }
    }
  }
}
