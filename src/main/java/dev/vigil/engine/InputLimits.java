package dev.vigil.engine;

import dev.vigil.common.Metrics;
import dev.vigil.event.Event;
import dev.vigil.event.FileChange;
import dev.vigil.event.FileOpen;
import dev.vigil.event.LogLine;
import dev.vigil.event.ProcessExec;
import java.util.ArrayList;
import java.util.List;

/**
 * The sizes event text is cut to before the rules see it, so that the work of matching one event is bounded
 * whatever a container makes its processes, files or output look like (matching is linear in a value's length,
 * see {@code rules.RegexSyntax}; this bounds the length). The table {@link Limit} is the single source of these
 * sizes (docs/RULES.md shows it); each cut is counted in {@code vigil.input.cut{what}}. Alerts show the cut values.
 * Stateless apart from the counters; thread-safe.
 */
public final class InputLimits {

  /** One bounded kind of text: its name in the metric, its size in characters and what it covers. */
  public enum Limit {
    ARGV("argv", 8_192, "a process's arguments, all together (proc.cmdline, proc.args, proc.exe); at most 1,024 "
        + "arguments, the one that crosses the size cut, the rest dropped"),
    ANCESTOR_CMDLINE("ancestor_cmdline", 8_192, "each ancestor's command line (proc.pcmdline)"),
    PATH("path", 4_096, "file paths (fd.name and what derives from it), proc.exepath and proc.cwd (PATH_MAX)"),
    LOG_LINE("log_line", 65_536, "a container's log line (log.line), after the log sensor's own cut at "
        + "--max-log-line bytes (16,384 by default, counted as vigil.log.truncated)");

    public final String what;
    public final int maxChars;
    public final String covers;

    Limit(String what, int maxChars, String covers) {
      this.what = what;
      this.maxChars = maxChars;
      this.covers = covers;
    }
  }

  /** Arguments kept at most (empty arguments cost a separator each in the joined command line). */
  static final int MAX_ARGS = 1_024;
  static final String METRIC = "vigil.input.cut";

  private final Metrics metrics;

  public InputLimits(Metrics metrics) {
    this.metrics = metrics;
  }

  /** The event with its text cut to the limits; the same instance when nothing needed cutting. */
  public Event cut(Event e) {
    if (e instanceof ProcessExec p) {
      return cutProcess(p);
    }
    if (e instanceof FileChange f && over(f.path(), Limit.PATH)) {
      return new FileChange(f.time(), f.container(), f.sensor(), cut(f.path(), Limit.PATH), f.change());
    }
    if (e instanceof FileOpen o && over(o.path(), Limit.PATH)) {
      return new FileOpen(o.time(), o.container(), o.sensor(), cut(o.path(), Limit.PATH), o.mode(), o.pid(),
          o.procName());
    }
    if (e instanceof LogLine l && over(l.text(), Limit.LOG_LINE)) {
      return new LogLine(l.time(), l.container(), l.sensor(), l.stream(), cut(l.text(), Limit.LOG_LINE), true,
          l.originalBytes());
    }
    return e;
  }

  private ProcessExec cutProcess(ProcessExec p) {
    List<String> args = argv(p.args());
    String exePath = over(p.exePath(), Limit.PATH) ? cut(p.exePath(), Limit.PATH) : p.exePath();
    List<ProcessExec.Ancestor> ancestors = p.ancestors();
    for (int i = 0; i < ancestors.size(); i++) {
      ProcessExec.Ancestor a = ancestors.get(i);
      if (over(a.cmdline(), Limit.ANCESTOR_CMDLINE)) {
        ancestors = ancestors == p.ancestors() ? new ArrayList<>(ancestors) : ancestors;
        ancestors.set(i, new ProcessExec.Ancestor(a.pid(), a.name(), cut(a.cmdline(), Limit.ANCESTOR_CMDLINE)));
      }
    }
    ProcessExec.Details d = p.details();
    if (d != null && over(d.cwd(), Limit.PATH)) {
      d = new ProcessExec.Details(d.exeUpperLayer(), d.stdinType(), d.stdoutType(), d.stdinRemote(),
          cut(d.cwd(), Limit.PATH));
    }
    if (args == p.args() && exePath == p.exePath() && ancestors == p.ancestors() && d == p.details()) {
      return p;
    }
    return new ProcessExec(p.time(), p.container(), p.sensor(), p.pid(), p.ppid(), p.name(), exePath, args,
        p.uid(), p.user(), p.tty(), p.origin(), p.execId(), ancestors, d);
  }

  /** argv within {@link Limit#ARGV} characters (a separator counted per argument) and {@link #MAX_ARGS}. */
  private List<String> argv(List<String> args) {
    int total = 0;
    for (int i = 0; i < args.size(); i++) {
      int room = Limit.ARGV.maxChars - total;
      if (i == MAX_ARGS || args.get(i).length() > room) {
        List<String> kept = new ArrayList<>(args.subList(0, i));
        if (i < MAX_ARGS && room > 0) {
          kept.add(prefix(args.get(i), room));
        }
        metrics.counter(METRIC, "what", Limit.ARGV.what).increment();
        return kept;
      }
      total += args.get(i).length() + 1;
    }
    return args;
  }

  private static boolean over(String s, Limit limit) {
    return s != null && s.length() > limit.maxChars;
  }

  private String cut(String s, Limit limit) {
    metrics.counter(METRIC, "what", limit.what).increment();
    return prefix(s, limit.maxChars);
  }

  /** The first {@code n} characters of {@code s}, one fewer rather than half of a surrogate pair. */
  private static String prefix(String s, int n) {
    return s.substring(0, Character.isHighSurrogate(s.charAt(n - 1)) ? n - 1 : n);
  }
}
