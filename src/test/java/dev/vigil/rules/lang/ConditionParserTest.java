package dev.vigil.rules.lang;

import static dev.vigil.rules.lang.DiagnosticCode.VR100;
import static dev.vigil.rules.lang.DiagnosticCode.VR101;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionParserTest {

  private static Expr parse(String text) throws ParseException {
    return ConditionParser.parse(text);
  }

  private static ParseException error(String text) {
    ParseException e = catchThrowableOfType(ParseException.class, () -> ConditionParser.parse(text));
    assertThat(e).as("expected a ParseException for: " + text).isNotNull();
    return e;
  }

  private static Expr.MacroRef macro(String name, int line, int col) {
    return new Expr.MacroRef(name, new Pos(line, col));
  }

  private static Expr.Compare compare(String text) throws ParseException {
    Expr e = parse(text);
    assertThat(e).isInstanceOf(Expr.Compare.class);
    return (Expr.Compare) e;
  }

  private static Operand.Value value(String text) throws ParseException {
    Operand v = compare(text).value();
    assertThat(v).isInstanceOf(Operand.Value.class);
    return (Operand.Value) v;
  }

  // --- boolean structure ---------------------------------------------------------------------------------------

  @Test
  void singleMacroReference() throws ParseException {
    assertThat(parse("spawned_process")).isEqualTo(macro("spawned_process", 1, 1));
  }

  @Test
  void andBindsTighterThanOr_andNotTighterThanAnd() throws ParseException {
    Expr e = parse("a or b and not c");
    assertThat(e).isEqualTo(new Expr.Or(List.of(macro("a", 1, 1),
        new Expr.And(List.of(macro("b", 1, 6), new Expr.Not(macro("c", 1, 16), new Pos(1, 12))), new Pos(1, 6))),
        new Pos(1, 1)));
  }

  @Test
  void notAppliesToTheNextTermOnly() throws ParseException {
    Expr e = parse("not a and b");
    assertThat(e).isEqualTo(new Expr.And(List.of(new Expr.Not(macro("a", 1, 5), new Pos(1, 1)), macro("b", 1, 11)),
        new Pos(1, 1)));
  }

  @Test
  void notCoversAWholeCheck() throws ParseException {
    Expr e = parse("not proc.name in (a, b)");
    assertThat(e).isInstanceOf(Expr.Not.class);
    assertThat(((Expr.Not) e).inner()).isInstanceOf(Expr.Compare.class);
  }

  @Test
  void parenthesesOverridePrecedence() throws ParseException {
    Expr e = parse("(a or b) and c");
    assertThat(e).isEqualTo(new Expr.And(List.of(
        new Expr.Or(List.of(macro("a", 1, 2), macro("b", 1, 7)), new Pos(1, 2)), macro("c", 1, 14)), new Pos(1, 1)));
  }

  @Test
  void chainsAreFlattened() throws ParseException {
    assertThat(parse("a and b and c")).isEqualTo(
        new Expr.And(List.of(macro("a", 1, 1), macro("b", 1, 7), macro("c", 1, 13)), new Pos(1, 1)));
    assertThat(parse("a or b or c or d")).isInstanceOfSatisfying(Expr.Or.class,
        or -> assertThat(or.terms()).hasSize(4));
  }

  @Test
  void parenthesisedChainsStayNested() throws ParseException {
    Expr e = parse("a and (b and c)");
    assertThat(e).isInstanceOfSatisfying(Expr.And.class, and -> {
      assertThat(and.terms()).hasSize(2);
      assertThat(and.terms().get(1)).isInstanceOf(Expr.And.class);
    });
  }

  @Test
  void doubleNegationStaysNested() throws ParseException {
    assertThat(parse("not not a")).isEqualTo(
        new Expr.Not(new Expr.Not(macro("a", 1, 9), new Pos(1, 5)), new Pos(1, 1)));
  }

  @Test
  void connectivesMayTouchAParenthesis() throws ParseException {
    Expr e = parse("not(a)and(b)or(c)");
    assertThat(e).isEqualTo(new Expr.Or(List.of(
        new Expr.And(List.of(new Expr.Not(macro("a", 1, 5), new Pos(1, 1)), macro("b", 1, 11)), new Pos(1, 1)),
        macro("c", 1, 16)), new Pos(1, 1)));
  }

  @Test
  void wordsThatStartWithAKeywordAreMacros() throws ParseException {
    assertThat(parse("notify or order or android")).isInstanceOfSatisfying(Expr.Or.class,
        or -> assertThat(or.terms()).containsExactly(macro("notify", 1, 1), macro("order", 1, 11),
            macro("android", 1, 20)));
  }

  @Test
  void redundantParenthesesAndBlanksAreAccepted() throws ParseException {
    assertThat(parse("  ((( a )))\n\t")).isEqualTo(macro("a", 1, 7));
  }

  // --- checks and operators ------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"=", "==", "!=", "contains", "icontains", "bcontains", "startswith", "bstartswith",
      "endswith", "glob", "iglob", "regex"})
  void everyStringOperator(String op) throws ParseException {
    Expr.Compare c = compare("proc.name " + op + " x");
    assertThat(c.field().name()).isEqualTo("proc.name");
    assertThat(c.op()).isEqualTo(op);
    assertThat(c.value()).isEqualTo(new Operand.Value("x", false, new Pos(1, 12 + op.length())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"<", "<=", ">", ">="})
  void everyNumericOperator(String op) throws ParseException {
    Expr.Compare c = compare("evt.rawres " + op + " 0");
    assertThat(c.op()).isEqualTo(op);
    assertThat(c.value()).isEqualTo(new Operand.Value("0", false, new Pos(1, 13 + op.length())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"in", "intersects", "pmatch"})
  void everyListOperator(String op) throws ParseException {
    Expr.Compare c = compare("fd.name " + op + " (a, b)");
    assertThat(c.op()).isEqualTo(op);
    assertThat(c.value()).isInstanceOfSatisfying(Operand.ListValue.class,
        l -> assertThat(l.items()).extracting(Operand.Value::text).containsExactly("a", "b"));
  }

  @Test
  void existsIsUnary() throws ParseException {
    assertThat(parse("proc.pname exists")).isEqualTo(new Expr.Unary(
        new FieldRef("proc.pname", null, List.of(), new Pos(1, 1)), "exists", new Pos(1, 1)));
  }

  @Test
  void symbolOperatorsNeedNoBlanks() throws ParseException {
    assertThat(compare("proc.name=bash").value()).isEqualTo(new Operand.Value("bash", false, new Pos(1, 11)));
    assertThat(compare("proc.name!=bash").op()).isEqualTo("!=");
    assertThat(compare("fd.num>=0").op()).isEqualTo(">=");
    assertThat(compare("proc.name=\"a b\"").value()).isEqualTo(new Operand.Value("a b", true, new Pos(1, 11)));
    assertThat(compare("fd.name in(a)").value()).isInstanceOf(Operand.ListValue.class);
  }

  @Test
  void numbersInFalcoSyntax() throws ParseException {
    for (String n : List.of("0", "-1", "+5", "3.14", "1.5e+10", "0x1F", "32767")) {
      assertThat(value("fd.sport <= " + n).text()).isEqualTo(n);
    }
  }

  @Test
  void dotlessNameFollowedByAnOperatorIsAField() throws ParseException {
    Expr.Compare c = compare("foo = bar");
    assertThat(c.field()).isEqualTo(new FieldRef("foo", null, List.of(), new Pos(1, 1)));
    assertThat(parse("foo exists")).isInstanceOf(Expr.Unary.class);
    assertThat(compare("foo in (a)").op()).isEqualTo("in");
    assertThat(compare("foo[1] = x").field().arg()).isEqualTo("1");
  }

  @Test
  void checkPositionsAreWhereTheFieldStarts() throws ParseException {
    Expr e = parse("a and  proc.name = x");
    Expr.Compare c = (Expr.Compare) ((Expr.And) e).terms().get(1);
    assertThat(c.pos()).isEqualTo(new Pos(1, 8));
    assertThat(c.field().pos()).isEqualTo(new Pos(1, 8));
    assertThat(c.value().pos()).isEqualTo(new Pos(1, 20));
  }

  // --- values --------------------------------------------------------------------------------------------------

  @Test
  void bareWordsFollowFalcosRule() throws ParseException {
    for (String w : List.of("/usr/bin/", "127.0.0.1", "-c", "*.sh", "user@host", "sha256:abc", "C:\\x", "0x10",
        "a<b", "!x", "x]y", "\\")) {
      assertThat(value("proc.name = " + w)).isEqualTo(new Operand.Value(w, false, new Pos(1, 13)));
    }
  }

  @Test
  void bareWordsEndAtBlanksParenthesesCommasEqualsAndQuotes() throws ParseException {
    Expr e = parse("(proc.args endswith \\)");
    assertThat(((Operand.Value) ((Expr.Compare) e).value()).text()).isEqualTo("\\");
    Expr or = parse("proc.name = bash\tor x = y");
    Expr.Compare first = (Expr.Compare) ((Expr.Or) or).terms().get(0);
    assertThat(first.value()).isEqualTo(new Operand.Value("bash", false, new Pos(1, 13)));
  }

  @Test
  void quotedValuesKeepTheirQuotedness() throws ParseException {
    assertThat(value("proc.name = 'bash'")).isEqualTo(new Operand.Value("bash", true, new Pos(1, 13)));
    assertThat(value("proc.name = \"\"")).isEqualTo(new Operand.Value("", true, new Pos(1, 13)));
    assertThat(value("proc.name = \"a (b), c = d\"").text()).isEqualTo("a (b), c = d");
  }

  @Test
  void escapesInQuotedStrings() throws ParseException {
    assertThat(value("x.y = \"a\\\\b\"").text()).isEqualTo("a\\b");
    assertThat(value("x.y = \"say \\\"hi\\\"\"").text()).isEqualTo("say \"hi\"");
    assertThat(value("x.y = 'it\\'s'").text()).isEqualTo("it's");
    assertThat(value("x.y = \"\\n\\t\\r\\b\\f\\/\"").text()).isEqualTo("\n\t\r\b\f/");
    assertThat(value("x.y = \"it's\"").text()).isEqualTo("it's");
    assertThat(value("x.y = 'say \"hi\"'").text()).isEqualTo("say \"hi\"");
  }

  @Test
  void backslashSpaceReadsAsABackslashAsInFalco() throws ParseException {
    assertThat(value("proc.args contains \"\\ \"").text()).isEqualTo("\\");
  }

  // --- lists ---------------------------------------------------------------------------------------------------

  @Test
  void listItemsMayBeQuotedOrBare() throws ParseException {
    Operand v = compare("proc.name in (bash, \"a, b\", 'c)', shell_binaries)").value();
    assertThat(v).isEqualTo(new Operand.ListValue(List.of(
        new Operand.Value("bash", false, new Pos(1, 15)),
        new Operand.Value("a, b", true, new Pos(1, 21)),
        new Operand.Value("c)", true, new Pos(1, 29)),
        new Operand.Value("shell_binaries", false, new Pos(1, 35))), new Pos(1, 14)));
  }

  @Test
  void emptyListsAreAllowed() throws ParseException {
    assertThat(compare("proc.name in ()").value()).isEqualTo(new Operand.ListValue(List.of(), new Pos(1, 14)));
    assertThat(compare("proc.name in (  \n )").value()).isInstanceOfSatisfying(Operand.ListValue.class,
        l -> assertThat(l.items()).isEmpty());
  }

  @Test
  void listsMaySpanLines() throws ParseException {
    Operand v = compare("fd.name in (\n  /etc,\n  /root\n)").value();
    assertThat(v).isEqualTo(new Operand.ListValue(List.of(
        new Operand.Value("/etc", false, new Pos(2, 3)), new Operand.Value("/root", false, new Pos(3, 3))),
        new Pos(1, 12)));
  }

  @Test
  void listOperatorAcceptsABareListName() throws ParseException {
    assertThat(compare("proc.name in shell_binaries").value())
        .isEqualTo(new Operand.Value("shell_binaries", false, new Pos(1, 14)));
  }

  // --- fields --------------------------------------------------------------------------------------------------

  @Test
  void fieldArguments() throws ParseException {
    assertThat(compare("proc.aname[2] = sshd").field())
        .isEqualTo(new FieldRef("proc.aname", "2", List.of(), new Pos(1, 1)));
    assertThat(compare("evt.arg[name] = x").field().arg()).isEqualTo("name");
    assertThat(compare("k8s.pod.label[app.kubernetes.io/name] = x").field().arg())
        .isEqualTo("app.kubernetes.io/name");
    assertThat(compare("evt.arg['a b'] = x").field().arg()).isEqualTo("a b");
    assertThat(parse("ka.req.pod.containers.image exists")).isInstanceOf(Expr.Unary.class);
  }

  @Test
  void transformersNestInnermostFirst() throws ParseException {
    FieldRef f = compare("toupper( tolower(proc.aname[1]) ) = BASH").field();
    assertThat(f).isEqualTo(new FieldRef("proc.aname", "1", List.of("tolower", "toupper"), new Pos(1, 1)));
    assertThat(f.display()).isEqualTo("toupper(tolower(proc.aname[1]))");
    assertThat(compare("len(proc.args) > 100").field().transformers()).containsExactly("len");
  }

  @Test
  void valComparesFieldToField() throws ParseException {
    assertThat(compare("proc.name = val(proc.pname)").value()).isEqualTo(
        new Operand.FieldValue(new FieldRef("proc.pname", null, List.of(), new Pos(1, 17)), new Pos(1, 13)));
    assertThat(compare("proc.pid > val(proc.aname[1])").value()).isInstanceOf(Operand.FieldValue.class);
    assertThat(compare("proc.name in val(proc.args)").value()).isInstanceOf(Operand.FieldValue.class);
  }

  @Test
  void transformerOnTheRightIsAFieldValue() throws ParseException {
    assertThat(compare("proc.name = tolower(proc.pname)").value()).isEqualTo(new Operand.FieldValue(
        new FieldRef("proc.pname", null, List.of("tolower"), new Pos(1, 13)), new Pos(1, 13)));
  }

  @Test
  void parseFieldAcceptsTemplateAndExceptionFields() throws ParseException {
    assertThat(ConditionParser.parseField("proc.aname[2]"))
        .isEqualTo(new FieldRef("proc.aname", "2", List.of(), new Pos(1, 1)));
    assertThat(ConditionParser.parseField(" tolower(proc.name) "))
        .isEqualTo(new FieldRef("proc.name", null, List.of("tolower"), new Pos(1, 2)));
    ParseException e = catchThrowableOfType(ParseException.class, () -> ConditionParser.parseField("proc.name x"));
    assertThat(e.code()).isEqualTo(VR101);
    e = catchThrowableOfType(ParseException.class, () -> ConditionParser.parseField(""));
    assertThat(e.code()).isEqualTo(VR100);
  }

  // --- positions -----------------------------------------------------------------------------------------------

  @Test
  void positionsTrackLines() throws ParseException {
    Expr e = parse("spawned_process\n  and proc.name = bash\n  and not\n    fd.name in (x)");
    List<Expr> terms = ((Expr.And) e).terms();
    assertThat(terms.get(1).pos()).isEqualTo(new Pos(2, 7));
    assertThat(terms.get(2).pos()).isEqualTo(new Pos(3, 7));
    assertThat(((Expr.Not) terms.get(2)).inner().pos()).isEqualTo(new Pos(4, 5));
  }

  @Test
  void errorOnLineThreeReportsLineAndColumn() {
    ParseException e = error("spawned_process\n  and proc.name = bash\n  and fd.name in (a, )");
    assertThat(e.code()).isEqualTo(VR101);
    assertThat(e.pos()).isEqualTo(new Pos(3, 22));
    assertThat(e.getMessage()).isEqualTo("unexpected token ')', expected a list item");
  }

  @Test
  void crlfCountsAsOneLineBreak() throws ParseException {
    Expr e = parse("a and\r\n  b");
    assertThat(((Expr.And) e).terms().get(1).pos()).isEqualTo(new Pos(2, 3));
  }
}
