package dev.vigil.rules;

import dev.vigil.common.YamlNodes;
import dev.vigil.rules.lang.Pos;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One rules file's text seen through SnakeYAML nodes: 1-based positions, where a scalar's text lies in the file, and
 * duplicate key detection. Immutable once built; safe to share between threads.
 */
final class YamlText {

  // YAML 1.1 (SnakeYAML) also breaks lines at NEL, LS and PS; marks count lines the same way.
  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|[\r\n\u0085\u2028\u2029]");

  private final String[] lines;

  YamlText(String text) {
    this.lines = LINE_BREAK.split(text, -1);
  }

  static Pos pos(Node node) {
    return pos(node.getStartMark());
  }

  static Pos pos(Mark mark) {
    return new Pos(mark.getLine() + 1, mark.getColumn() + 1);
  }

  /** "a mapping", "a list", "empty" or "the value '...'", for messages about wrong types. */
  static String describe(Node node) {
    return YamlNodes.scalar(node) != null ? "the value " + YamlNodes.describe(node) : YamlNodes.describe(node);
  }

  /**
   * Where Pos(1,1) of a scalar's value lies in the file. Plain scalars start at their node, quoted ones one column
   * after the quote, block scalars ({@code >} or {@code |}) on the line after the indicator at the block's
   * indentation. For positions past the first line, use {@link #textMap}.
   */
  Pos textOrigin(ScalarNode node) {
    Mark start = node.getStartMark();
    ScalarStyle style = node.getScalarStyle();
    if (style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED) {
      return new Pos(start.getLine() + 1, start.getColumn() + 2);
    }
    if (style != ScalarStyle.LITERAL && style != ScalarStyle.FOLDED) {
      return pos(start);
    }
    int firstLine = start.getLine() + 1;
    int lastLine = Math.min(node.getEndMark().getLine(), lines.length - 1);
    for (int i = firstLine; i <= lastLine; i++) {
      String line = lines[i];
      int indent = 0;
      while (indent < line.length() && line.charAt(indent) == ' ') {
        indent++;
      }
      if (indent < line.length()) {
        return new Pos(firstLine + 1, indent + 1);
      }
    }
    return new Pos(firstLine + 1, 1);
  }

  /**
   * Maps positions in {@code node}'s value back to this file, by walking the value and the node's source lines
   * together: each source line's content (indentation and trailing blanks left out) is found verbatim in the value,
   * after the blanks and line breaks YAML put between lines. This covers every way YAML rewrites line ends:
   * literal blocks ({@code |}) keep them and drop the block indentation; folded blocks ({@code >}) and plain or
   * quoted multi-line scalars join lines with a space and turn blank lines into line feeds.
   *
   * <p>Quoted scalars are exact up to the first escape ({@code \"}, {@code ''}, an escaped line break, ...), which
   * makes the value differ from the source; positions after it are counted on along that source line (for a
   * single-line quoted scalar, its first line), so they may be a few columns off, or past the line's end.
   */
  TextMap textMap(String file, ScalarNode node) {
    String value = node.getValue();
    TextMap.Builder map = new TextMap.Builder(value, new Defs.Origin(file, textOrigin(node)));
    Mark start = node.getStartMark();
    Mark end = node.getEndMark();
    ScalarStyle style = node.getScalarStyle();
    boolean block = style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
    int quote = style == ScalarStyle.DOUBLE_QUOTED || style == ScalarStyle.SINGLE_QUOTED ? 1 : 0;
    int lastLine = Math.min(end.getLine(), lines.length - 1);
    int t = 0;
    // A block's content starts on the line after its indicator.
    for (int i = block ? start.getLine() + 1 : start.getLine(); i <= lastLine; i++) {
      String line = lines[i];
      int from = i == start.getLine() ? charIndex(line, start.getColumn() + quote) : 0;
      int to = i == end.getLine() ? charIndex(line, end.getColumn() - quote) : line.length();
      while (from < to && isBlank(line.charAt(from))) {
        from++;
      }
      while (to > from && isBlank(line.charAt(to - 1))) {
        to--;
      }
      if (from == to) {
        continue;
      }
      int p = t;
      while (p < value.length() && isSeparator(value.charAt(p))) {
        p++;
      }
      if (p == value.length()) {
        break;
      }
      int k = 0;
      while (from + k < to && p + k < value.length() && value.charAt(p + k) == line.charAt(from + k)) {
        k++;
      }
      if (k > 0) {
        map.piece(p, p + k, i + 1, line.codePointCount(0, from) + 1);
      }
      if (from + k < to) {
        return map.build(false);
      }
      t = p + k;
    }
    return map.build(true);
  }

  /** The char index of a mark's column (which counts code points), clamped to the line. */
  private static int charIndex(String line, int codePoints) {
    int n = Math.max(0, Math.min(codePoints, line.codePointCount(0, line.length())));
    return line.offsetByCodePoints(0, n);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** What YAML may put in a value between two source lines' contents. */
  private static boolean isSeparator(char c) {
    return isBlank(c) || c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /**
   * Calls {@code duplicate} with the key node of every repeated scalar key in any mapping under {@code root}.
   * Needed because SnakeYAML only rejects duplicates when constructing objects, and we only compose nodes.
   */
  static void findDuplicateKeys(Node root, Consumer<Node> duplicate) {
    walk(root, duplicate, new IdentityHashMap<>());
  }

  private static void walk(Node node, Consumer<Node> duplicate, Map<Node, Boolean> seen) {
    // Aliases make the node tree a graph, possibly a cyclic one.
    if (seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof MappingNode) {
      Set<String> keys = new HashSet<>();
      for (NodeTuple t : ((MappingNode) node).getValue()) {
        String key = YamlNodes.scalar(t.getKeyNode());
        if (key != null && !keys.add(key)) {
          duplicate.accept(t.getKeyNode());
        }
        walk(t.getKeyNode(), duplicate, seen);
        walk(t.getValueNode(), duplicate, seen);
      }
    } else if (node instanceof SequenceNode) {
      for (Node child : ((SequenceNode) node).getValue()) {
        walk(child, duplicate, seen);
      }
    }
  }

  /** Folds a multi-line message (SnakeYAML's often are) into one line. */
  static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*[\r\n]+\\s*", " ");
  }
}
