package dev.vigil.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class FalcoJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-01-02T03:04:05.000000123Z");

  private static Alert alert(Instant time, Priority priority, String output, Map<String, Object> fields) {
    return new Alert(time, "Test rule", priority, output, "syscall", List.of("container", "T1059"), "host-1",
        fields);
  }

  private static Alert alert(String output, Map<String, Object> fields) {
    return alert(T, Priority.CRITICAL, output, fields);
  }

  private static JsonNode parse(String json) throws Exception {
    return MAPPER.readTree(json);
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    return keys;
  }

  @Test
  void toJson_hasExactlyFalcosKeysInOrder() throws Exception {
    JsonNode n = parse(FalcoJson.toJson(alert("text", Map.of("a", "b"))));
    assertThat(keys(n)).containsExactly(
        "hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time");
  }

  @Test
  void toJson_anAlertWithItsId_addsUuidLast_inFalcosKeyOrder() throws Exception {
    String id = "0b5d1c2e-7f3a-8c4d-9e5f-00000000002a";
    JsonNode n = parse(FalcoJson.toJson(alert("text", Map.of("a", "b")).withId(id)));
    assertThat(keys(n)).containsExactly(
        "hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time", "uuid");
    assertThat(n.get("uuid").asText()).isEqualTo(id);
  }

  @Test
  void toJson_topLevelValues_areTheAlertsValues() throws Exception {
    JsonNode n = parse(FalcoJson.toJson(alert("text", Map.of("a", "b"))));
    assertThat(n.get("hostname").asText()).isEqualTo("host-1");
    assertThat(n.get("priority").asText()).isEqualTo("Critical");
    assertThat(n.get("rule").asText()).isEqualTo("Test rule");
    assertThat(n.get("source").asText()).isEqualTo("syscall");
    assertThat(n.get("tags").isArray()).isTrue();
    assertThat(n.get("tags")).extracting(JsonNode::asText).containsExactly("container", "T1059");
    assertThat(n.get("output_fields").isObject()).isTrue();
    assertThat(n.get("output_fields").get("a").asText()).isEqualTo("b");
  }

  @Test
  void toJson_emptyTagsAndFields_areEmptyArrayAndObject() throws Exception {
    Alert a = new Alert(T, "r", Priority.DEBUG, "o", "log", List.of(), "h", Map.of());
    String json = FalcoJson.toJson(a);
    assertThat(json).contains("\"tags\":[]").contains("\"output_fields\":{}");
    JsonNode n = parse(json);
    assertThat(n.get("tags").size()).isZero();
    assertThat(n.get("output_fields").size()).isZero();
  }

  @Test
  void toJson_time_isRfc3339UtcWithNineFractionDigits() throws Exception {
    JsonNode n = parse(FalcoJson.toJson(alert("x", Map.of())));
    assertThat(n.get("time").asText()).isEqualTo("2026-01-02T03:04:05.000000123Z");
  }

  @Test
  void toJson_timeWithZeroNanos_stillHasNineFractionDigits() throws Exception {
    Alert a = alert(Instant.parse("2026-12-31T23:59:59Z"), Priority.NOTICE, "x", Map.of());
    JsonNode n = parse(FalcoJson.toJson(a));
    assertThat(n.get("time").asText()).isEqualTo("2026-12-31T23:59:59.000000000Z");
    assertThat(n.get("output").asText()).startsWith("23:59:59.000000000: Notice ");
  }

  @Test
  void toJson_timeWithMillisOnly_isPaddedToNanos() throws Exception {
    Alert a = alert(Instant.parse("2026-06-07T08:09:10.5Z"), Priority.NOTICE, "x", Map.of());
    assertThat(parse(FalcoJson.toJson(a)).get("time").asText()).isEqualTo("2026-06-07T08:09:10.500000000Z");
  }

  @Test
  void formatTime_matchesRfc3339Pattern() {
    assertThat(FalcoJson.formatTime(Instant.ofEpochSecond(0, 1)))
        .isEqualTo("1970-01-01T00:00:00.000000001Z")
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{9}Z");
  }

  @Test
  void toJson_time_isUtcRegardlessOfDefaultTimeZone() throws Exception {
    TimeZone saved = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
      JsonNode n = parse(FalcoJson.toJson(alert("x", Map.of())));
      assertThat(n.get("time").asText()).isEqualTo("2026-01-02T03:04:05.000000123Z");
      assertThat(n.get("output").asText()).startsWith("03:04:05.000000123: ");
    } finally {
      TimeZone.setDefault(saved);
    }
  }

  @Test
  void output_startsWithClockAndPriorityLabel() throws Exception {
    JsonNode n = parse(FalcoJson.toJson(alert("Shell spawned (user=root)", Map.of())));
    assertThat(n.get("output").asText()).isEqualTo("03:04:05.000000123: Critical Shell spawned (user=root)");
  }

  @Test
  void renderOutputLine_usesLabelOfEachPriority() {
    for (Priority p : Priority.values()) {
      assertThat(FalcoJson.renderOutputLine(alert(T, p, "x", Map.of())))
          .isEqualTo("03:04:05.000000123: " + p.label() + " x");
    }
  }

  @Test
  void output_ansiEscape_isShownAsBackslashX1b() throws Exception {
    JsonNode n = parse(FalcoJson.toJson(alert("\u001b[31mred\u001b[0m", Map.of())));
    assertThat(n.get("output").asText()).isEqualTo("03:04:05.000000123: Critical \\x1b[31mred\\x1b[0m");
    assertThat(n.get("output").asText()).doesNotContain("\u001b");
  }

  @Test
  void output_otherControlCharacters_areShownAsHexEscapes() {
    String line = FalcoJson.renderOutputLine(alert("a\nb\rc\td\u0000e\u007ff\u009bg\u0085h", Map.of()));
    assertThat(line).endsWith("a\\x0ab\\x0dc\\x09d\\x00e\\x7ff\\x9bg\\x85h");
    assertThat(line.chars().filter(c -> c < 0x20 || (c >= 0x7f && c < 0xa0))).isEmpty();
  }

  @Test
  void output_printableNonAsciiAndReplacementChar_areKept() {
    String line = FalcoJson.renderOutputLine(alert("caf\u00e9 \u00a0\ufffd \u65e5\u672c \ud83d\ude00", Map.of()));
    assertThat(line).endsWith("caf\u00e9 \u00a0\ufffd \u65e5\u672c \ud83d\ude00");
  }

  @Test
  void neutralizeControls_withoutControls_returnsSameString() {
    String s = "nothing to see here";
    assertThat(FalcoJson.neutralizeControls(s)).isSameAs(s);
  }

  @Test
  void outputFields_keepRawControlCharacters() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("log.line", "\u001b[2Jcleared\nnext");
    JsonNode n = parse(FalcoJson.toJson(alert("\u001b[2Jcleared\nnext", f)));
    assertThat(n.get("output_fields").get("log.line").asText()).isEqualTo("\u001b[2Jcleared\nnext");
    assertThat(n.get("output").asText()).endsWith("\\x1b[2Jcleared\\x0anext");
  }

  @Test
  void toJson_isOneLineWithoutRawControlCharacters() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("x", "line1\nline2\r\u001b\u0000\t");
    String json = FalcoJson.toJson(alert("a\nb\u001b", f));
    assertThat(json).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b").doesNotContain("\u0000");
    assertThat(json).startsWith("{").endsWith("}");
  }

  @Test
  void toJson_hostileStrings_roundTripThroughJackson() throws Exception {
    String hostile = "quote\" backslash\\ slash/ nl\n cr\r tab\t esc\u001b nul\u0000 bell\u0007 fffd\ufffd "
        + "json\":{\"x\":1} \\u0041 \u2028\u2029 end";
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("proc.cmdline", hostile);
    f.put("key \"with\" quotes\\", "v");
    Alert a = new Alert(T, "rule \"q\" \\ \n", Priority.WARNING, hostile, "syscall",
        List.of("tag\"\\\n"), "host\"\\", f);
    JsonNode n = parse(FalcoJson.toJson(a));
    assertThat(n.get("output_fields").get("proc.cmdline").asText()).isEqualTo(hostile);
    assertThat(n.get("output_fields").get("key \"with\" quotes\\").asText()).isEqualTo("v");
    assertThat(n.get("rule").asText()).isEqualTo("rule \"q\" \\ \n");
    assertThat(n.get("hostname").asText()).isEqualTo("host\"\\");
    assertThat(n.get("tags").get(0).asText()).isEqualTo("tag\"\\\n");
    assertThat(n.get("output").asText())
        .isEqualTo("03:04:05.000000123: Warning " + FalcoJson.neutralizeControls(hostile))
        .contains("quote\" backslash\\ ")
        .contains("fffd\ufffd")
        .contains("esc\\x1b nul\\x00");
  }

  @Test
  void toJson_oneMegabyteValue_isValidJsonAndKeptWhole() throws Exception {
    StringBuilder sb = new StringBuilder(1 << 20);
    String chunk = "ab\"c\\d\n\u001b\ufffd";
    while (sb.length() < (1 << 20)) {
      sb.append(chunk);
    }
    String big = sb.toString();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("log.line", big);
    f.put("after", 7);
    String json = FalcoJson.toJson(alert(big, f));
    assertThat(json).doesNotContain("\n");
    JsonNode n = parse(json);
    assertThat(n.get("output_fields").get("log.line").asText()).isEqualTo(big);
    assertThat(n.get("output_fields").get("after").asInt()).isEqualTo(7);
    assertThat(n.get("output").asText()).hasSize("03:04:05.000000123: Critical ".length()
        + FalcoJson.neutralizeControls(big).length());
    assertThat(n.get("time").asText()).isEqualTo("2026-01-02T03:04:05.000000123Z");
  }

  @Test
  void outputFields_numbersStayNumbers() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("int", 42);
    f.put("long", Long.MAX_VALUE);
    f.put("short", (short) 7);
    f.put("double", 12.5);
    f.put("negative", -3L);
    String json = FalcoJson.toJson(alert("x", f));
    assertThat(json).contains("\"int\":42").contains("\"long\":" + Long.MAX_VALUE).contains("\"short\":7")
        .contains("\"double\":12.5").contains("\"negative\":-3");
    JsonNode of = parse(json).get("output_fields");
    assertThat(of.get("int").isIntegralNumber()).isTrue();
    assertThat(of.get("int").asLong()).isEqualTo(42);
    assertThat(of.get("long").isIntegralNumber()).isTrue();
    assertThat(of.get("long").asLong()).isEqualTo(Long.MAX_VALUE);
    assertThat(of.get("short").isIntegralNumber()).isTrue();
    assertThat(of.get("double").isNumber()).isTrue();
    assertThat(of.get("double").asDouble()).isEqualTo(12.5);
  }

  @Test
  void outputFields_evtTimeNanos_stayExactIntegers() throws Exception {
    long nanos = T.getEpochSecond() * 1_000_000_000L + T.getNano();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("evt.time", nanos);
    JsonNode of = parse(FalcoJson.toJson(alert("x", f))).get("output_fields");
    assertThat(of.get("evt.time").isIntegralNumber()).isTrue();
    assertThat(of.get("evt.time").asLong()).isEqualTo(nanos);
  }

  @Test
  void outputFields_nonFiniteDoubles_stillGiveValidJson() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("nan", Double.NaN);
    f.put("inf", Double.POSITIVE_INFINITY);
    f.put("after", 1);
    JsonNode of = parse(FalcoJson.toJson(alert("x", f))).get("output_fields");
    assertThat(of.get("nan").asText()).isEqualTo("NaN");
    assertThat(of.get("inf").asText()).isEqualTo("Infinity");
    assertThat(of.get("after").asInt()).isEqualTo(1);
  }

  @Test
  void outputFields_booleansStayBooleans() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("yes", true);
    f.put("no", false);
    String json = FalcoJson.toJson(alert("x", f));
    assertThat(json).contains("\"yes\":true").contains("\"no\":false");
    JsonNode of = parse(json).get("output_fields");
    assertThat(of.get("yes").isBoolean()).isTrue();
    assertThat(of.get("no").booleanValue()).isFalse();
  }

  @Test
  void outputFields_nullStaysNull() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("user.name", null);
    String json = FalcoJson.toJson(alert("x", f));
    assertThat(json).contains("\"user.name\":null");
    JsonNode of = parse(json).get("output_fields");
    assertThat(of.has("user.name")).isTrue();
    assertThat(of.get("user.name").isNull()).isTrue();
  }

  @Test
  void outputFields_stringThatLooksNumeric_staysString() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("container.image.tag", "1.25");
    JsonNode of = parse(FalcoJson.toJson(alert("x", f))).get("output_fields");
    assertThat(of.get("container.image.tag").isTextual()).isTrue();
    assertThat(of.get("container.image.tag").asText()).isEqualTo("1.25");
  }

  @Test
  void outputFields_keepInsertionOrder() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("z", 1);
    f.put("a", 2);
    f.put("m", 3);
    assertThat(keys(parse(FalcoJson.toJson(alert("x", f))).get("output_fields"))).containsExactly("z", "a", "m");
  }
}
