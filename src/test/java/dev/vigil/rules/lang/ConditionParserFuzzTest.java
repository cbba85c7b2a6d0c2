package dev.vigil.rules.lang;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.fuzz.TryTimeLimit;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Fuzzing of the condition lexer and parser: hostile text (token soup, deep nesting, arbitrary Unicode) either
 * parses or fails with a {@link ParseException}, never anything else (no stack overflow, no index error), and a
 * generated condition printed as text parses back to the same tree.
 */
@AddLifecycleHook(TryTimeLimit.class)
class ConditionParserFuzzTest {

  private static final List<String> TOKENS = List.of("and", "or", "not", "(", ")", " ", "  ", "\n", "\t", "=", "!=",
      "<", ">=", "in", "pmatch", "contains", "startswith", "exists", "glob", "regex", "proc.name", "fd.name",
      "container.label", "proc.aname", "[", "]", "[2]", ",", "'", "\"", "\\", "\\n", "\\x", "\\'", "val(", "tolower(",
      "len(", "spawned_process", "bash", "/usr/bin/", "1.5e+3", "0x1F", "-", "*", ".", "..", "a.", "\u00e9", "\ud83d",
      "\u0000", "\uffff");

  @Property
  void tokenSoupParsesOrFailsWithAParseError(@ForAll("tokenSoup") String text) {
    parsesOrFails(text);
  }

  @Property
  void arbitraryTextParsesOrFailsWithAParseError(@ForAll String text) {
    parsesOrFails(text);
  }

  @Property
  void deepNestingFailsCleanly(@ForAll("nestings") String text) {
    parsesOrFails(text);
  }

  @Property
  void fieldReferencesParseOrFailWithAParseError(@ForAll("tokenSoup") String text) {
    try {
      FieldRef f = ConditionParser.parseField(text);
      assertThat(f.name()).isNotEmpty();
    } catch (ParseException e) {
      assertThat(e.code()).isNotNull();
    }
  }

  @Property
  void printedConditionsParseBackToTheSameTree(@ForAll("conditions") String text) throws ParseException {
    Expr parsed = ConditionParser.parse(text);
    assertThat(print(parsed)).isEqualTo(text);
  }

  private static void parsesOrFails(String text) {
    try {
      assertThat(ConditionParser.parse(text)).isNotNull();
    } catch (ParseException e) {
      assertThat(e.code()).isNotNull();
      assertThat(e.pos().line()).isPositive();
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    return Arbitraries.of(TOKENS).list().ofMaxSize(40).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> nestings() {
    Arbitrary<String> opener = Arbitraries.of("(", "not ", "not(", "tolower(", "val(", "a.b in (", "x = (");
    return Combinators.combine(opener, Arbitraries.integers().between(1, 5_000), Arbitraries.of("", "a", "a.b exists"))
        .as((o, n, inner) -> o.repeat(n) + inner + ")".repeat(n));
  }

  @Provide
  Arbitrary<String> conditions() {
    return expr(3).map(ConditionParserFuzzTest::printTerm);
  }

  // Generated trees are printed with printTerm; a parsed tree must print to the same text.
  private Arbitrary<Object> expr(int depth) {
    Arbitrary<Object> leaf = Arbitraries.oneOf(macro(), compare(), unary());
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> sub = Arbitraries.lazy(() -> expr(depth - 1));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, leaf),
        net.jqwik.api.Tuple.of(1, sub.list().ofMinSize(2).ofMaxSize(2).map(l -> new Node("and", l))),
        net.jqwik.api.Tuple.of(1, sub.list().ofMinSize(2).ofMaxSize(2).map(l -> new Node("or", l))),
        net.jqwik.api.Tuple.of(1, sub.map(e -> new Node("not", List.of(e)))));
  }

  /** An and/or/not node of a generated tree; leaves are their printed text. */
  private record Node(String op, List<Object> children) {}

