package dev.vigil.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.alert.Priority;
import dev.vigil.common.ConfigBinding;
import dev.vigil.common.DurationText;
import dev.vigil.common.SizeText;
import dev.vigil.common.TextLimits;
import dev.vigil.engine.RulesConfig;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.delivery.FsyncPolicy;
import dev.vigil.sink.opensearch.OpenSearchConfig;
import dev.vigil.sink.route.AggregationOptions;
import dev.vigil.store.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's configuration file ({@code vigil monitor --config FILE}), YAML with snake_case keys; the schema and
 * every default are in docs/CONFIGURATION.md. Every section and key is optional. Unknown keys are errors naming
 * the file, line and column, with the keys that are allowed there and the closest one; durations are written
 * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; sizes {@code 512KB}, {@code 256MB}, {@code 1GB} (powers of
 * 1024) or plain bytes; priorities as in Falco rules. {@code ${NAME}} and {@code ${NAME:-default}} in a string value
 * are replaced by the environment variable, so secrets (webhook URLs, HMAC secrets, tokens) need not be written in
 * the file; an unset variable without a default is an error. The whole file, the sections other packages own
 * ({@code sinks.opensearch}, {@code store}, {@code detectors}) included, is bound when it is loaded, through
 * {@link ConfigBinding}, so every error is found before anything is opened. Immutable.
 */
