package dev.vigil.rules.lang;

/**
 * Every code a rules diagnostic can carry, with its severity, a short title and an explanation a user can act on.
 * {@code docs/DIAGNOSTICS.md} is generated from this table ({@code vigil rules diagnostics --markdown}). Codes are
 * stable: VR for errors (a load with one fails), VW for warnings. VR0xx come from reading the files and items,
 * VR1xx from parsing and compiling conditions and outputs. It lives in {@code rules.lang} because the condition
 * parser raises some of these codes and that package depends on nothing else.
 */
public enum DiagnosticCode {

  VR000(Severity.ERROR, "Rules file cannot be read", """
      A path given with `--rules` (or to `vigil rules validate`) could not be read: it does not exist, the agent's \
      user may not read it, a directory could not be listed, or the file is not valid UTF-8. Nothing of that file is \
      loaded. Check the path and its permissions, and save the file as UTF-8. A directory loads the files in it whose \
      names end in `.yaml` or `.yml`, in name order. Falco also fails on a rules file it cannot read."""),

  VR001(Severity.ERROR, "Invalid YAML, or a key repeated in one mapping", """
      Either the file is not valid YAML (bad indentation, a tab used to indent, an unclosed quote or bracket, ...), or \
      one mapping has the same key twice. Invalid YAML is reported where the YAML parser gave up (the mistake may be a \
      line or two earlier) and none of the file is loaded, as in Falco. A repeated key makes its item be ignored; keep \
      one of the two keys. Unlike Falco, which stops at a file's first error, the other items are still read and \
      checked, so one run reports every broken item."""),

  VR002(Severity.ERROR, "Not a list of items", """
      A rules file must be a YAML list whose entries are mappings such as `- list: name`, `- macro: name` or `- rule: \
      name` (`- required_engine_version:` and `- required_plugin_versions:` are accepted too). This is reported for a \
      document that is a mapping or a plain value, and for a list entry that is not a mapping; that document or entry \
      is ignored. Write each item as a mapping under a `-`."""),

  VR003(Severity.ERROR, "Required key missing or empty", """
      An item lacks a key it needs or leaves it empty: the name (`list:`, `macro:`, `rule:`), a list's `items`, a \
      macro's `condition`, a new rule's `condition`, `output`, `desc` and `priority`, an exception's `name`, or the \
      value of `enabled` in an item that only sets it. An empty string is refused wherever text is expected. The item \
      is ignored. Add the key, or remove an empty one. To change a rule that is already defined rather than define a \
      new one, write `override:` (then only the overridden keys are needed)."""),

  VR004(Severity.ERROR, "Value of the wrong type", """
      A key has a value of the wrong shape: `items`, `tags`, `exceptions` or an exception's `values` not a list, a \
      list entry that is itself a list or mapping, `enabled`, `skip-if-unknown-filter`, `warn_evttypes`, `capture` or \
      `append` not a boolean, text expected where a list or mapping is written, `override` not a mapping, an empty \
      exception value, or `required_engine_version` neither a number nor an x.y.z version. The item is ignored and the \
      message names the key and what was found. Booleans are written as Falco's YAML library reads them: true, false, \
      yes, no, on, off, y or n."""),

  VR005(Severity.ERROR, "Nothing to append", """
      A rule item has `append: true` but neither a `condition` nor `exceptions` to add to the existing rule. The item \
      is ignored. Add the condition text or exceptions to append, or remove the item. `append: true` is deprecated \
      (see VW004): `override: {condition: append}` says the same and is checked more precisely."""),

  VR006(Severity.ERROR, "Override does not match the item", """
      An item's `override:` and its keys disagree: an operation other than `append` or `replace`, a key that cannot be \
      appended (a rule appends to `condition`, `output`, `desc`, `tags` and `exceptions`; a list to `items`; a macro \
      to `condition`) or cannot be replaced, a key named under `override:` that the item does not give, or a key of a \
      rule item (such as `priority` or `enabled`) that is given but not named under `override:`. As in Falco, every \
      key an overriding item changes must be named under `override:` with its operation. The item is ignored; make the \
      keys and the `override:` entries match."""),

  VR007(Severity.ERROR, "Both append and override", """
      One item has both the deprecated `append: true` and `override:`. The item is ignored. Remove `append` and say \
      `append` for each key under `override:`, e.g. `override: {condition: append}`."""),

