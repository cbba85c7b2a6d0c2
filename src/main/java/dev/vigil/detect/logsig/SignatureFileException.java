package dev.vigil.detect.logsig;

import java.util.List;

/**
 * A signature file that cannot be used, with every problem found in it, each as {@code file:line:col: message}.
 * The message lists them all, one per line, so a log or terminal shows the whole list.
 */
public final class SignatureFileException extends RuntimeException {

  private final String source;
  private final List<String> problems;

  public SignatureFileException(String source, List<String> problems) {
    super(problems.size() == 1
        ? problems.get(0)
        : problems.size() + " problems in " + source + ":\n  " + String.join("\n  ", problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file (or resource) name. */
  public String source() {
    return source;
  }

  /** Each problem as {@code file:line:col: message}. */
  public List<String> problems() {
    return problems;
  }
}
