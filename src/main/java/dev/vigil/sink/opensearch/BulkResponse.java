package dev.vigil.sink.opensearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a {@code _bulk} response that decide an alert's fate: each item's HTTP status and, for a failure,
 * the error type and reason. Items come back in request order. Parsed with a streaming parser that skips everything
 * else (shard counts, versions), because a response to 500 alerts is read for every batch. Immutable.
 *
 * @param errors the response's own {@code errors} flag (false: every item succeeded)
 */
public record BulkResponse(boolean errors, List<Item> items) {

  private static final JsonFactory JSON = new JsonFactory();

  public BulkResponse {
    items = List.copyOf(items);
  }

  /** What the server did with an alert. */
  public enum Outcome {
    /** Stored now. */
    CREATED,
    /** A document with this id already exists (a replay, the first delivery was acknowledged late): stored. */
    DUPLICATE,
    /** Refused for now (429 too many requests, 5xx): trying again can succeed. */
    RETRY,
    /** Refused for good (a mapping error, an invalid index name): sending it again fails the same way. */
    REJECTED
  }

  /**
   * One item's result.
   *
   * @param errorType e.g. {@code mapper_parsing_exception}, null on success
   * @param errorReason the server's explanation (with its root cause when it gives one), null on success
   */
  public record Item(int status, String errorType, String errorReason) {

    /** How the status classifies: 2xx created, 409 duplicate, 429 and 5xx retry, other statuses rejected. */
    public Outcome outcome() {
      if (status >= 200 && status < 300) {
        return Outcome.CREATED;
      }
      if (status == 409) {
        return Outcome.DUPLICATE;
      }
      if (status == 429 || status >= 500) {
        return Outcome.RETRY;
      }
      return Outcome.REJECTED;
    }
  }

  /**
   * Parses a response body.
   *
   * @throws IOException when the body is not a bulk response (not JSON, no {@code items} array)
   */
  public static BulkResponse parse(byte[] body) throws IOException {
    boolean errors = false;
    List<Item> items = null;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a bulk response: " + preview(body));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("errors")) {
          errors = value == JsonToken.VALUE_TRUE;
        } else if (field.equals("items") && value == JsonToken.START_ARRAY) {
          items = new ArrayList<>();
          while (p.nextToken() == JsonToken.START_OBJECT) {
            items.add(readItem(p));
          }
        } else {
          p.skipChildren();
        }
      }
    }
    if (items == null) {
      throw new IOException("bulk response without items: " + preview(body));
    }
    return new BulkResponse(errors, items);
  }

  /** Reads {@code {"create": {...}}} (or index/update/delete), the parser at its START_OBJECT. */
  private static Item readItem(JsonParser p) throws IOException {
    int status = 0;
    String type = null;
    String reason = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("status") && value == JsonToken.VALUE_NUMBER_INT) {
          status = p.getIntValue();
        } else if (field.equals("error") && value == JsonToken.START_OBJECT) {
          String[] tr = readError(p);
          type = tr[0];
          reason = tr[1];
        } else if (field.equals("error") && value == JsonToken.VALUE_STRING) {
          reason = p.getText();
        } else {
          p.skipChildren();
        }
      }
    }
    return new Item(status, type, reason);
  }

  /** Type and reason of an error object, the reason followed by its innermost {@code caused_by} reason. */
  private static String[] readError(JsonParser p) throws IOException {
    String type = null;
    String reason = null;
    String cause = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (field.equals("type") && value == JsonToken.VALUE_STRING) {
        type = p.getText();
      } else if (field.equals("reason") && value == JsonToken.VALUE_STRING) {
        reason = p.getText();
      } else if (field.equals("caused_by") && value == JsonToken.START_OBJECT) {
        String[] inner = readError(p);
        cause = inner[1] != null ? inner[1] : inner[0];
      } else {
        p.skipChildren();
      }
    }
    if (cause != null && !cause.equals(reason)) {
      reason = reason == null ? cause : reason + ": " + cause;
    }
    return new String[] {type, reason};
  }

  private static String preview(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), java.nio.charset.StandardCharsets.UTF_8);
    return s.replaceAll("[\\p{Cntrl}]", " ");
  }
}
