package dev.vigil.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

class YamlNodesTest {

  private static Node value(MappingNode root, String key) {
    for (NodeTuple t : root.getValue()) {
      if (key.equals(YamlNodes.scalar(t.getKeyNode()))) {
        return t.getValueNode();
      }
    }
    throw new AssertionError("no key " + key);
  }

  @Test
  void namesScalarsNullsListsAndMappings() {
    MappingNode root = (MappingNode) new Yaml().compose(new StringReader(
        "word: maybe\nnothing:\ntilde: ~\nlist: [1, 2]\nmap:\n  a: 1\nquoted: 'null'\n"));
    assertThat(YamlNodes.scalar(value(root, "word"))).isEqualTo("maybe");
    assertThat(YamlNodes.describe(value(root, "word"))).isEqualTo("'maybe'");
    assertThat(YamlNodes.isNull(value(root, "nothing"))).isTrue();
    assertThat(YamlNodes.isNull(value(root, "tilde"))).isTrue();
    assertThat(YamlNodes.scalar(value(root, "tilde"))).isNull();
    assertThat(YamlNodes.describe(value(root, "nothing"))).isEqualTo("empty");
    assertThat(YamlNodes.isNull(value(root, "quoted"))).isFalse();
    assertThat(YamlNodes.scalar(value(root, "quoted"))).isEqualTo("null");
    assertThat(YamlNodes.scalar(value(root, "list"))).isNull();
    assertThat(YamlNodes.describe(value(root, "list"))).isEqualTo("a list");
    assertThat(YamlNodes.describe(value(root, "map"))).isEqualTo("a mapping");
    assertThat(YamlNodes.line(value(root, "list"))).isEqualTo(4);
    assertThat(YamlNodes.line(value(root, "map"))).isEqualTo(6);
  }
}
