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
 */
public record AlertQuery(Instant since, Instant until, String rule, String container, Priority minPriority,
    int limit) {

  public AlertQuery {
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
