package dev.vigil.detect.logsig;

import dev.vigil.common.TextLimits;
import static dev.vigil.common.YamlNodes.describe;
import static dev.vigil.common.YamlNodes.isNull;
import static dev.vigil.common.YamlNodes.line;
import static dev.vigil.common.YamlNodes.scalar;

import dev.vigil.alert.Priority;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a signature file: YAML with a {@code groups:} list, each group giving a rule name, priority, tags and a
 * default {@code ignore_case} to its {@code signatures:} (see {@code src/main/resources/signatures/default.yaml} for
 * the format and a commented example). Every problem in the file is collected, each with {@code file:line:col}, and
 * reported together in one {@link SignatureFileException}, so one run shows everything to fix. Stateless.
 */
public final class SignatureFile {

  /** Ids are stable names used in configuration ({@code disabled_signatures}) and alerts. */
  static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private static final Set<String> TOP_KEYS = Set.of("version", "groups");
  private static final Set<String> GROUP_KEYS = Set.of("group", "rule", "priority", "tags", "ignore_case",
      "signatures");
  private static final Set<String> SIGNATURE_KEYS = Set.of("id", "desc", "pattern", "patterns", "ignore_case",
      "rule", "priority", "tags");

  private final String source;
  private final List<String> problems = new ArrayList<>();

  private SignatureFile(String source) {
    this.source = source;
  }

  /**
   * Parses one file's text.
   *
   * @param source the name used in messages (a path, or {@code builtin:signatures/default.yaml})
   * @throws SignatureFileException listing every problem, each as {@code source:line:col: message}
   */
  public static List<Signature> parse(String text, String source) {
    SignatureFile f = new SignatureFile(source);
    List<Signature> out = f.read(text);
    if (!f.problems.isEmpty()) {
      throw new SignatureFileException(source, f.problems);
    }
    return out;
  }

