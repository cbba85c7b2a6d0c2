package dev.vigil.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Size limits for the YAML files the agent reads (rules, configuration, log signatures), checked before parsing and in
 * time linear in the file. SnakeYAML's reader copies its look-ahead window for every 1,024 characters of a token it
 * is scanning, so one long token (a 10 MB plain scalar on one line) costs time quadratic in its length: minutes of
 * CPU before the file is refused. A line bounds every token the scanner must look ahead over, so a file whose lines
 * are all at most {@link #MAX_LINE} characters parses in time linear in its size.
 */
public final class TextLimits {

  /** The longest line accepted in a YAML file; real Falco rules files stay under 1,000 characters. */
  public static final int MAX_LINE = 65_536;

  private TextLimits() {}

  /** Why {@code file} is too large to read (over {@code maxBytes}), empty when it is not. */
  public static Optional<String> checkSize(Path file, long maxBytes) throws IOException {
    long size = Files.size(file);
    return size <= maxBytes ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
        "the file is %,d bytes; at most %,d are read", size, maxBytes));
  }

  /** The first line longer than {@link #MAX_LINE} characters, as a message naming it; empty when there is none. */
  public static Optional<String> checkLines(CharSequence text) {
    int line = 1;
    int start = 0;
    int n = text.length();
    for (int i = 0; i <= n; i++) {
      if (i == n || text.charAt(i) == '\n') {
        if (i - start > MAX_LINE) {
          return Optional.of(String.format(Locale.ROOT, "line %d is %,d characters long; lines are limited to %,d "
              + "(write a long list or condition over several lines)", line, i - start, MAX_LINE));
        }
        line++;
        start = i + 1;
      }
    }
    return Optional.empty();
  }
}
