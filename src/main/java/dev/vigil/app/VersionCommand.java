package dev.vigil.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vigil version}: the agent's version, Java runtime and OS. */
@Command(name = "version", description = "Print Vigil's version, the Java runtime and the OS.")
final class VersionCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  static String version() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public void run() {
    for (String line : new Provider().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
  }

  /** Supplies {@code --version} output. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
          "vigil " + version(),
          "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
          "os " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
              + System.getProperty("os.arch")};
    }
  }
}
