package dev.vigil.rules.lang;

import static dev.vigil.rules.lang.DiagnosticCode.VR101;
import static dev.vigil.rules.lang.DiagnosticCode.VR104;
import static dev.vigil.rules.lang.DiagnosticCode.VR105;
import static dev.vigil.rules.lang.DiagnosticCode.VR107;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Recursive-descent parser for Falco condition expressions, following the grammar of libsinsp's filter parser:
 *
 * <pre>
 * expr    := or
 * or      := and ('or' and)*
 * and     := not ('and' not)*
 * not     := 'not' not | primary
 * primary := '(' expr ')' | check | macro
 * check   := field 'exists' | field op value | field listop list
 * field   := transformer '(' field ')' | name ['[' arg ']']
 * </pre>
 *
 * <p>A dotted name is a field; a dotless one is a macro reference unless an operator or {@code [} follows it, in
 * which case it is taken for a field and the compiler decides. Every node carries the 1-based line and column
 * where it starts in the condition text. Errors are {@link ParseException}s with the VR100 to VR107 codes of
 * {@link DiagnosticCode}, which explains each.
 *
 * <p>Stateless static API; each call uses its own parser instance, so it is thread-safe.
 */
public final class ConditionParser {

  /** Deepest nesting of groups, {@code not}s and transformers accepted; guards the Java stack. */
  public static final int MAX_DEPTH = 100;

  private static final String TERM = "a field, macro, 'not' or '('";

  private final ConditionLexer lx;
  private int depth;

  private ConditionParser(String text) {
    this.lx = new ConditionLexer(Objects.requireNonNull(text, "text"));
  }

  /** Parses a whole condition. */
  public static Expr parse(String text) throws ParseException {
    ConditionParser p = new ConditionParser(text);
    Expr e = p.parseOr();
    p.lx.skipBlanks();
    if (!p.lx.atEnd()) {
      throw p.lx.expected("'and', 'or' or the end of the condition");
    }
    return e;
  }

  /**
   * Parses a lone field reference as written in output templates and exceptions, such as {@code proc.aname[2]}
   * or {@code tolower(proc.name)}; surrounding blanks are ignored.
   */
  public static FieldRef parseField(String text) throws ParseException {
    ConditionParser p = new ConditionParser(text);
    p.lx.skipBlanks();
    FieldRef f = p.parseFieldRef();
    p.lx.skipBlanks();
    if (!p.lx.atEnd()) {
      throw p.lx.expected("the end of the field");
    }
    return f;
  }

  private Expr parseOr() throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    List<Expr> terms = new ArrayList<>();
    terms.add(parseAnd());
    while (keyword("or")) {
      terms.add(parseAnd());
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.Or(terms, pos);
  }

  private Expr parseAnd() throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    List<Expr> terms = new ArrayList<>();
    terms.add(parseNot());
    while (keyword("and")) {
      terms.add(parseNot());
    }
    return terms.size() == 1 ? terms.get(0) : new Expr.And(terms, pos);
  }

  /** Consumes the connective {@code word} if it comes next (after blanks). */
  private boolean keyword(String word) {
    lx.skipBlanks();
    return word.equals(lx.peekName()) && lx.tryConsume(word);
  }

  private Expr parseNot() throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    if (!"not".equals(lx.peekName())) {
      return parsePrimary();
    }
    lx.tryConsume("not");
    enter();
    Expr inner = parseNot();
    depth--;
    return new Expr.Not(inner, pos);
  }

  private Expr parsePrimary() throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    if (lx.tryConsume("(")) {
      enter();
      Expr inner = parseOr();
      lx.skipBlanks();
      if (!lx.tryConsume(")")) {
        throw missing(")", "to close '('");
      }
      depth--;
      return inner;
    }
    String name = lx.peekName();
    if (name == null || isKeyword(name)) {
      throw lx.expected(TERM);
    }
    boolean dotted = name.indexOf('.') >= 0;
    int after = lx.peek(name.length());
    if (dotted || after == '(' || after == '[') {
      return parseCheck(parseFieldRef(), pos);
    }
    lx.readName();
    lx.skipBlanks();
    String op = lx.peekOperator();
    if (op != null && Operators.isOperator(op)) {
      return parseCheck(new FieldRef(name, null, List.of(), pos), pos);
    }
    return new Expr.MacroRef(name, pos);
  }

  /** Parses the rest of a check once its field has been read: the operator and its right-hand side. */
  private Expr parseCheck(FieldRef field, Pos pos) throws ParseException {
    lx.skipBlanks();
    String after = "after '" + ConditionLexer.oneLine(field.display()) + "'";
    if (lx.atEnd()) {
      throw lx.expected("an operator " + after);
    }
    String op = lx.peekOperator();
    if (op == null || !Operators.isOperator(op)) {
      int c = lx.peek();
      if (ConditionLexer.isQuote(c) || c == '(' || c == ')' || c == ',') {
        throw lx.expected("an operator " + after);
      }
      throw new ParseException(VR104, lx.pos(), "unknown operator " + lx.describeOperator() + " " + after);
    }
    lx.tryConsume(op);
    if (Operators.UNARY.contains(op)) {
      return new Expr.Unary(field, op, pos);
    }
    if (Operators.needsBlankAfter(op) && !lx.atEnd() && !ConditionLexer.isBlank(lx.peek())) {
      throw lx.expected("a blank after '" + op + "'");
    }
    Operand value;
    if (Operators.NUMERIC.contains(op)) {
      value = parseNumber(op);
    } else if (Operators.LIST.contains(op)) {
      value = parseList(op);
    } else {
      value = parseValue(op);
    }
    return new Expr.Compare(field, op, value, pos);
  }

  private Operand parseValue(String op) throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    Operand field = tryFieldOperand();
    if (field != null) {
      return field;
    }
    if (ConditionLexer.isQuote(lx.peek())) {
      return new Operand.Value(lx.readQuoted(), true, pos);
    }
    String bare = lx.readBare();
    if (bare.isEmpty()) {
      throw lx.expected("a value after '" + op + "'");
    }
    return new Operand.Value(bare, false, pos);
  }

  private Operand parseNumber(String op) throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    Operand field = tryFieldOperand();
    if (field != null) {
      return field;
    }
    String what = "a number after '" + op + "'";
    if (!ConditionLexer.isBareChar(lx.peek())) {
      throw lx.expected(what);
    }
    String bare = lx.readBare();
    if (!Operators.isNumber(bare)) {
      throw new ParseException(VR101, pos, "unexpected token '" + bare + "', expected " + what);
    }
    return new Operand.Value(bare, false, pos);
  }

  /** A parenthesised list, or as Falco also allows, a bare list name or a field. */
  private Operand parseList(String op) throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    if (!lx.tryConsume("(")) {
      Operand field = tryFieldOperand();
      if (field != null) {
        return field;
      }
      String name = lx.peekName();
      if (name == null || name.indexOf('.') >= 0) {
        throw lx.expected("a list after '" + op + "'");
      }
      lx.readName();
      return new Operand.Value(name, false, pos);
    }
    List<Operand.Value> items = new ArrayList<>();
    lx.skipBlanks();
    if (lx.peek() != ')') {
      do {
        items.add(parseListItem());
        lx.skipBlanks();
      } while (lx.tryConsume(","));
    }
    if (!lx.tryConsume(")")) {
      throw missing(")", "to close the list after '" + op + "'");
    }
    return new Operand.ListValue(items, pos);
  }

  private Operand.Value parseListItem() throws ParseException {
    lx.skipBlanks();
    Pos pos = lx.pos();
    if (ConditionLexer.isQuote(lx.peek())) {
      return new Operand.Value(lx.readQuoted(), true, pos);
    }
    String bare = lx.readBare();
    if (bare.isEmpty()) {
      throw lx.expected("a list item");
    }
    return new Operand.Value(bare, false, pos);
  }

  /**
   * A field on the right of an operator, {@code val(f)} or a transformer such as {@code tolower(f)}; null when
   * no name followed by {@code (} is next. No bare value can hold {@code (}, so this never shadows a value.
   */
  private Operand tryFieldOperand() throws ParseException {
    Pos pos = lx.pos();
    String name = lx.peekName();
    if (name == null || name.indexOf('.') >= 0 || lx.peek(name.length()) != '(') {
      return null;
    }
    if (!name.equals("val")) {
      return new Operand.FieldValue(parseFieldRef(), pos);
    }
    lx.tryConsume("val(");
    lx.skipBlanks();
    FieldRef field = parsePlainField();
    lx.skipBlanks();
    if (!lx.tryConsume(")")) {
      throw missing(")", "to close 'val('");
    }
    return new Operand.FieldValue(field, pos);
  }

  /** {@code transformer(field)}, nested to any depth, or a plain field. */
  private FieldRef parseFieldRef() throws ParseException {
    Pos pos = lx.pos();
    String name = lx.peekName();
    if (name == null || name.indexOf('.') >= 0 || lx.peek(name.length()) != '(') {
      return parsePlainField();
    }
    if (isKeyword(name) || name.equals("val")) {
      throw lx.expected("a field");
    }
    lx.tryConsume(name + "(");
    enter();
    lx.skipBlanks();
    FieldRef inner = parseFieldRef();
    lx.skipBlanks();
    if (!lx.tryConsume(")")) {
      throw missing(")", "to close '" + name + "('");
    }
    depth--;
    List<String> transformers = new ArrayList<>(inner.transformers());
    transformers.add(name);
    return new FieldRef(inner.name(), inner.arg(), transformers, pos);
  }

  /** {@code name} or {@code name[arg]}, the argument quoted or bare and directly after the name. */
  private FieldRef parsePlainField() throws ParseException {
    Pos pos = lx.pos();
    String name = lx.peekName();
    if (name == null || isKeyword(name)) {
      throw lx.expected("a field");
    }
    lx.readName();
    if (!lx.tryConsume("[")) {
      return new FieldRef(name, null, List.of(), pos);
    }
    String arg;
    if (ConditionLexer.isQuote(lx.peek())) {
      arg = lx.readQuoted();
    } else {
      arg = lx.readFieldArg();
      if (arg.isEmpty()) {
        throw lx.expected("an argument for '" + name + "[' (a quoted or bare string)");
      }
    }
    if (!lx.tryConsume("]")) {
      throw missing("]", "to close the argument of '" + name + "'");
    }
    return new FieldRef(name, arg, List.of(), pos);
  }

  private ParseException missing(String closer, String why) {
    return new ParseException(VR105, lx.pos(), "missing '" + closer + "' " + why + ", found " + lx.describeNext());
  }

  private void enter() throws ParseException {
    if (++depth > MAX_DEPTH) {
      throw new ParseException(VR107, lx.pos(), "condition nested too deeply (more than " + MAX_DEPTH + " levels)");
    }
  }

  private static boolean isKeyword(String name) {
    return name.equals("and") || name.equals("or") || name.equals("not");
  }
}
