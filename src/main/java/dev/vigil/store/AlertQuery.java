package dev.vigil.store;

import dev.vigil.alert.Priority;
import java.time.Instant;

/**
 * What {@code vigil alerts} asks the store for. Every criterion is optional (null); the newest {@code limit}
 * matches are returned, oldest first. Immutable.
 *
 * @param since alerts at or after this time
 * @param until alerts before this time
 * @param rule the exact rule name, or a glob ({@code *}, {@code ?}) when it contains one (case-sensitive)
 * @param container a container name, or the start of a container id (at least 3 hex digits)
 * @param minPriority alerts at least this severe
 * @param limit the most alerts returned, at least 1
 * @param id the alert's id (its {@code uuid}, as in every sink and the Slack footer), or its start (at least 8
 *     characters)
 */
public record AlertQuery(Instant since, Instant until, String rule, String container, Priority minPriority,
    int limit, String id) {

  /** A query without an id. */
  public AlertQuery(Instant since, Instant until, String rule, String container, Priority minPriority, int limit) {
    this(since, until, rule, container, minPriority, limit, null);
  }

  public AlertQuery {
    if (id != null && (id.length() < 8 || !id.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '-'))) {
      throw new IllegalArgumentException("--id '" + id + "': give the alert's uuid or its first 8 or more "
          + "characters (hex digits and '-')");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit);
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException("since (" + since + ") must be before until (" + until + ")");
    }
  }

  /** Everything, newest {@code limit}. */
  public static AlertQuery latest(int limit) {
    return new AlertQuery(null, null, null, null, null, limit);
  }
}
