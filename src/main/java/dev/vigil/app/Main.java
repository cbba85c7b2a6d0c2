package dev.vigil.app;

import picocli.CommandLine;

/** Entry point of the {@code vigil} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (see {@link ExitCodes}). */
  static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured picocli command tree; tests redirect its output streams. */
  static CommandLine commandLine() {
    return new CommandLine(new VigilCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((ex, cmd, parsed) -> {
          cmd.getErr().println("vigil: " + ex.getMessage());
          return ExitCodes.ERROR;
        });
  }
}
