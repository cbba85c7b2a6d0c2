package dev.vigil.rules;

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
 * Fuzzing of the rules-file reader: for any text it returns (it is documented never to throw for bad input), with
 * every problem as a diagnostic carrying a code, the file's name and a 1-based position.
 */
@AddLifecycleHook(TryTimeLimit.class)
class RulesReaderFuzzTest {

  private static final String SEED = """
      - required_engine_version: 0.26.0
      - list: shop_bins
        items: [node, npm, "sh"]
      - macro: shop_containers
        condition: container.image.repository startswith registry.example.com/shop/
      - rule: Unexpected process in shop container
        desc: The shop images only ever run node, npm and sh.
        condition: >
          spawned_process and shop_containers and not proc.name in (shop_bins)
        output: Unexpected process (command=%proc.cmdline parent=%proc.pname container=%container.name)
        priority: WARNING
        tags: [container, process, mitre_execution, T1059]
      - rule: Remote file copy tool launched in container
        exceptions:
          - name: ci_images
            fields: [container.image.repository, proc.name]
            comps: [startswith, =]
            values: [[registry.example.com/ci/, wget]]
        override:
          exceptions: append
      - list: shop_bins
        items: [python3]
        append: true
      """;

  private static final List<String> TOKENS = List.of("- rule: ", "- macro: ",
      "- list: ", "condition: ", "output: ", "priority: ", "exceptions:", "override:", "append: true", "enabled: false",
      "items: ", "values: [[", "comps: [", "fields: [", "%proc.name", "(", ")", " and ", " not ", "source: k8s_audit");

  @Property
  void anyTextIsReadWithDiagnostics(@ForAll("inputs") String text) {
    Defs.Collected c = RulesReader.read(List.of(new RulesReader.Source("fuzz.yaml", text)));
    for (Diagnostic d : c.diagnostics()) {
      assertThat(d.code()).isNotNull();
      assertThat(d.file()).isEqualTo("fuzz.yaml");
      assertThat(d.message()).isNotBlank();
      if (d.pos() != null) {
        assertThat(d.pos().line()).isPositive();
        assertThat(d.pos().col()).isPositive();
      }
    }
  }

  @Provide
  Arbitrary<String> inputs() {
    return TextMutations.yamlInputs(SEED, TOKENS);
  }
}