  private List<Signature> read(String text) {
    java.util.Optional<String> longLine = TextLimits.checkLines(text);
    if (longLine.isPresent()) { // before parsing: a huge token costs the YAML scanner quadratic time
      problem((Mark) null, longLine.get());
      return List.of();
    }
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      problem(mark, "invalid YAML: " + oneLine(e.getProblem()));
      return List.of();
    } catch (YAMLException e) {
      problem((Mark) null, "invalid YAML: " + oneLine(e.getMessage()));
      return List.of();
    }
    if (root == null || isNull(root)) {
      problem((Mark) null, "the file is empty; expected a mapping with 'groups:'");
      return List.of();
    }
    Map<String, Node> top = mapping(root, TOP_KEYS, "the file");
    if (top == null) {
      return List.of();
    }
    Node version = top.get("version");
    if (version != null && !"1".equals(scalar(version))) {
      problem(version, "unsupported version " + describe(version) + "; this Vigil reads version 1");
    }
    Node groups = top.get("groups");
    if (groups == null) {
      problem(root, "missing 'groups:' (a list of signature groups)");
      return List.of();
    }
    if (!(groups instanceof SequenceNode)) {
      problem(groups, "'groups' must be a list, not " + describe(groups));
      return List.of();
    }
    List<Signature> out = new ArrayList<>();
    Map<String, Node> ids = new HashMap<>();
    for (Node g : ((SequenceNode) groups).getValue()) {
      readGroup(g, out, ids);
    }
    return out;
  }

  private void readGroup(Node node, List<Signature> out, Map<String, Node> ids) {
    Map<String, Node> g = mapping(node, GROUP_KEYS, "a group");
    if (g == null) {
      return;
    }
    String name = requiredString(g, "group", node, "a group");
    String what = name != null ? "group " + name : "the group at line " + line(node);
    String rule = requiredString(g, "rule", node, what);
    Priority priority = priority(g.get("priority"), node, what, null);
    List<String> tags = tags(g.get("tags"), List.of());
    boolean ignoreCase = bool(g.get("ignore_case"), true);
    Node sigs = g.get("signatures");
    if (sigs == null) {
      problem(node, what + " has no 'signatures:'");
      return;
    }
    if (!(sigs instanceof SequenceNode) || ((SequenceNode) sigs).getValue().isEmpty()) {
      problem(sigs, "'signatures' of " + what + " must be a non-empty list, not " + describe(sigs));
      return;
    }
    for (Node s : ((SequenceNode) sigs).getValue()) {
      Signature sig = readSignature(s, rule, priority, tags, ignoreCase, ids);
      if (sig != null) {
        out.add(sig);
      }
    }
  }

  private Signature readSignature(Node node, String groupRule, Priority groupPriority, List<String> groupTags,
      boolean groupIgnoreCase, Map<String, Node> ids) {
    Map<String, Node> s = mapping(node, SIGNATURE_KEYS, "a signature");
    if (s == null) {
      return null;
    }
    int before = problems.size();
    String id = requiredString(s, "id", node, "a signature");
    if (id != null) {
      if (!ID.matcher(id).matches()) {
        problem(s.get("id"), "signature id '" + id + "' must match " + ID.pattern());
      } else if (ids.containsKey(id)) {
        problem(s.get("id"), "duplicate signature id '" + id + "' (first defined at line "
            + line(ids.get(id)) + ")");
      } else {
        ids.put(id, s.get("id"));
      }
    }
    String what = id != null ? "signature " + id : "the signature at line " + line(node);
    String desc = s.containsKey("desc") ? string(s.get("desc"), what + " desc") : "";
    String rule = s.containsKey("rule") ? string(s.get("rule"), what + " rule") : groupRule;
    Priority priority = s.containsKey("priority") ? priority(s.get("priority"), node, what, null) : groupPriority;
    List<String> tags = tags(s.get("tags"), groupTags);
    boolean ignoreCase = bool(s.get("ignore_case"), groupIgnoreCase);
    List<String> patterns = patterns(s, node, what, ignoreCase);
    if (problems.size() > before || rule == null || priority == null || patterns.isEmpty()) {
      return null;
    }
    return new Signature(id, rule, priority, tags, desc, ignoreCase, patterns, source + ":" + line(node));
  }

  private List<String> patterns(Map<String, Node> s, Node node, String what, boolean ignoreCase) {
    Node one = s.get("pattern");
    Node many = s.get("patterns");
    if (one != null && many != null) {
      problem(many, what + " has both 'pattern' and 'patterns'; use one");
      return List.of();
    }
    List<Node> nodes;
    if (one != null) {
      nodes = List.of(one);
    } else if (many == null) {
      problem(node, what + " has no 'patterns:' (or 'pattern:')");
      return List.of();
    } else if (many instanceof SequenceNode && !((SequenceNode) many).getValue().isEmpty()) {
      nodes = ((SequenceNode) many).getValue();
    } else {
      problem(many, "'patterns' of " + what + " must be a non-empty list of strings, not " + describe(many));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Map<String, Node> seen = new HashMap<>();
    for (Node p : nodes) {
      String text = scalar(p);
      if (text == null) {
        problem(p, "a pattern of " + what + " must be a string, not " + describe(p));
        continue;
      }
      int bytes = text.getBytes(StandardCharsets.UTF_8).length;
      if (bytes < LiteralMatcher.MIN_LITERAL_BYTES) {
        problem(p, "pattern '" + text + "' of " + what + " is " + bytes + " bytes; patterns need at least "
            + LiteralMatcher.MIN_LITERAL_BYTES + " (shorter ones match too much of any log)");
        continue;
      }
      if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
        problem(p, "pattern of " + what + " contains a line break; log lines never do");
        continue;
      }
      String key = ignoreCase ? text.toLowerCase(Locale.ROOT) : text;
      if (seen.containsKey(key)) {
        problem(p, "pattern '" + text + "' of " + what + " repeats line " + line(seen.get(key))
            + (ignoreCase ? " (ignoring case)" : ""));
        continue;
      }
      seen.put(key, p);
      out.add(text);
    }
    return out;
  }

  /** The node as a key-to-value map, or null (with a problem reported) if it is not a mapping of known keys. */
  private Map<String, Node> mapping(Node node, Set<String> allowed, String what) {
    if (!(node instanceof MappingNode)) {
      problem(node, what + " must be a mapping, not " + describe(node));
      return null;
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      String key = scalar(t.getKeyNode());
      if (key == null) {
        problem(t.getKeyNode(), "keys must be plain words, not " + describe(t.getKeyNode()));
      } else if (!allowed.contains(key)) {
        problem(t.getKeyNode(), "unknown key '" + key + "' in " + what + " (expected one of "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      } else if (out.containsKey(key)) {
        problem(t.getKeyNode(), "duplicate key '" + key + "' in " + what);
      } else {
        out.put(key, t.getValueNode());
      }
    }
    return out;
  }

  private String requiredString(Map<String, Node> m, String key, Node owner, String what) {
    Node v = m.get(key);
    if (v == null) {
      problem(owner, what + " has no '" + key + ":'");
      return null;
    }
    return string(v, what + " " + key);
  }

  private String string(Node v, String what) {
    String s = scalar(v);
    if (s == null || s.isBlank()) {
      problem(v, what + " must be a non-empty string, not " + describe(v));
      return null;
    }
    return s.trim();
  }

  private Priority priority(Node v, Node owner, String what, Priority fallback) {
    if (v == null) {
      problem(owner, what + " has no 'priority:'");
      return fallback;
    }
    String s = scalar(v);
    if (s == null) {
      problem(v, "priority of " + what + " must be a word, not " + describe(v));
      return fallback;
    }
    try {
      return Priority.parse(s);
    } catch (IllegalArgumentException e) {
      problem(v, e.getMessage());
      return fallback;
    }
  }

  private List<String> tags(Node v, List<String> fallback) {
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof SequenceNode)) {
      problem(v, "'tags' must be a list of words, not " + describe(v));
      return fallback;
    }
    List<String> out = new ArrayList<>();
    for (Node t : ((SequenceNode) v).getValue()) {
      String s = scalar(t);
      if (s == null || s.isBlank()) {
        problem(t, "a tag must be a word, not " + describe(t));
      } else {
        out.add(s.trim());
      }
    }
    return out;
  }

  private boolean bool(Node v, boolean fallback) {
    if (v == null) {
      return fallback;
    }
    String s = scalar(v);
    if ("true".equalsIgnoreCase(s)) {
      return true;
    }
    if ("false".equalsIgnoreCase(s)) {
      return false;
    }
    problem(v, "'ignore_case' must be true or false, not " + describe(v));
    return fallback;
  }

  private void problem(Node node, String message) {
    problem(node == null ? null : node.getStartMark(), message);
  }

  private void problem(Mark mark, String message) {
    problems.add(mark == null
        ? source + ": " + message
        : source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": " + message);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
