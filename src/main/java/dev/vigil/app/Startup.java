package dev.vigil.app;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up as an ordered list of named steps, each registering the closers of what it opened. The first step that
 * fails ends the start-up with its exit code; {@link #close()} then unwinds every registered closer in reverse order,
 * whatever happened (a failed step, a stop requested between steps, the agent's normal end), so every exit path
 * releases what was opened, once. Used from one thread.
 */
final class Startup implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

  /** A step's body; throws {@link Failure} to end the start-up with an exit code. */
  @FunctionalInterface
  interface Action {
    void run() throws Failure, InterruptedException;
  }

  /** One named step. */
  record Step(String name, Action action) {}

  /** Ends the start-up: {@code message} (may be empty) is printed on stderr, {@code exitCode} returned. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }

    Failure(int exitCode, String message, Throwable cause) {
      super(message, cause, false, false);
      this.exitCode = exitCode;
    }
  }

  private record Closer(String name, AutoCloseable closer) {}

  private final Deque<Closer> closers = new ArrayDeque<>();
  private String current = "";

  /** Registers what the current step opened; closed in reverse order of registration by {@link #close()}. */
  void onClose(String what, AutoCloseable closer) {
    closers.push(new Closer(current + ": " + what, closer));
  }

  /**
   * Runs the steps in order until one fails or {@code stopRequested} says to stop (checked before each step).
   *
   * @return the failing step's exit code, else {@code null} when every step ran, else {@code stopCode} when stopped
   */
  Integer run(List<Step> steps, BooleanSupplier stopRequested, int stopCode, java.io.PrintWriter err)
      throws InterruptedException {
    for (Step s : steps) {
      if (stopRequested.getAsBoolean()) {
        LOG.info("stopped during start-up, before step '{}'", s.name());
        return stopCode;
      }
      current = s.name();
      LOG.debug("start-up step '{}'", s.name());
      try {
        s.action().run();
      } catch (Failure f) {
        if (f.getMessage() != null && !f.getMessage().isEmpty()) {
          err.println("vigil: " + f.getMessage());
          err.flush();
        }
        LOG.debug("start-up step '{}' failed (exit {})", s.name(), f.exitCode);
        return f.exitCode;
      } catch (RuntimeException e) {
        err.println("vigil: " + s.name() + ": " + e.getMessage());
        err.flush();
        LOG.debug("start-up step '{}' failed", s.name(), e);
        return ExitCodes.ERROR;
      }
    }
    current = "running";
    return null;
  }

  /** Closes everything registered, last first; a closer that throws is logged and the others still run. */
  @Override
  public void close() {
    while (!closers.isEmpty()) {
      Closer c = closers.pop();
      try {
        c.closer().close();
      } catch (Exception | LinkageError e) {
        LOG.warn("closing {} failed: {}", c.name(), e.toString());
      }
    }
  }

  /** The names of the registered closers, in the order {@link #close()} would run them (for tests). */
  List<String> pending() {
    return closers.stream().map(Closer::name).toList();
  }
}
