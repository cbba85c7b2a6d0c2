package dev.vigil.sink.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.sink.opensearch.BulkResponse.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BulkResponseTest {

  /** A response OpenSearch 2.19 gave to create, the same create again, and a document with a bad date. */
  static final String MIXED = """
      {"took":2092,"errors":true,"items":[
      {"create":{"_index":".ds-ds-test-000001","_id":"a1","_version":1,"result":"created","_shards":{"total":2,
        "successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}},
      {"create":{"_index":".ds-ds-test-000001","_id":"a1","status":409,"error":{"type":
        "version_conflict_engine_exception","reason":"[a1]: version conflict, document already exists (current
        version [1])","index":".ds-ds-test-000001","shard":"0","index_uuid":"_xOZjhvzSKWL-mmNlpepfg"}}},
      {"create":{"_index":".ds-ds-test-000001","_id":"a2","status":400,"error":{"type":"mapper_parsing_exception",
        "reason":"failed to parse field [@timestamp] of type [date] in document with id 'a2'. Preview of field's
        value: 'bad'","caused_by":{"type":"illegal_argument_exception","reason":"failed to parse date field [bad]
        with format [strict_date_optional_time||epoch_millis]","caused_by":{"type":"date_time_parse_exception",
        "reason":"Failed to parse with all enclosed parsers"}}}}},
      {"create":{"_index":"vigil-alerts-2026.11.29","_id":"a3","status":429,"error":{"type":
        "es_rejected_execution_exception","reason":"rejected execution of coordinating operation"}}},
      {"index":{"_index":"vigil-alerts-2026.11.29","_id":"a4","status":503,"error":"unavailable_shards_exception"}}
      ]}""".replace("\n  ", " ");

  @Test
  void eachItemIsClassified() throws IOException {
    BulkResponse r = BulkResponse.parse(MIXED.getBytes(StandardCharsets.UTF_8));
    assertThat(r.errors()).isTrue();
    assertThat(r.items()).extracting(BulkResponse.Item::outcome)
        .containsExactly(Outcome.CREATED, Outcome.DUPLICATE, Outcome.REJECTED, Outcome.RETRY, Outcome.RETRY);
    assertThat(r.items()).extracting(BulkResponse.Item::status).containsExactly(201, 409, 400, 429, 503);
    assertThat(r.items().get(0).errorType()).isNull();
    assertThat(r.items().get(1).errorType()).isEqualTo("version_conflict_engine_exception");
    assertThat(r.items().get(2).errorType()).isEqualTo("mapper_parsing_exception");
    assertThat(r.items().get(2).errorReason()).startsWith("failed to parse field [@timestamp]")
        .endsWith("Failed to parse with all enclosed parsers");
    assertThat(r.items().get(4).errorReason()).isEqualTo("unavailable_shards_exception");
  }

  @Test
  void aCleanResponse() throws IOException {
    BulkResponse r = BulkResponse.parse(("{\"took\":3,\"errors\":false,\"items\":[{\"create\":{\"_id\":\"x\","
        + "\"status\":201}},{\"create\":{\"_id\":\"y\",\"result\":\"created\",\"status\":200}}]}")
        .getBytes(StandardCharsets.UTF_8));
    assertThat(r.errors()).isFalse();
    assertThat(r.items()).extracting(BulkResponse.Item::outcome).containsExactly(Outcome.CREATED, Outcome.CREATED);
  }

  @Test
  void somethingElseIsAnError() {
    assertThatThrownBy(() -> BulkResponse.parse("<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> BulkResponse.parse("{\"error\":{\"type\":\"x\"},\"status\":400}"
        .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class).hasMessageContaining("without items");
  }
}