  VR008(Severity.ERROR, "Malformed exception", """
      A rule's exception cannot be used: it has no `fields`; `fields`, `comps` and a row of `values` have different \
      lengths; a single (non-list) field has a `comps` other than `in`, `pmatch` or `intersects`, or values given as \
      lists of lists; an appended exception of an existing name also gives `fields` or `comps` (only values can be \
      appended); a new exception added by an append has no values; or a name in `fields` is not a field reference. \
      Falco refuses such exceptions too. Give one comparison operator and one value per field, e.g. `fields: \
      [proc.name, fd.name]`, `comps: [=, startswith]`, `values: [[nginx, /var/log/]]`."""),

  VR009(Severity.ERROR, "Rules file too large, or a line too long", """
      A rules file is larger than 16 MB, or one of its lines is longer than 65,536 characters. The file is not read. \
      Both are checked before the YAML is parsed, in time linear in the file, because the YAML scanner's cost grows \
      with the square of a token's length (a 10 MB value on one line would take minutes of CPU). Falco's own rules \
      files are under 100 KB with lines under 1,000 characters. Write long lists and conditions over several lines \
      (YAML folds them back into one value), or split the file."""),

  VR010(Severity.ERROR, "Append or override of an undefined item", """
      An item appends to, overrides or (with a standalone `enabled:`) switches a list, macro or rule that is not \
      defined in this file before it or in a file loaded earlier. Files load in order: the built-in rules, then each \
      `--rules` path. The item is ignored. Check the name's spelling (it must match exactly), move the item after the \
      definition, or load the defining file first. If the earlier definition had an error of its own, only that error \
      is reported. Falco also refuses an append to an undefined item. `override: {items: replace}` on a list and \
      `override: {condition: replace}` on a macro are plain definitions and need no earlier one."""),

  VR011(Severity.ERROR, "Rule redefined for another source", """
      A rule is defined again under the same name with a different `source` (a missing `source` means `syscall`). The \
      new definition is ignored. Give the rule another name, or use the same `source`."""),

  VR100(Severity.ERROR, "Condition ends too early", """
      The condition ended where more was expected: an empty condition, or one ending in `and`, `or`, `not`, an \
      operator without its value, or a `(` or `[` with nothing after it (a `)` missing at the end is VR105). The \
      message says what was expected; the position is just after the last word. Complete the expression. In a \
      multi-line YAML condition, check that no line was lost to indentation."""),

  VR101(Severity.ERROR, "Unexpected token in condition", """
      The condition has something where the grammar does not allow it: two operators in a row, a closing parenthesis \
      without an opening one, a quoted string where a number is needed after `<`, `<=`, `>` or `>=`, a `val()` used on \
      the left of an operator, an empty `[]` argument, text after the end of the expression, and so on. The message \
      names the token found and what was expected there. Compare with the condition grammar (Falco's): `field op \
      value`, `field in (a, b)`, `field exists`, a macro name, `not`, `and`, `or` and parentheses."""),

  VR103(Severity.ERROR, "Unterminated quoted string", """
      A quoted string in the condition has no closing quote of the same kind; the position is where the string starts. \
      Close it. Inside a string, the quote character that delimits it is written with a backslash (`'it\\'s'`), or use \
      the other kind of quote around it."""),

  VR104(Severity.ERROR, "Unknown operator", """
      A field is followed by a word or symbol that is not an operator, e.g. `proc.name is bash` or `proc.name Contains \
      x` (operators are case-sensitive). The operators are `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, \
      `icontains`, `startswith`, `endswith`, `glob`, `iglob`, `regex`, `bcontains`, `bstartswith`, `in`, `intersects`, \
      `pmatch` and `exists`, as in Falco. A dotless name that is followed by an operator is taken for a field; a macro \
      is written alone."""),

  VR105(Severity.ERROR, "Missing closing parenthesis or bracket", """
      A `(` of a group, a value list, a transformer or `val()` has no matching `)`, or a field argument such as \
      `proc.aname[2` has no `]`. The position is where the closer was expected; the message says what it closes and \
      what was found instead. Add the missing `)` or `]`."""),

  VR106(Severity.ERROR, "Unsupported escape in quoted string", """
      A backslash in a quoted string is followed by a character Falco's condition language does not accept as an \
      escape. Accepted are `\\b`, `\\f`, `\\n`, `\\r`, `\\t`, `\\\\`, `\\/`, `\\ ` (read as one backslash, as Falco \
      does) and the string's own quote. The other quote kind needs no backslash. To match a backslash, write \
      `\\\\`."""),

  VR107(Severity.ERROR, "Condition nested too deeply", """
      The condition nests parentheses, `not`s and transformers more than %d levels deep, which Vigil refuses so that \
      its parser's stack stays bounded. Such a condition is almost always generated by mistake; flatten it, e.g. with \
      `in (...)` lists or macros.""".formatted(ConditionParser.MAX_DEPTH)),

