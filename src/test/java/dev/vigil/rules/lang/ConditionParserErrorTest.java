package dev.vigil.rules.lang;

import static dev.vigil.rules.lang.DiagnosticCode.VR100;
import static dev.vigil.rules.lang.DiagnosticCode.VR101;
import static dev.vigil.rules.lang.DiagnosticCode.VR103;
import static dev.vigil.rules.lang.DiagnosticCode.VR104;
import static dev.vigil.rules.lang.DiagnosticCode.VR105;
import static dev.vigil.rules.lang.DiagnosticCode.VR106;
import static dev.vigil.rules.lang.DiagnosticCode.VR107;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** One test per error code of {@link ConditionParser}: code, position and message. */
class ConditionParserErrorTest {

  private static ParseException error(String text) {
    ParseException e = catchThrowableOfType(ParseException.class, () -> ConditionParser.parse(text));
    assertThat(e).as("expected a ParseException for: " + text).isNotNull();
    return e;
  }

  @Test
  void vr100_unexpectedEnd() {
    ParseException e = error("proc.name startswith");
    assertThat(e.code()).isEqualTo(VR100);
    assertThat(e.getMessage()).isEqualTo("unexpected end of condition, expected a value after 'startswith'");
    assertThat(e.pos()).isEqualTo(new Pos(1, 21));
    assertThat(error("").code()).isEqualTo(VR100);
    assertThat(error("   \n").code()).isEqualTo(VR100);
    assertThat(error("a and").getMessage())
        .isEqualTo("unexpected end of condition, expected a field, macro, 'not' or '('");
    assertThat(error("not").code()).isEqualTo(VR100);
    assertThat(error("proc.name").getMessage())
        .isEqualTo("unexpected end of condition, expected an operator after 'proc.name'");
    assertThat(error("proc.pid >").code()).isEqualTo(VR100);
    assertThat(error("proc.name in").code()).isEqualTo(VR100);
    assertThat(error("proc.aname[").code()).isEqualTo(VR100);
  }

  @Test
  void vr101_unexpectedToken() {
    ParseException e = error("a and )");
    assertThat(e.code()).isEqualTo(VR101);
    assertThat(e.pos()).isEqualTo(new Pos(1, 7));
    assertThat(e.getMessage()).isEqualTo("unexpected token ')', expected a field, macro, 'not' or '('");
    assertThat(error("a b").getMessage())
        .isEqualTo("unexpected token 'b', expected 'and', 'or' or the end of the condition");
    assertThat(error("a)").code()).isEqualTo(VR101);
    assertThat(error("and a").code()).isEqualTo(VR101);
    assertThat(error("a and or b").code()).isEqualTo(VR101);
    assertThat(error("proc.pid > abc").getMessage()).isEqualTo("unexpected token 'abc', expected a number after '>'");
    assertThat(error("proc.pid > '5'").code()).isEqualTo(VR101);
    assertThat(error("proc.name in \"x\"").code()).isEqualTo(VR101);
    assertThat(error("proc.name in (a,,b)").code()).isEqualTo(VR101);
    assertThat(error("proc.name = )").code()).isEqualTo(VR101);
    assertThat(error("proc.name contains\"x\"").getMessage())
        .isEqualTo("unexpected token '\"x\"', expected a blank after 'contains'");
    assertThat(error("proc.name (x)").code()).isEqualTo(VR101);
    assertThat(error("val(proc.name) = x").code()).isEqualTo(VR101);
    assertThat(error("proc.aname[] = x").code()).isEqualTo(VR101);
  }

  @Test
  void vr103_unterminatedString() {
    ParseException e = error("a and\n proc.name = \"bash");
    assertThat(e.code()).isEqualTo(VR103);
    assertThat(e.pos()).isEqualTo(new Pos(2, 14));
    assertThat(e.getMessage()).isEqualTo("unterminated string, expected a closing \"");
    assertThat(error("proc.name in ('a, b)").code()).isEqualTo(VR103);
    assertThat(error("proc.name = 'a\\'").code()).isEqualTo(VR103);
  }

  @Test
  void vr104_unknownOperator() {
    ParseException e = error("proc.name equals bash");
    assertThat(e.code()).isEqualTo(VR104);
    assertThat(e.pos()).isEqualTo(new Pos(1, 11));
    assertThat(e.getMessage()).isEqualTo("unknown operator 'equals' after 'proc.name'");
    assertThat(error("proc.name ~= bash").getMessage()).isEqualTo("unknown operator '~=' after 'proc.name'");
    assertThat(error("proc.name Contains x").code()).isEqualTo(VR104);
    assertThat(error("tolower(proc.name) and x").getMessage())
        .isEqualTo("unknown operator 'and' after 'tolower(proc.name)'");
    assertThat(error("proc.name inx (a)").code()).isEqualTo(VR104);
  }

  @Test
  void vr105_missingCloser() {
    ParseException e = error("(a and b");
    assertThat(e.code()).isEqualTo(VR105);
    assertThat(e.getMessage()).isEqualTo("missing ')' to close '(', found end of condition");
    assertThat(error("(a b)").getMessage()).isEqualTo("missing ')' to close '(', found 'b'");
    assertThat(error("proc.name in (a b)").getMessage())
        .isEqualTo("missing ')' to close the list after 'in', found 'b'");
    assertThat(error("tolower(proc.name = x").code()).isEqualTo(VR105);
    assertThat(error("proc.name = val(proc.pname").code()).isEqualTo(VR105);
    assertThat(error("proc.aname[2 = x").getMessage())
        .isEqualTo("missing ']' to close the argument of 'proc.aname', found a blank");
  }

  @Test
  void vr106_unsupportedEscape() {
    ParseException e = error("proc.name = \"a\\qb\"");
    assertThat(e.code()).isEqualTo(VR106);
    assertThat(e.pos()).isEqualTo(new Pos(1, 15));
    assertThat(e.getMessage()).isEqualTo("unsupported escape sequence \\q in quoted string");
    assertThat(error("proc.name = 'a\\\"b'").code()).isEqualTo(VR106);
    assertThat(error("proc.name = \"a\\'b\"").code()).isEqualTo(VR106);
  }

  @Test
  void vr107_nestingTooDeep() throws ParseException {
    int ok = ConditionParser.MAX_DEPTH;
    assertThat(ConditionParser.parse("(".repeat(ok) + "a" + ")".repeat(ok)))
        .isEqualTo(new Expr.MacroRef("a", new Pos(1, ok + 1)));
    assertThat(error("(".repeat(ok + 1) + "a" + ")".repeat(ok + 1)).code()).isEqualTo(VR107);
    assertThat(error("not ".repeat(10_000) + "a").code()).isEqualTo(VR107);
  }
}
