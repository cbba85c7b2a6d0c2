package dev.vigil.app;

import picocli.CommandLine.Command;

/** The top-level {@code vigil} command; does nothing itself but list its subcommands. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
    description = "Watches a Docker host in real time, detects threats inside its containers and alerts on them.",
    subcommands = {MonitorCommand.class, StatusCommand.class, AlertsCommand.class, RulesCommand.class,
        FieldsCommand.class, ReplayCommand.class, BaselineCommand.class,
        VersionCommand.class, picocli.CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 error, 2 bad usage, 3 Docker engine unavailable, 4 engine socket not permitted."})
final class VigilCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
