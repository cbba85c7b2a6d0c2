package dev.vigil.app;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.AlertStamp;
import dev.vigil.alert.FalcoJson;
import dev.vigil.engine.RuleEngine;
import dev.vigil.event.ContainerActivity;
import dev.vigil.record.EventLog;
import dev.vigil.rules.LoadResult;
import dev.vigil.event.Capability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil replay EVENTS.jsonl}: runs recorded events through the rules and prints the alerts. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Run events recorded by `vigil monitor --record-events FILE` through the rules and print the "
        + "alerts (Falco JSON lines), to test a rule change without staging an attack.",
        "Every rule is evaluated as if all sensors ran. Unreadable lines are reported on stderr and skipped."})
final class ReplayCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "EVENTS.jsonl", description = "Events file to replay.")
  Path events;

  @Mixin
  RuleOptions ruleOptions = new RuleOptions();

  @Option(names = "--hostname", description = "Host name written in alerts (default: this machine's).")
  String hostname;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadResult rules = ruleOptions.load(Capability.all());
    if (rules.hasErrors()) {
      RulesCommand.print(rules.errors(), err);
      err.flush();
      return ExitCodes.ERROR;
    }
    EventLog log = new EventLog();
    long[] alerts = {0};
    AlertSink print = new AlertStamp(hostname != null ? hostname : MonitorCommand.localHostname(), a -> {
      alerts[0]++;
      out.println(FalcoJson.toJson(a));
    });
    // the monitor's chain, with the recording as the inventory and the rules as the only engine
    EventChain chain = new EventChain(log, new ContainerActivity(), null, new RuleEngine(rules, log), print);
    List<EventLog.BadLine> bad;
    try (BufferedReader in = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
      bad = log.read(in, chain);
    } catch (java.nio.file.NoSuchFileException e) {
      err.println("vigil: no such events file: " + events);
      err.flush();
      return ExitCodes.ERROR;
    }
    for (EventLog.BadLine b : bad) {
      err.println(events + ":" + b.number() + ": skipped: " + b.problem());
    }
    out.flush();
    err.println(alerts[0] + " alerts; " + bad.size() + " lines skipped");
    err.flush();
    return ExitCodes.OK;
  }
}