  VR110(Severity.ERROR, "Undefined macro", """
      The condition uses a name without a dot that is not followed by an operator, so it is read as a macro, and no \
      macro of that name is defined in any loaded file. Falco refuses undefined macros too. Check the spelling; define \
      the macro (in any loaded file); with `--no-default-rules` the built-in macros (`spawned_process`, `container`, \
      `open_write`, ...) are not there. If the name was meant as a field, it is missing its operator; a list name \
      cannot stand alone either, it is written after `in`."""),

  VR111(Severity.ERROR, "Macro cycle", """
      A macro uses itself, directly or through other macros; the message shows the chain. Such a macro has no meaning, \
      and every rule using it fails. Break the cycle, usually by moving the shared part into a third macro that \
      neither of them uses."""),

  VR112(Severity.ERROR, "Unknown field", """
      A condition or exception names a field that Vigil does not have and that is not one of Falco's fields either, \
      usually a typo; the message suggests the closest known name when there is one. The list of fields is `vigil \
      fields` (docs/FIELDS.md). A Falco field that Vigil lacks is not this error: the rule loads disabled with VW010, \
      as rules written for Falco are expected to use such fields."""),

  VR113(Severity.ERROR, "Operator does not fit the field", """
      An operator is used with a field or value it does not apply to: `<`, `<=`, `>` or `>=` on a field that is not a \
      number; `contains`, `icontains`, `startswith`, `endswith`, `glob`, `iglob` or `regex` on a number or boolean \
      field; or a list of values after an operator that takes one value (as an exception row can give, with `comps: \
      [=]` and a list value). The field types are in `vigil fields`. Use an operator of the field's type, or another \
      field."""),

  VR114(Severity.ERROR, "Value does not fit the field", """
      A value compared with a typed field cannot be read as that type: not a number for a numeric field, not a whole \
      number (decimal, 0x hex or 0 octal) for an integer field (a fraction is not truncated), or not `true` or `false` \
      for a boolean field. This applies to values after `=`, `!=`, `in`, the numeric operators and in exceptions. \
      Write the value in the field's type (`vigil fields` shows it)."""),

  VR115(Severity.ERROR, "List cycle", """
      A list contains its own name, directly or through other lists it contains (list items naming a list are replaced \
      by that list's items). Remove the item that closes the loop."""),

  VR116(Severity.ERROR, "Field argument missing or not allowed", """
      A field is given a `[argument]` it does not take (e.g. `proc.name[1]`), or is used without the argument it needs \
      (e.g. `container.label` instead of `container.label[app]`). `vigil fields` shows each field with `[n]`, `[key]` \
      or `[path]` when it takes one."""),

  VR117(Severity.ERROR, "Unknown transformer", """
      A field is wrapped in a function that is not a transformer Vigil knows. The known ones are `tolower()`, \
      `toupper()`, `basename()`, `b64()` and `len()`; the message lists them. Fix the name or compare the field \
      without it."""),

  VR118(Severity.ERROR, "Unknown field in output", """
      A rule's `output` names, as `%field`, a field that neither Vigil nor Falco has, usually a typo. Falco also \
      refuses an output it cannot compile. Use a field from `vigil fields`. A Falco field that Vigil lacks is not an \
      error: it prints `<NA>`, as Falco prints a field it cannot extract."""),

  VR119(Severity.ERROR, "Invalid regular expression", """
      The value after `regex` is not a valid regular expression in RE2's syntax (the linear-time engine Vigil runs, \
      as Falco does; docs/RULES.md, *Regular expressions*), or a `glob`/`pmatch` pattern has a bracket set RE2 \
      refuses (such as `[z-a]`); the message gives the reason. Escape regex metacharacters meant literally. `regex` \
      must match the whole value (as RE2's FullMatch does), so write `.*` around a pattern that may occur anywhere \
      in it."""),

  VR120(Severity.ERROR, "Unknown priority", """
      A rule's `priority` is not one of Emergency, Alert, Critical, Error, Warning, Notice, Informational or Debug (in \
      any letter case; `Info` and `Warn` are accepted too). Use one of these."""),