record ConfigFile(
    @JsonProperty("data_dir") Path dataDir,
    Delivery delivery,
    Aggregation aggregation,
    Sinks sinks,
    StoreConfig store,
    DetectorSettings detectors,
    RulesConfig rules) {

  /** The largest configuration file read. */
  static final long MAX_FILE_BYTES = 4L << 20;

  /** Defaults for every network sink (each may override them). */
  record Delivery(
      Integer queue,
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout,
      BackoffSection backoff,
      @JsonProperty("spool_max_bytes") @JsonDeserialize(using = SizeText.Deserializer.class) Long spoolMaxBytes,
      @JsonDeserialize(using = FsyncValue.class) FsyncPolicy fsync) {

    Delivery {
      checkDelivery(queue, timeout, spoolMaxBytes);
    }
  }

  /** Exponential back-off between delivery attempts. */
  record BackoffSection(
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration initial,
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration max) {

    BackoffSection {
      positive("initial", initial);
      positive("max", max);
      if (initial != null && max != null && max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff max must not be shorter than initial");
      }
    }
  }

  /** Folding of repeated alerts. */
  record Aggregation(
      Boolean enabled,
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration window,
      @JsonProperty("max_keys") Integer maxKeys,
      Map<String, RuleAggregation> rules,
      List<String> never) {

    Aggregation {
      positive("max_keys", maxKeys);
      if (window != null && window.isNegative()) {
        throw new IllegalArgumentException("window must not be negative");
      }
    }
  }

  /** One rule's aggregation. */
  record RuleAggregation(
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration window,
      List<String> key) {

    RuleAggregation {
      if (window != null && window.isNegative()) {
        throw new IllegalArgumentException("window must not be negative");
      }
    }
  }

  /** Where alerts go. */
  record Sinks(
      Stdout stdout,
      FileOut file,
      Slack slack,
      List<Webhook> webhooks,
      OpenSearchConfig opensearch) {}

  /** Alerts on standard output. */
  record Stdout(
      Boolean enabled,
      @JsonProperty("min_priority") @JsonDeserialize(using = PriorityValue.class) Priority minPriority) {}

  /** The JSON-lines alerts file. */
  record FileOut(
      Boolean enabled,
      Path path,
      @JsonProperty("max_size") @JsonDeserialize(using = SizeText.Deserializer.class) Long maxSize,
      @JsonProperty("max_files") Integer maxFiles,
      @JsonProperty("min_priority") @JsonDeserialize(using = PriorityValue.class) Priority minPriority) {

    FileOut {
      if (maxFiles != null && maxFiles < 0) {
        throw new IllegalArgumentException("max_files must not be negative");
      }
    }

    /** Rotation size in bytes; 0 (the default) never rotates. */
    long maxSizeOrZero() {
      return maxSize == null ? 0 : maxSize;
    }

    /** Rotated files kept (default 5). */
    int maxFilesOrDefault() {
      return maxFiles == null ? 5 : maxFiles;
    }
  }

  /** A Slack incoming webhook. */
  record Slack(
      Boolean enabled,
      @JsonProperty("webhook_url") String webhookUrl,
      @JsonProperty("min_priority") @JsonDeserialize(using = PriorityValue.class) Priority minPriority,
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout,
      Integer queue,
      BackoffSection backoff,
      @JsonProperty("spool_max_bytes") @JsonDeserialize(using = SizeText.Deserializer.class) Long spoolMaxBytes,
      @JsonDeserialize(using = FsyncValue.class) FsyncPolicy fsync) {

    Slack {
      checkDelivery(queue, timeout, spoolMaxBytes);
    }

    @Override
    public String toString() {
      return "Slack[webhook_url=(hidden)]";
    }
  }

  /** A generic webhook. */
  record Webhook(
      String name,
      String url,
      Map<String, String> headers,
      @JsonProperty("hmac_secret") String hmacSecret,
      @JsonProperty("min_priority") @JsonDeserialize(using = PriorityValue.class) Priority minPriority,
      @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout,
      @JsonProperty("ca_file") Path caFile,
      Integer queue,
      BackoffSection backoff,
      @JsonProperty("spool_max_bytes") @JsonDeserialize(using = SizeText.Deserializer.class) Long spoolMaxBytes,
      @JsonDeserialize(using = FsyncValue.class) FsyncPolicy fsync) {

    Webhook {
      if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException("every webhook needs a name of letters, digits, '_' or '-' (got "
            + (name == null ? "none" : "'" + name + "'") + ")");
      }
      if (url == null || url.isBlank()) {
        throw new IllegalArgumentException("webhook " + name + " needs a url");
      }
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      checkDelivery(queue, timeout, spoolMaxBytes);
    }

    @Override
    public String toString() {
      return "Webhook[name=" + name + ", url=(hidden), headers=" + headers.keySet() + "]";
    }
  }

  static ConfigFile empty() {
    return new ConfigFile(null, null, null, null, null, null, null);
  }

  // ------------------------------------------------------------------------------------------- resolved values

  /** The delivery defaults: the file's {@code delivery:} section over {@link DeliveryOptions#defaults()}. */
  DeliveryOptions deliveryDefaults() {
    DeliveryOptions d = DeliveryOptions.defaults();
    Delivery f = delivery;
    if (f == null) {
      return d;
    }
    return merge(d, null, f.queue(), f.timeout(), f.backoff(), f.spoolMaxBytes(), f.fsync());
  }

  static DeliveryOptions merge(DeliveryOptions d, Priority min, Integer queue, Duration timeout,
      BackoffSection backoff, Long spool, FsyncPolicy fsync) {
    Duration initial = backoff != null && backoff.initial() != null ? backoff.initial() : d.backoffInitial();
    Duration max = backoff != null && backoff.max() != null ? backoff.max() : d.backoffMax();
    if (max.compareTo(initial) < 0) {
      max = initial;
    }
    return new DeliveryOptions(min != null ? min : d.minPriority(), queue != null ? queue : d.queue(),
        timeout != null ? timeout : d.timeout(), initial, max, spool != null ? spool : d.spoolMaxBytes(),
        fsync != null ? fsync : d.fsync());
  }

  /** Aggregation as configured (default: on, 60 s, 10,000 keys). */
  AggregationOptions aggregationOptions() {
    Aggregation a = aggregation;
    if (a == null) {
      return AggregationOptions.defaults();
    }
    if (Boolean.FALSE.equals(a.enabled())) {
      return AggregationOptions.off();
    }
    Map<String, AggregationOptions.RuleAggregation> rules = new LinkedHashMap<>();
    if (a.rules() != null) {
      a.rules().forEach((rule, r) -> rules.put(rule, new AggregationOptions.RuleAggregation(
          r == null ? null : r.window(), r == null ? null : r.key())));
    }
    return new AggregationOptions(a.window() != null ? a.window() : AggregationOptions.DEFAULT_WINDOW,
        a.maxKeys() != null ? a.maxKeys() : AggregationOptions.DEFAULT_MAX_KEYS, rules,
        a.never() == null ? Set.of() : new HashSet<>(a.never()));
  }

  /** The {@code store:} section, its defaults when the file has none. */
  StoreConfig storeSettings() {
    return store != null ? store : StoreConfig.defaults();
  }

  /** The {@code detectors:} section, every detector's defaults when the file has none. */
  DetectorSettings detectorSettings() {
    return detectors != null ? detectors : DetectorSettings.defaults();
  }

  /** The {@code rules:} section (the evaluation budget), its defaults when the file has none. */
  RulesConfig rulesSettings() {
    return rules != null ? rules : RulesConfig.defaults();
  }

  Sinks sinksOrEmpty() {
    return sinks != null ? sinks : new Sinks(null, null, null, null, null);
  }

  /** The alerts file section when it names a path and is not switched off, else null. */
  FileOut enabledFile() {
    FileOut f = sinksOrEmpty().file();
    return f != null && f.path() != null && !Boolean.FALSE.equals(f.enabled()) ? f : null;
  }

  /**
   * The command line over the file: {@code --alerts-file}, {@code --no-stdout-alerts}, {@code --slack-webhook},
   * {@code --webhook} (each added as {@code cli1}, {@code cli2}, ...) and {@code --data-dir}.
   */
  ConfigFile withCommandLine(Path alertsFile, boolean noStdout, String slackWebhook, List<String> webhookUrls,
      Path cliDataDir) {
    Sinks s = sinksOrEmpty();
    Stdout stdout = s.stdout();
    if (noStdout) {
      stdout = new Stdout(false, stdout == null ? null : stdout.minPriority());
    }
    FileOut file = s.file();
    if (alertsFile != null) {
      file = file == null ? new FileOut(true, alertsFile, null, null, null)
          : new FileOut(true, alertsFile, file.maxSize(), file.maxFiles(), file.minPriority());
    }
    Slack slack = s.slack();
    if (slackWebhook != null) {
      slack = slack == null ? new Slack(true, slackWebhook, null, null, null, null, null, null)
          : new Slack(true, slackWebhook, slack.minPriority(), slack.timeout(), slack.queue(), slack.backoff(),
              slack.spoolMaxBytes(), slack.fsync());
    }
    List<Webhook> hooks = new ArrayList<>(s.webhooks() == null ? List.of() : s.webhooks());
    int i = 1;
    for (String url : webhookUrls) {
      hooks.add(new Webhook("cli" + i++, url, Map.of(), null, null, null, null, null, null, null, null));
    }
    return new ConfigFile(cliDataDir != null ? cliDataDir : dataDir, delivery, aggregation,
        new Sinks(stdout, file, slack, hooks, s.opensearch()), store, detectors, rules);
  }

  // ------------------------------------------------------------------------------------------- loading

  /** A configuration file that cannot be used; the message is one or more lines ready to print. */
  static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static ConfigFile load(Path file) throws ConfigException {
    return load(file, System::getenv);
  }

  static ConfigFile load(Path file, Function<String, String> env) throws ConfigException {
    return load(file, env, ConfigOverrides.none());
  }

  /** {@link #load} with command-line overrides; {@code file} null means no file, only the overrides. */
  static ConfigFile load(Path file, Function<String, String> env, ConfigOverrides overrides)
      throws ConfigException {
    if (file == null) {
      return parse("command line", "", env, overrides);
    }
    String text;
    try {
      Optional<String> tooLarge = TextLimits.checkSize(file, MAX_FILE_BYTES);
      if (tooLarge.isPresent()) {
        throw new ConfigException(file + ": " + tooLarge.get());
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
      Optional<String> longLine = TextLimits.checkLines(text);
      if (longLine.isPresent()) {
        throw new ConfigException(file + ": " + longLine.get());
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such configuration file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file.toString(), text, env, overrides);
  }

  /** A builder for command-line overrides read the way this file's values are (YAML values, ${NAME}). */
  static ConfigOverrides.Builder overrides(Function<String, String> env) {
    return new ConfigOverrides.Builder(YAML, env);
  }

  static ConfigFile parse(String name, String text, Function<String, String> env) throws ConfigException {
    return parse(name, text, env, ConfigOverrides.none());
  }

  /**
   * The file (or nothing: {@code text} empty) with the command line's keys applied, bound in one pass. The file is
   * read into a tree, remembering where each key and value is; the overrides change the tree; the tree is bound.
   * An error at a key path whose value came from the file names the file, line and column
   * ({@code "vigil.yaml:7:5: unknown key 'timout' in sinks.slack; did you mean 'timeout'?"}); one whose value an
   * override set or changed names the command line ({@code "command line (-o ...): store.retention: ..."}).
   */
  static ConfigFile parse(String name, String text, Function<String, String> env, ConfigOverrides overrides)
      throws ConfigException {
    EnvSubstitution parser = null;
    JsonNode fileTree;
    try (JsonParser p = new EnvSubstitution(YAML.getFactory().createParser(text), env)) {
      parser = (EnvSubstitution) p;
      fileTree = p.nextToken() == null ? null : YAML.readTree(p);
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof com.fasterxml.jackson.core.exc.StreamReadException syntax) {
        throw new ConfigException(at(name, syntax.getLocation()) + "not valid YAML: "
            + yamlMessage(syntax.getOriginalMessage()));
      }
      String path = parser == null ? "" : parser.currentPath();
      throw new ConfigException(at(name, e.getLocation()) + (path.isEmpty() ? "" : path + ": ")
          + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new ConfigException(at(name, e.getLocation()) + "not valid YAML: " + yamlMessage(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException(name + ": " + e.getMessage());
    }
    ObjectNode tree = fileTree == null || fileTree.isNull() ? JsonNodeFactory.instance.objectNode()
        : fileTree.isObject() ? ((ObjectNode) fileTree).deepCopy() : null;
    if (tree == null) {
      throw new ConfigException(at(name, parser.valueAt.get("")) + "expected a mapping of sections (data_dir, "
          + "delivery, aggregation, sinks, store, detectors, rules), not a "
          + fileTree.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    overrides.applyTo(tree);
    try {
      return ConfigBinding.bind(tree, ConfigFile.class, "");
    } catch (ConfigBinding.ConfigError e) {
      Map<String, JsonNode> inFile = nodes(fileTree);
      Map<String, JsonNode> merged = nodes(tree);
      for (String p = e.path(); p != null; p = parent(p)) {
        JsonLocation loc = (e.atKey() && p.equals(e.path()) ? parser.keyAt : parser.valueAt).get(p);
        if (loc != null || merged.containsKey(p)) {
          if (loc != null && Objects.equals(inFile.get(p), merged.get(p))) {
            throw new ConfigException(at(name, loc) + e.getMessage());
          }
          break;
        }
      }
      throw new ConfigException("command line (-o and the options that set configuration keys): " + e.getMessage());
    }
  }

  /** Every node of {@code tree} by its dotted path, as {@link ConfigBinding} writes paths. */
  private static Map<String, JsonNode> nodes(JsonNode tree) {
    Map<String, JsonNode> out = new HashMap<>();
    if (tree != null) {
      collect(tree, "", out);
    }
    return out;
  }

  private static void collect(JsonNode n, String path, Map<String, JsonNode> out) {
    out.put(path, n);
    if (n.isObject()) {
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        collect(n.get(i), path + "[" + i + "]", out);
      }
    }
  }

  /** {@code a.b[2]} to {@code a.b}, {@code a.b} to {@code a}, {@code a} to "", "" to null. */
  private static String parent(String path) {
    if (path.isEmpty()) {
      return null;
    }
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  /** SnakeYAML's message without its source excerpt: "while parsing a block mapping; expected ...". */
  private static String yamlMessage(String m) {
    if (m == null) {
      return "syntax error";
    }
    List<String> lines = m.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(
        java.util.stream.Collectors.toList());
    StringBuilder sb = new StringBuilder(lines.isEmpty() ? "syntax error" : lines.get(0));
    for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (l.startsWith("expected") || l.startsWith("found") || l.startsWith("but found")) {
        sb.append("; ").append(l);
      }
    }
    return sb.toString();
  }

  private static String at(String name, JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return name + ": ";
    }
    return name + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
  }

  /** The delivery keys every network sink and the delivery defaults share. */
  private static void checkDelivery(Integer queue, Duration timeout, Long spoolMaxBytes) {
    positive("queue", queue);
    positive("timeout", timeout);
    if (spoolMaxBytes != null && spoolMaxBytes < 1024 * 1024) {
      throw new IllegalArgumentException("spool_max_bytes must be at least 1MB");
    }
  }

  private static void positive(String key, Integer v) {
    if (v != null && v < 1) {
      throw new IllegalArgumentException(key + " must be at least 1 (got " + v + ")");
    }
  }

  private static void positive(String key, Duration v) {
    if (v != null && (v.isZero() || v.isNegative())) {
      throw new IllegalArgumentException(key + " must be longer than 0");
    }
  }

  // ------------------------------------------------------------------------------------------- value types

  static Long parseSize(String text) {
    return SizeText.parseOrNull(text);
  }

  /** Falco's priority words, any case. */
  static final class PriorityValue extends JsonDeserializer<Priority> {
    @Override
    public Priority deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String v = p.getValueAsString();
      try {
        return Priority.parse(v == null ? "" : v);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage());
      }
    }
  }

  /** {@code always}, {@code interval}, {@code never}. */
  static final class FsyncValue extends JsonDeserializer<FsyncPolicy> {
    @Override
    public FsyncPolicy deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String v = p.getValueAsString();
      try {
        return FsyncPolicy.valueOf(v == null ? "" : v.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, "'" + v + "' is not an fsync policy (always, interval, never)");
      }
    }
  }

  /**
   * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in string values with environment variables, keeping the
   * parser's locations for error messages, and remembers where each key and value (by dotted path) was written so
   * errors point at them. Never puts a variable's value in an error. Every way of advancing goes through
   * {@link #nextToken()}.
   */
  static final class EnvSubstitution extends JsonParserDelegate {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private final Function<String, String> env;
    private String cachedRaw;
    private String cachedValue;
    /** Where each key was written, by its dotted path ({@code sinks.webhooks[0].url}). */
    final Map<String, JsonLocation> keyAt = new HashMap<>();
    /** Where each value starts, by its dotted path ("" for the whole file). */
    final Map<String, JsonLocation> valueAt = new HashMap<>();

    EnvSubstitution(JsonParser d, Function<String, String> env) {
      super(d);
      this.env = env;
    }

    /** The dotted path of the key or value the parser is at. */
    String currentPath() {
      JsonToken t = delegate.currentToken();
      JsonStreamContext c = delegate.getParsingContext();
      return path(t != null && t.isStructStart() ? c.getParent() : c);
    }

    private static String path(JsonStreamContext c) {
      if (c == null || c.inRoot()) {
        return "";
      }
      String parent = path(c.getParent());
      if (c.inArray()) {
        return parent + "[" + c.getCurrentIndex() + "]";
      }
      String name = c.getCurrentName();
      return name == null ? parent : parent.isEmpty() ? name : parent + "." + name;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken t = delegate.nextToken();
      if (t == JsonToken.FIELD_NAME) {
        keyAt.put(currentPath(), delegate.currentTokenLocation());
      } else if (t != null && !t.isStructEnd()) {
        valueAt.putIfAbsent(currentPath(), delegate.currentTokenLocation());
      }
      return t;
    }

    @Override
    public JsonToken nextValue() throws IOException {
      JsonToken t = nextToken();
      return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }

    @Override
    public String nextFieldName() throws IOException {
      return nextToken() == JsonToken.FIELD_NAME ? delegate.currentName() : null;
    }

    @Override
    public boolean nextFieldName(com.fasterxml.jackson.core.SerializableString str) throws IOException {
      return nextToken() == JsonToken.FIELD_NAME && str.getValue().equals(delegate.currentName());
    }

    @Override
    public String nextTextValue() throws IOException {
      return nextToken() == JsonToken.VALUE_STRING ? getText() : null;
    }

    @Override
    public int nextIntValue(int defaultValue) throws IOException {
      return nextToken() == JsonToken.VALUE_NUMBER_INT ? getIntValue() : defaultValue;
    }

    @Override
    public long nextLongValue(long defaultValue) throws IOException {
      return nextToken() == JsonToken.VALUE_NUMBER_INT ? getLongValue() : defaultValue;
    }

    @Override
    public Boolean nextBooleanValue() throws IOException {
      JsonToken t = nextToken();
      return t == JsonToken.VALUE_TRUE ? Boolean.TRUE : t == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
      JsonToken t = delegate.currentToken();
      if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
        return this;
      }
      int open = 1;
      while (open > 0) {
        JsonToken n = nextToken();
        if (n == null) {
          break;
        }
        if (n.isStructStart()) {
          open++;
        } else if (n.isStructEnd()) {
          open--;
        }
      }
      return this;
    }

    private String substituted() throws IOException {
      String raw = delegate.getText();
      if (raw == null || raw.indexOf("${") < 0) {
        return raw;
      }
      if (raw.equals(cachedRaw)) {
        return cachedValue;
      }
      Matcher m = REF.matcher(raw);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String value = env.apply(m.group(1));
        if (value == null) {
          if (m.group(2) == null) {
            throw JsonMappingException.from(delegate, "environment variable " + m.group(1) + " is not set "
                + "(write ${" + m.group(1) + ":-default} for a default)");
          }
          value = m.group(2);
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(value));
      }
      m.appendTail(sb);
      cachedRaw = raw;
      cachedValue = sb.toString();
      return cachedValue;
    }

    private boolean isString() {
      return delegate.currentToken() == JsonToken.VALUE_STRING;
    }

    @Override
    public String getText() throws IOException {
      return isString() ? substituted() : delegate.getText();
    }

    @Override
    public String getValueAsString() throws IOException {
      return isString() ? substituted() : delegate.getValueAsString();
    }

    @Override
    public String getValueAsString(String defaultValue) throws IOException {
      return isString() ? substituted() : delegate.getValueAsString(defaultValue);
    }

    @Override
    public char[] getTextCharacters() throws IOException {
      return isString() ? substituted().toCharArray() : delegate.getTextCharacters();
    }

    @Override
    public int getTextLength() throws IOException {
      return isString() ? substituted().length() : delegate.getTextLength();
    }

    @Override
    public int getTextOffset() throws IOException {
      return isString() ? 0 : delegate.getTextOffset();
    }
  }
}