  private static String printTerm(Object o) {
    if (o instanceof String s) {
      return s;
    }
    Node n = (Node) o;
    if (n.op().equals("not")) {
      return "not (" + printTerm(n.children().get(0)) + ")";
    }
    return n.children().stream().map(c -> "(" + printTerm(c) + ")")
        .collect(Collectors.joining(" " + n.op() + " "));
  }

  private Arbitrary<Object> macro() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)
        .filter(s -> !List.of("and", "or", "not", "val").contains(s)).map(s -> s);
  }

  private Arbitrary<String> field() {
    return Combinators.combine(plainField(), Arbitraries.of("tolower", "toupper", "basename", "b64", "len").list()
        .ofMaxSize(2)).as((f, ts) -> {
          String s = f;
          for (String t : ts) {
            s = t + "(" + s + ")";
          }
          return s;
        });
  }

  /** A field without transformers (what {@code val(...)} takes). */
  private Arbitrary<String> plainField() {
    Arbitrary<String> name = Arbitraries.of("proc.name", "proc.cmdline", "fd.name", "container.image.repository");
    Arbitrary<String> withArg = Combinators.combine(Arbitraries.of("proc.aname", "container.label"),
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(6)).as((f, a) -> f + "[" + a + "]");
    return Arbitraries.oneOf(name, withArg);
  }

  private Arbitrary<Object> unary() {
    return field().map(f -> f + " exists");
  }

  private Arbitrary<Object> compare() {
    Arbitrary<String> value = Arbitraries.strings().ofMaxLength(12).map(ConditionParserFuzzTest::quote);
    Arbitrary<String> stringCheck = Combinators.combine(field(), Arbitraries.of("=", "!=", "contains", "icontains",
        "startswith", "endswith", "glob", "regex"), value).as((f, op, v) -> f + " " + op + " " + v);
    Arbitrary<String> listCheck = Combinators.combine(field(), Arbitraries.of("in", "intersects", "pmatch"),
        value.list().ofMinSize(1).ofMaxSize(4)).as((f, op, vs) -> f + " " + op + " (" + String.join(", ", vs) + ")");
    Arbitrary<String> numberCheck = Combinators.combine(field(), Arbitraries.of("<", "<=", ">", ">="),
        Arbitraries.integers().between(0, 1_000_000)).as((f, op, n) -> f + " " + op + " " + n);
    Arbitrary<String> fieldCheck = Combinators.combine(field(), plainField()).as((a, b) -> a + " = val(" + b + ")");
    return Arbitraries.oneOf(stringCheck, listCheck, numberCheck, fieldCheck).map(s -> s);
  }

  /** A value in double quotes with the escapes the lexer resolves. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** The tree as printTerm writes generated ones. */
  private static String print(Expr e) {
    if (e instanceof Expr.And a) {
      return a.terms().stream().map(t -> "(" + print(t) + ")").collect(Collectors.joining(" and "));
    } else if (e instanceof Expr.Or o) {
      return o.terms().stream().map(t -> "(" + print(t) + ")").collect(Collectors.joining(" or "));
    } else if (e instanceof Expr.Not n) {
      return "not (" + print(n.inner()) + ")";
    } else if (e instanceof Expr.MacroRef m) {
      return m.name();
    } else if (e instanceof Expr.Unary u) {
      return u.field().display() + " " + u.op();
    }
    Expr.Compare c = (Expr.Compare) e;
    return c.field().display() + " " + c.op() + " " + print(c.value());
  }

  private static String print(Operand o) {
    if (o instanceof Operand.Value v) {
      return v.quoted() ? quote(v.text()) : v.text();
    } else if (o instanceof Operand.ListValue l) {
      return "(" + l.items().stream().map(ConditionParserFuzzTest::print).collect(Collectors.joining(", ")) + ")";
    }
    return "val(" + ((Operand.FieldValue) o).field().display() + ")";
  }
}