  VR121(Severity.ERROR, "Regular expression construct RE2 does not support", """
      The value after `regex` uses a construct of backtracking engines (Java, PCRE) that RE2 lacks: a backreference \
      (`\\1`, `\\k<name>`), a lookahead or lookbehind (`(?=`, `(?!`, `(?<=`, `(?<!`), an atomic group (`(?>`), a \
      possessive quantifier (`*+`, `++`, `?+`, `{n}+`), `\\Z`, `\\G`, `\\R`, `\\h`, `\\X`, a Java class such \
      as `\\p{Alpha}` or a flag other than `i`, `m`, `s`, `U`. Vigil matches with RE2 so that no value can make a \
      match take more than time linear in its length; these constructs are what makes backtracking engines \
      exponential. The message names the construct, its offset in the pattern and what to write instead (often a \
      second `regex` under `not`, or `$` for `\\Z`); docs/RULES.md lists the differences."""),

  VW001(Severity.WARNING, "Unknown top-level item", """
      A list entry is a mapping with none of the keys `list`, `macro`, `rule`, `required_engine_version` and \
      `required_plugin_versions`; the message names its first key. The entry is ignored, as Falco ignores unknown \
      items with a warning. Check the spelling of the item's first key."""),

  VW002(Severity.WARNING, "Unknown key", """
      A list, macro, rule or exception has a key Vigil does not know; the key is ignored, as in Falco. It is usually a \
      misspelling (`condtion`) or a key placed on the wrong item. Fix or remove it."""),

  VW003(Severity.WARNING, "Key ignored by append or enabled item", """
      A rule item with the deprecated `append: true` gives a key other than `condition` or `exceptions` (e.g. \
      `priority`), or an item that only sets `enabled` gives other rule keys. Those keys change nothing. To change \
      them, use `override:` with `replace` for each key."""),

  VW004(Severity.WARNING, "Deprecated syntax", """
      The item uses syntax Falco has deprecated: `append: true` on a list, macro or rule, or a rule item with only \
      `enabled:` to switch an existing rule on or off. It still works. Write `override: {condition: append}` (or \
      `items: append`, `exceptions: append`, ...) instead of `append: true`, and `override: {enabled: replace}` next \
      to `enabled:`."""),

  VW005(Severity.WARNING, "Two exceptions with one name", """
      A rule item defines more than one exception with the same `name`. Both are kept; a later append of values to \
      that name goes to the first. Falco warns about this too. Give each exception a unique name."""),

  VW006(Severity.WARNING, "List or macro name not usable in a condition", """
      A list's name contains blanks, quotes, parentheses, `=` or `,`, or a macro's name is not letters, digits and `_` \
      starting with a letter. Such a name cannot be written in a condition, so no condition can refer to the item; \
      Falco warns about such names too. Rename it."""),

  VW010(Severity.WARNING, "Rule disabled: needs what this host does not provide", """
      The rule loads disabled because it needs something Vigil cannot provide here: a Falco field or operator Vigil \
      does not support (e.g. `bcontains`, or `val()` with an operator other than `=` or `!=`), a field whose sensor is \
      not running on this host (file reads, the executable's layer and socket descriptors need the kernel sensors), an \
      event `source` Vigil does not support, or only event types that no running sensor produces. The message names \
      what is missing; `vigil rules list` shows it too. The rule switches on where the sensor runs. A rule with \
      Falco's `skip-if-unknown-filter: true` is disabled without this warning when the reason is an unsupported field \
      or source. `vigil monitor` logs these at debug level (with a one-line summary), and `vigil rules validate` does \
      not show them for the built-in rules."""),

  VW011(Severity.WARNING, "Output field cannot be read", """
      A `%` reference in a rule's `output` is not a well-formed field reference (e.g. an empty `[]` argument), so it \
      cannot be extracted and always prints `<NA>`. Fix the reference."""),

  VW020(Severity.WARNING, "Unused macro", """
      A macro is defined but no rule uses it, directly or through other macros. It costs nothing at run time, but it \
      often means a rule refers to it under another name. Falco warns about unused macros too. Use it or remove it.""");

  /** How bad a diagnostic is: errors make a load fail, warnings do not. */
  public enum Severity {
    ERROR,
    WARNING;

    /** The word diagnostics print: {@code error} or {@code warning}. */
    public String label() {
      return this == ERROR ? "error" : "warning";
    }
  }

  private final Severity severity;
  private final String title;
  private final String explanation;

  DiagnosticCode(Severity severity, String title, String explanation) {
    this.severity = severity;
    this.title = title;
    this.explanation = explanation;
  }

  public Severity severity() {
    return severity;
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /** A few words naming the problem. */
  public String title() {
    return title;
  }

  /** One paragraph (Markdown, no line breaks): what raises the code and how to fix it. */
  public String explanation() {
    return explanation;
  }
}
