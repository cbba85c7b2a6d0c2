package dev.vigil.sink.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.sink.TestAlerts;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant T = Instant.parse("2026-01-02T03:04:05.000000123Z");

  @TempDir
  Path dir;

  private final Metrics metrics = Metrics.inMemory();

  private static Alert alert(String rule) {
    return new Alert(T, rule, Priority.WARNING, "out \"" + rule + "\"\n\u001b", "syscall", List.of("t"), "h",
        Map.of("k", rule));
  }

  private static List<String> lines(Path p) throws Exception {
    return Files.readAllLines(p, StandardCharsets.UTF_8);
  }

  private long failures() {
    return metrics.count("vigil.sink.failures", "sink", "file");
  }

  private long delivered() {
    return metrics.count("vigil.sink.delivered", "sink", "file");
  }

  @Test
  void constructor_createsParentDirectoriesAndFile() throws Exception {
    Path p = dir.resolve("a/b/c/alerts.json");
    FileSink sink = new FileSink(p, metrics);
    try {
      assertThat(Files.isDirectory(dir.resolve("a/b/c"))).isTrue();
      assertThat(p).exists().isEmptyFile();
    } finally {
      sink.close();
    }
  }

  @Test
  void accept_appendsOneJsonLinePerAlert_readableImmediately() throws Exception {
    Path p = dir.resolve("alerts.json");
    try (FileSink sink = new FileSink(p, metrics)) {
      sink.accept(alert("r1"));
      // no close, no flush call from the test: the line must already be on disk
      assertThat(lines(p)).containsExactly(FalcoJson.toJson(alert("r1")));
      sink.accept(alert("r2"));
      List<String> lines = lines(p);
      assertThat(lines).hasSize(2);
      assertThat(MAPPER.readTree(lines.get(0)).get("rule").asText()).isEqualTo("r1");
      JsonNode second = MAPPER.readTree(lines.get(1));
      assertThat(second.get("rule").asText()).isEqualTo("r2");
      assertThat(second.get("output_fields").get("k").asText()).isEqualTo("r2");
      assertThat(Files.readString(p)).endsWith("}\n");
    }
    assertThat(delivered()).isEqualTo(2);
    assertThat(failures()).isZero();
  }

  @Test
  void constructor_existingFile_isAppendedNotTruncated() throws Exception {
    Path p = dir.resolve("alerts.json");
    Files.writeString(p, "{\"old\":true}\n");
    try (FileSink sink = new FileSink(p, metrics)) {
      sink.accept(alert("new"));
    }
    List<String> lines = lines(p);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).isEqualTo("{\"old\":true}");
    assertThat(MAPPER.readTree(lines.get(1)).get("rule").asText()).isEqualTo("new");
  }

  @Test
  void accept_nonAsciiOutput_isWrittenAsUtf8() throws Exception {
    Path p = dir.resolve("alerts.json");
    Alert a = new Alert(T, "r", Priority.WARNING, "caf\u00e9 \ufffd \u65e5", "log", List.of(), "h",
        Map.of("log.line", "caf\u00e9 \ufffd \u65e5"));
    try (FileSink sink = new FileSink(p, metrics)) {
      sink.accept(a);
    }
    JsonNode n = MAPPER.readTree(Files.readAllBytes(p));
    assertThat(n.get("output_fields").get("log.line").asText()).isEqualTo("caf\u00e9 \ufffd \u65e5");
  }

  @Test
  void constructor_parentIsAFile_failsFastWithPathInMessage() throws Exception {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "x");
    Path p = blocker.resolve("alerts.json");
    assertThatThrownBy(() -> new FileSink(p, metrics))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot open alerts file")
        .hasMessageContaining(p.toString());
  }

  @Test
  void accept_fileDeleted_alertIsWrittenToPathOrCountedAsFailure() throws Exception {
    Path p = dir.resolve("alerts.json");
    try (FileSink sink = new FileSink(p, metrics)) {
      sink.accept(alert("before"));
      assertThat(lines(p)).hasSize(1);
      Files.delete(p);

      assertThatCode(() -> sink.accept(alert("after"))).doesNotThrowAnyException();

      boolean landedInFile = Files.exists(p) && lines(p).stream().anyMatch(l -> l.contains("\"rule\":\"after\""));
      assertThat(landedInFile || failures() > 0)
          .as("an alert written after the file was deleted must reach the file at the configured path or be "
              + "counted in vigil.sink.failures{sink=file}; file exists=%s, failures=%s, delivered=%s",
              Files.exists(p), failures(), delivered())
          .isTrue();
    }
  }

  @Test
  void accept_fileRotated_laterAlertsGoToNewFileOrAreCountedAsFailures() throws Exception {
    Path p = dir.resolve("alerts.json");
    Path rotated = dir.resolve("alerts.json.1");
    try (FileSink sink = new FileSink(p, metrics)) {
      sink.accept(alert("before"));
      Files.move(p, rotated);
      Files.createFile(p); // as logrotate's "create" does

      assertThatCode(() -> sink.accept(alert("after"))).doesNotThrowAnyException();

      assertThat(lines(rotated).get(0)).contains("\"rule\":\"before\"");
      boolean landedInNewFile = lines(p).stream().anyMatch(l -> l.contains("\"rule\":\"after\""));
      assertThat(landedInNewFile || failures() > 0)
          .as("after rotation the alert must reach the new file at the configured path or be counted as a "
              + "failure; new file lines=%s, rotated file lines=%s, failures=%s", lines(p).size(),
              lines(rotated).size(), failures())
          .isTrue();
    }
  }

  @Test
  void accept_whenReopenFails_countsFailureWithoutThrowing_andRecoversLater() throws Exception {
    Path sub = dir.resolve("sub");
    Path p = sub.resolve("alerts.json");
    FileSink sink = new FileSink(p, metrics);
    sink.accept(alert("one"));
    sink.close(); // forces the next alert to reopen the file

    // Make reopening impossible: the parent directory becomes a regular file.
    Files.delete(p);
    Files.delete(sub);
    Files.writeString(sub, "not a directory");

    assertThatCode(() -> sink.accept(alert("two"))).doesNotThrowAnyException();
    assertThat(failures()).isEqualTo(1);

    // Repair: the next alert reopens and is written.
    Files.delete(sub);
    sink.accept(alert("three"));
    assertThat(lines(p)).hasSize(1).allMatch(l -> l.contains("\"rule\":\"three\""));
    assertThat(failures()).isEqualTo(1);
    assertThat(delivered()).isEqualTo(2);
    sink.close();
  }

  @Test
  void accept_alertThatCannotBeEncoded_neverLeavesHalfALineOrGluesTheNextAlertToIt() throws Exception {
    // A lone UTF-16 surrogate (e.g. a log line cut in the middle of an emoji) cannot be encoded as UTF-8.
    Path p = dir.resolve("alerts.json");
    String broken = "Nmap scan report " + "y".repeat(50) + "\ud83d";
    try (FileSink sink = new FileSink(p, metrics)) {
      sink.accept(alert("ok1"));
      assertThatCode(() -> sink.accept(new Alert(T, "bad", Priority.WARNING, broken, "log", List.of(), "h",
          Map.of("log.line", broken)))).doesNotThrowAnyException();
      sink.accept(alert("ok2"));
    }
    List<String> lines = lines(p);
    for (String l : lines) {
      assertThatCode(() -> MAPPER.readTree(l)).as("every line must be a whole JSON object: %s", l)
          .doesNotThrowAnyException();
    }
    assertThat(lines).anyMatch(l -> l.startsWith("{") && l.contains("\"rule\":\"ok2\"") && l.endsWith("}"));
    assertThat(lines).filteredOn(l -> l.contains("\"rule\":\"ok2\"")).singleElement()
        .satisfies(l -> assertThat(MAPPER.readTree(l).get("rule").asText()).isEqualTo("ok2"));
  }

  @Test
  void accept_fromManyThreads_writesWholeLinesOnly() throws Exception {
    Path p = dir.resolve("alerts.json");
    int threads = 8;
    int perThread = 200;
    try (FileSink sink = new FileSink(p, metrics)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread w = new Thread(() -> {
          try {
            start.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          for (int i = 0; i < perThread; i++) {
            sink.accept(alert("t" + id + "-" + i));
          }
        });
        w.start();
        workers.add(w);
      }
      start.countDown();
      for (Thread w : workers) {
        w.join(30_000);
      }
    }
    List<String> lines = lines(p);
    assertThat(lines).hasSize(threads * perThread);
    for (String l : lines) {
      assertThat(MAPPER.readTree(l).get("rule").asText()).startsWith("t");
    }
    assertThat(delivered()).isEqualTo(threads * perThread);
  }

  @Test
  void close_isIdempotent() throws Exception {
    FileSink sink = new FileSink(dir.resolve("alerts.json"), metrics);
    sink.close();
    assertThatCode(sink::close).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------------------------------------- size rotation

  private static List<String> linesIfAny(Path p) throws Exception {
    return Files.exists(p) ? lines(p) : List.of();
  }

  @Test
  void rotatesBySize_keepingMaxFiles_wholeLinesOnly_newestLast() throws Exception {
    Path file = dir.resolve("alerts.jsonl");
    int lineBytes = FalcoJson.toJson(TestAlerts.alert("r", 100)).length() + 1;
    long max = lineBytes * 5L + lineBytes / 2; // five lines fit, the sixth rotates
    try (FileSink sink = new FileSink(file, max, 2, metrics)) {
      for (int i = 100; i < 130; i++) {
        sink.accept(TestAlerts.alert("r", i));
      }
    }
    assertThat(Files.exists(dir.resolve("alerts.jsonl.3"))).isFalse();
    List<String> all = new ArrayList<>();
    for (Path p : List.of(dir.resolve("alerts.jsonl.2"), dir.resolve("alerts.jsonl.1"), file)) {
      assertThat(Files.size(p)).isLessThanOrEqualTo(max);
      List<String> l = lines(p);
      for (String line : l) {
        assertThat(MAPPER.readTree(line).path("rule").asText()).isEqualTo("r");
      }
      all.addAll(l);
    }
    assertThat(all).hasSize(15); // the current file and two rotated ones, 5 lines each
    assertThat(all.get(14)).contains("wget http://x/129");
    assertThat(all.get(0)).contains("wget http://x/115");
    assertThat(metrics.count("vigil.sink.rotations", "sink", "file")).isEqualTo(5);
  }

  @Test
  void rotation_afterARestart_countsTheExistingFilesSize() throws Exception {
    Path file = dir.resolve("a.jsonl");
    int lineBytes = FalcoJson.toJson(TestAlerts.alert("r", 100)).length() + 1;
    try (FileSink sink = new FileSink(file, lineBytes * 3L, 1, metrics)) {
      sink.accept(TestAlerts.alert("r", 100));
      sink.accept(TestAlerts.alert("r", 101));
    }
    try (FileSink sink = new FileSink(file, lineBytes * 3L, 1, metrics)) {
      sink.accept(TestAlerts.alert("r", 102));
      sink.accept(TestAlerts.alert("r", 103));
    }
    assertThat(linesIfAny(dir.resolve("a.jsonl.1"))).hasSize(3);
    assertThat(linesIfAny(file)).hasSize(1);
  }

  @Test
  void withRotationOff_externalRotationStillReopens() throws Exception {
    Path file = dir.resolve("b.jsonl");
    try (FileSink sink = new FileSink(file, 0, 0, metrics)) {
      for (int i = 0; i < 50; i++) {
        sink.accept(TestAlerts.alert("r", i));
      }
      Files.move(file, dir.resolve("b.jsonl.old"));
      sink.accept(TestAlerts.alert("r", 99));
    }
    assertThat(linesIfAny(dir.resolve("b.jsonl.old"))).hasSize(50);
    assertThat(linesIfAny(file)).hasSize(1);
  }
}
