package dev.vigil.detect.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineStoreTest {

  @TempDir
  Path dataDir;

  @Test
  void fileNames_areSafeAndDistinct() {
    assertThat(BaselineStore.fileName("nginx:1.27-alpine")).matches("nginx_1\\.27-alpine-[0-9a-f]{8}\\.json");
    assertThat(BaselineStore.fileName("registry.example.com:5000/shop/api:2.14.3"))
        .startsWith("registry.example.com_5000_shop_api_2.14.3-");
    assertThat(BaselineStore.fileName("a/b:1")).isNotEqualTo(BaselineStore.fileName("a_b:1"));
    assertThat(BaselineStore.fileName("../../etc/passwd")).doesNotContain("/").startsWith("_");
    assertThat(BaselineStore.fileName("x".repeat(500)).length()).isLessThan(120);
    assertThat(BaselineStore.fileName("")).matches("_-[0-9a-f]{8}\\.json");
  }

  @Test
  void write_isAtomicAndLeavesNoTemporaryFile() throws IOException {
    BaselineStore store = new BaselineStore(dataDir);
    assertThat(store.read("nginx:1")).isEmpty();
    store.write("nginx:1", "first".getBytes(StandardCharsets.UTF_8));
    store.write("nginx:1", "second".getBytes(StandardCharsets.UTF_8));
    assertThat(store.read("nginx:1")).get().extracting(b -> new String(b, StandardCharsets.UTF_8))
        .isEqualTo("second");
    try (Stream<Path> files = Files.list(store.dir())) {
      assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(BaselineStore.fileName("nginx:1"));
    }
    assertThat(store.dir()).isEqualTo(dataDir.resolve("baselines"));
  }

  @Test
  void setAside_movesTheFileOutOfTheWay() throws IOException {
    BaselineStore store = new BaselineStore(dataDir);
    store.write("nginx:1", "garbage".getBytes(StandardCharsets.UTF_8));
    Path aside = store.setAside("nginx:1");
    assertThat(store.exists("nginx:1")).isFalse();
    assertThat(aside).hasFileName(BaselineStore.fileName("nginx:1") + ".corrupt").hasContent("garbage");
    assertThat(store.list()).isEmpty();
  }

  @Test
  void list_readsHeadsSortedByImage_andReportsUnreadableFiles() throws IOException {
    BaselineStore store = new BaselineStore(dataDir);
    assertThat(store.list()).isEmpty();
    AnomalyConfig cfg = new AnomalyConfig(true, Duration.ofSeconds(30), 20, 2.5, 2, 5, 16, 0.0, 3, 8, 64, 64,
        Duration.ofSeconds(600), 1L);
    for (String image : new String[] {"zookeeper:3", "alpine:3.20"}) {
      store.write(image, ImageBaseline.create(image, cfg).toFile(java.time.Instant.EPOCH).encode());
    }
    store.write("broken:1", "{\"format\":1,\"image\":\"broken:1\",\"samples\":".getBytes(StandardCharsets.UTF_8));
    store.write("future:1", "{\"format\":2,\"image\":\"future:1\",\"samples\":3}".getBytes(StandardCharsets.UTF_8));

    var entries = store.list();
    assertThat(entries).hasSize(4);
    assertThat(entries.get(0).summary().image()).isEqualTo("alpine:3.20");
    assertThat(entries.get(0).summary().samples()).isZero();
    assertThat(entries.get(0).summary().learning()).isTrue();
    assertThat(entries.get(0).summary().features()).isEqualTo(Feature.keys());
    assertThat(entries.get(0).size()).isPositive();
    assertThat(entries.get(1).summary().image()).isEqualTo("zookeeper:3");
    assertThat(entries.get(2).summary()).isNull();
    assertThat(entries.subList(2, 4)).extracting(BaselineStore.Entry::error)
        .anyMatch(e -> e.contains("format 2")).allMatch(e -> e != null && !e.isEmpty());
  }
}
