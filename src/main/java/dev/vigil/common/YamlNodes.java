package dev.vigil.common;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * What the readers of positioned YAML (SnakeYAML nodes, kept for file:line:col messages: rules files, log
 * signature files) ask of a node: is it null, its scalar text, how to name it in a message, its line.
 */
public final class YamlNodes {

  private YamlNodes() {}

  /** True for an empty value or {@code ~}/{@code null}. */
  public static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** The scalar's text, or null when the node is not a non-null scalar. */
  public static String scalar(Node node) {
    return node instanceof ScalarNode && !isNull(node) ? ((ScalarNode) node).getValue() : null;
  }

  /** "a mapping", "a list", "empty" or the quoted scalar ({@code 'maybe'}), for messages about wrong types. */
  public static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return isNull(node) ? "empty" : "'" + ((ScalarNode) node).getValue() + "'";
  }

  /** The node's first line, 1-based. */
  public static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }
}
