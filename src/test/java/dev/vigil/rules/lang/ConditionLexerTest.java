package dev.vigil.rules.lang;

import static dev.vigil.rules.lang.DiagnosticCode.VR100;
import static dev.vigil.rules.lang.DiagnosticCode.VR101;
import static dev.vigil.rules.lang.DiagnosticCode.VR103;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class ConditionLexerTest {

  @Test
  void namesAreIdentifiersWithOptionalDottedSegments() {
    assertThat(new ConditionLexer("proc.name=x").peekName()).isEqualTo("proc.name");
    assertThat(new ConditionLexer("k8s.ns.name ").peekName()).isEqualTo("k8s.ns.name");
    assertThat(new ConditionLexer("spawned_process)").peekName()).isEqualTo("spawned_process");
    assertThat(new ConditionLexer("proc.aname[2]").peekName()).isEqualTo("proc.aname");
    assertThat(new ConditionLexer("proc. name").peekName()).isEqualTo("proc");
    assertThat(new ConditionLexer("proc.1x").peekName()).isEqualTo("proc");
    assertThat(new ConditionLexer("_x").peekName()).isNull();
    assertThat(new ConditionLexer("9a").peekName()).isNull();
    assertThat(new ConditionLexer("").peekName()).isNull();
  }

  @Test
  void readNameConsumesAndAdvancesTheColumn() {
    ConditionLexer lx = new ConditionLexer("fd.name in");
    assertThat(lx.readName()).isEqualTo("fd.name");
    assertThat(lx.pos()).isEqualTo(new Pos(1, 8));
    assertThat(lx.skipBlanks()).isTrue();
    assertThat(lx.skipBlanks()).isFalse();
    assertThat(lx.readName()).isEqualTo("in");
    assertThat(lx.atEnd()).isTrue();
    assertThat(lx.peek()).isEqualTo(ConditionLexer.EOF);
  }

  @Test
  void bareWordsStopAtBlanksParensCommasEqualsAndQuotes() {
    for (String stop : new String[] {" ", "\t", "\n", "(", ")", ",", "=", "\"", "'"}) {
      ConditionLexer lx = new ConditionLexer("/usr/bin/" + stop + "rest");
      assertThat(lx.readBare()).as("stop at %s", stop).isEqualTo("/usr/bin/");
    }
    assertThat(new ConditionLexer("a<b>c!d[e]:f;g\\h rest").readBare()).isEqualTo("a<b>c!d[e]:f;g\\h");
    assertThat(new ConditionLexer(")").readBare()).isEmpty();
  }

  @Test
  void fieldArgumentsStopAtBracketsBlanksAndQuotes() {
    assertThat(new ConditionLexer("2]").readFieldArg()).isEqualTo("2");
    assertThat(new ConditionLexer("a(b),c=d]").readFieldArg()).isEqualTo("a(b),c=d");
    assertThat(new ConditionLexer("a b]").readFieldArg()).isEqualTo("a");
    assertThat(new ConditionLexer("]").readFieldArg()).isEmpty();
  }

  @Test
  void quotedStringsResolveEscapesAndAdvancePastTheClosingQuote() throws ParseException {
    ConditionLexer lx = new ConditionLexer("'a\\'b\\\\' x");
    assertThat(lx.readQuoted()).isEqualTo("a'b\\");
    assertThat(lx.pos()).isEqualTo(new Pos(1, 9));
    assertThat(new ConditionLexer("\"line1\nline2\"").readQuoted()).isEqualTo("line1\nline2");
  }

  @Test
  void unterminatedStringReportsItsOpeningQuote() {
    ConditionLexer lx = new ConditionLexer("\"abc\\");
    ParseException e = catchThrowableOfType(ParseException.class, lx::readQuoted);
    assertThat(e.code()).isEqualTo(VR103);
    assertThat(e.pos()).isEqualTo(new Pos(1, 1));
  }

  @Test
  void operatorsArePeekedWithoutConsuming() {
    ConditionLexer lx = new ConditionLexer("<=5");
    assertThat(lx.peekOperator()).isEqualTo("<=");
    assertThat(lx.pos()).isEqualTo(new Pos(1, 1));
    assertThat(new ConditionLexer("!=x").peekOperator()).isEqualTo("!=");
    assertThat(new ConditionLexer("==x").peekOperator()).isEqualTo("==");
    assertThat(new ConditionLexer("in(a)").peekOperator()).isEqualTo("in");
    assertThat(new ConditionLexer("startswith /").peekOperator()).isEqualTo("startswith");
    assertThat(new ConditionLexer("(a)").peekOperator()).isNull();
  }

  @Test
  void positionsCountLinesAndColumns() {
    ConditionLexer lx = new ConditionLexer("a\n  b\r\n c\rd");
    lx.readName();
    lx.skipBlanks();
    assertThat(lx.pos()).isEqualTo(new Pos(2, 3));
    lx.readName();
    lx.skipBlanks();
    assertThat(lx.pos()).isEqualTo(new Pos(3, 2));
    lx.readName();
    lx.skipBlanks();
    assertThat(lx.pos()).isEqualTo(new Pos(4, 1));
  }

  @Test
  void describeNextQuotesAndShortensTheToken() {
    assertThat(new ConditionLexer("").describeNext()).isEqualTo("end of condition");
    assertThat(new ConditionLexer(")x").describeNext()).isEqualTo("')'");
    assertThat(new ConditionLexer(" x").describeNext()).isEqualTo("a blank");
    assertThat(new ConditionLexer("\nx").describeNext()).isEqualTo("a line break");
    assertThat(new ConditionLexer("foo bar").describeNext()).isEqualTo("'foo'");
    assertThat(new ConditionLexer("'a b' c").describeNext()).isEqualTo("''a b''");
    assertThat(new ConditionLexer("x".repeat(50)).describeNext()).isEqualTo("'" + "x".repeat(30) + "...'");
  }

  @Test
  void expectedIsVr100AtTheEndAndVr101Elsewhere() {
    assertThat(new ConditionLexer("").expected("a value").code()).isEqualTo(VR100);
    ParseException e = new ConditionLexer(",").expected("a value");
    assertThat(e.code()).isEqualTo(VR101);
    assertThat(e.getMessage()).isEqualTo("unexpected token ',', expected a value");
  }
}
