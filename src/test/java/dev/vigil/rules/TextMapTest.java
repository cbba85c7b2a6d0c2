package dev.vigil.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.rules.lang.Pos;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** {@link YamlText#textMap} and {@link TextMap}: positions in a scalar's value mapped back to its source. */
class TextMapTest {

  /** The {@code condition} scalar of the first item of {@code yaml}, with its map. */
  private static TextMap conditionMap(String yaml) {
    MappingNode item = (MappingNode) ((SequenceNode) new Yaml(new LoaderOptions())
        .compose(new StringReader(yaml))).getValue().get(0);
    for (NodeTuple t : item.getValue()) {
      if (((ScalarNode) t.getKeyNode()).getValue().equals("condition")) {
        return new YamlText(yaml).textMap("a.yaml", (ScalarNode) t.getValueNode());
      }
    }
    throw new AssertionError("no condition in " + yaml);
  }

  /** The lexer position of text offset {@code at}: LF, lone CR and CRLF end a line. */
  private static Pos lexerPos(String text, int at) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < at; i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new Pos(line, col);
  }

  /** The character of {@code yaml} at a 1-based file position (columns count code points, as YAML marks do). */
  private static int charAt(String yaml, Pos p) {
    String line = yaml.split("\r\n|\r|\n", -1)[p.line() - 1];
    return line.codePointAt(line.offsetByCodePoints(0, p.col() - 1));
  }

  /** Asserts that every non-blank character of the condition's value maps to that same character in the file. */
  private static void assertEveryCharacterMapsToItself(String yaml) {
    TextMap map = conditionMap(yaml);
    String value = map.text();
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c) || Character.isLowSurrogate(c)) {
        continue;
      }
      Pos inFile = map.toFilePos(lexerPos(value, i));
      if (charAt(yaml, inFile) != value.codePointAt(i)) {
        wrong.add("'" + c + "' at " + lexerPos(value, i) + " -> " + inFile);
      }
    }
    assertThat(wrong).as("value %s", value.replace("\n", "\\n")).isEmpty();
  }

  @Test
  void textMap_everyScalarStyle_mapsEachCharacterToItsSource() {
    assertEveryCharacterMapsToItself("- condition: evt.type = open and fd.num > 0  # comment\n");
    assertEveryCharacterMapsToItself("""
        - condition: evt.type = open
              and   fd.num > 0
            or (a = b
           and c = d)  # comment
          output: x
        """);
    assertEveryCharacterMapsToItself("""
        - condition:
            evt.type = open
            and fd.num > 0
        """);
    assertEveryCharacterMapsToItself("""
        - condition: >
            evt.type = open


            and (fd.num > 0
                 or fd.num < 0)
            and x\tin (a, b)
          output: x
        """);
    assertEveryCharacterMapsToItself("""
        - condition: |+2

              evt.type = open
            and fd.num > 0

          output: x
        """);
    assertEveryCharacterMapsToItself("""
        - condition: >-2
              evt.type = open
            and fd.num > 0
          output: x
        """);
    assertEveryCharacterMapsToItself("""
        - condition: "evt.type = open
            and fd.num > 0

            and x = y"
        """);
    assertEveryCharacterMapsToItself("- condition: 'a = b\n    and c = d'\n");
    assertEveryCharacterMapsToItself("- condition: >\r\n    evt.type = open\r\n    and fd.num > 0\r\n  output: x\r\n");
    assertEveryCharacterMapsToItself("- {output: x, condition: evt.type = open\n    and a = b}\n");
    assertEveryCharacterMapsToItself("- desc: \"\u00e9\ud83d\ude00\"\n  condition: >\n    \ud83d\ude00 = x\n    and b = \u00e9\n");
  }

  @Test
  void textMap_literalBlock_addsTheBlockIndentationOnEveryLine() {
    TextMap map = conditionMap("""
        - condition: |
            evt.type = open
              and fd.num > 0
        """);
    assertThat(map.text()).isEqualTo("evt.type = open\n  and fd.num > 0\n");
    assertThat(map.toFile(new Pos(1, 1))).isEqualTo(new Defs.Origin("a.yaml", new Pos(2, 5)));
    assertThat(map.toFilePos(new Pos(2, 3))).isEqualTo(new Pos(3, 7));
    // The end of the text (after the final line feed) is just after the last line's content.
    assertThat(map.toFilePos(new Pos(3, 1))).isEqualTo(new Pos(3, 21));
  }

  @Test
  void textMap_foldedBlock_mapsAcrossJoinedLines() {
    TextMap map = conditionMap("""
        - condition: >
            evt.type = open
            and fd.num > 0
        """);
    assertThat(map.text()).isEqualTo("evt.type = open and fd.num > 0\n");
    assertThat(map.toFilePos(new Pos(1, 17))).isEqualTo(new Pos(3, 5));
    // The space that stands for the line break maps to the end of the line before it.
    assertThat(map.toFilePos(new Pos(1, 16))).isEqualTo(new Pos(2, 20));
  }

  @Test
  void textMap_quotedWithEscape_isExactUpToTheEscapeThenCountsOnAlongThatLine() {
    TextMap map = conditionMap("""
        - condition: "a = b and
            c = \\"x\\" and d = e
            and f = g"
        """);
    assertThat(map.text()).isEqualTo("a = b and c = \"x\" and d = e and f = g");
    assertThat(map.toFilePos(new Pos(1, 1))).isEqualTo(new Pos(1, 15));
    assertThat(map.toFilePos(new Pos(1, 11))).isEqualTo(new Pos(2, 5));
    // Past the escape the value is shorter than the source: 'd' is counted on along line 2, 2 columns short.
    assertThat(map.toFilePos(new Pos(1, 23))).isEqualTo(new Pos(2, 17));
  }

  @Test
  void firstLine_isExactOnTheFirstLineAndCountsLaterLinesFromColumnOne() {
    TextMap map = TextMap.firstLine("a = b\nand c", new Defs.Origin("x.yaml", new Pos(7, 10)));
    assertThat(map.toFile(new Pos(1, 5))).isEqualTo(new Defs.Origin("x.yaml", new Pos(7, 14)));
    assertThat(map.toFilePos(new Pos(2, 5))).isEqualTo(new Pos(8, 5));
    assertThat(map.toFilePos(new Pos(2, 6))).isEqualTo(new Pos(8, 6));
  }

  @Test
  void append_joinsWithASpaceAndKeepsEachPartsFile() {
    TextMap first = TextMap.firstLine("a = b", new Defs.Origin("x.yaml", new Pos(3, 14)));
    TextMap second = TextMap.firstLine("and\nc = d", new Defs.Origin("y.yaml", new Pos(9, 5)));

    TextMap joined = first.append(second);

    assertThat(joined.text()).isEqualTo("a = b and\nc = d");
    assertThat(joined.origin()).isEqualTo(first.origin());
    assertThat(joined.toFile(new Pos(1, 5))).isEqualTo(new Defs.Origin("x.yaml", new Pos(3, 18)));
    assertThat(joined.toFile(new Pos(1, 7))).isEqualTo(new Defs.Origin("y.yaml", new Pos(9, 5)));
    assertThat(joined.toFile(new Pos(2, 5))).isEqualTo(new Defs.Origin("y.yaml", new Pos(10, 5)));
    assertThat(first.append(second)).isEqualTo(joined).hasSameHashCodeAs(joined);
  }
}
