package dev.vigil.app;

import dev.vigil.detect.baseline.BaselineFile;
import dev.vigil.detect.baseline.BaselineStore;
import dev.vigil.detect.baseline.Feature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil baseline show|reset}: the per-image anomaly models the agent keeps in {@code <data-dir>/baselines}.
 * Reads the files only (the agent need not run); {@code reset} deletes a file, and a running agent that notices the
 * deletion at its next save starts learning that image again.
 */
@Command(name = "baseline", description = "Show or reset the per-image anomaly baselines (the learned models).",
    subcommands = {BaselineCommand.Show.class, BaselineCommand.Reset.class})
final class BaselineCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The model file of an image as the user names it: exactly, else with {@code :latest} added. */
  static Optional<BaselineStore.Entry> find(BaselineStore store, String image) throws IOException {
    Optional<BaselineStore.Entry> e = store.find(image);
    if (e.isEmpty() && !image.contains("@") && !image.substring(image.lastIndexOf('/') + 1).contains(":")) {
      e = store.find(image + ":latest");
    }
    return e;
  }

  static String size(long bytes) {
    return bytes < 1000 ? bytes + " B" : bytes < 1_000_000 ? String.format(Locale.ROOT, "%.1f kB", bytes / 1e3)
        : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  static String state(BaselineFile.Summary s) {
    return s.learning() ? "learning " + s.samples() + "/" + s.learningSamples() : "scoring";
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"List the images that have a model (samples learned, learning or scoring, last update, file "
          + "size), or show one image's model in detail: its settings and each feature's normal value.",
          "Exit codes: 0 shown, 1 no model for IMAGE."})
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = MonitorCommand.DEFAULT_DATA_DIR,
        description = "The agent's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Parameters(paramLabel = "IMAGE", arity = "0..1",
        description = "An image as containers name it (repository:tag, or repository@digest); :latest may be left "
            + "out.")
    String image;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      BaselineStore store = new BaselineStore(dataDir);
      try {
        if (image == null) {
          return list(store, out);
        }
        Optional<BaselineStore.Entry> e = find(store, image);
        if (e.isEmpty()) {
          out.println("no baseline for image " + image + " in " + store.dir());
          return ExitCodes.ERROR;
        }
        detail(e.get(), out);
        return ExitCodes.OK;
      } finally {
        out.flush();
      }
    }

    private static int list(BaselineStore store, PrintWriter out) throws IOException {
      List<BaselineStore.Entry> entries = store.list();
      if (entries.isEmpty()) {
        out.println("no baselines in " + store.dir());
        return ExitCodes.OK;
      }
      out.printf("%-48s %-16s %9s  %-24s %10s%n", "IMAGE", "STATE", "SAMPLES", "LAST UPDATE", "SIZE");
      for (BaselineStore.Entry e : entries) {
        BaselineFile.Summary s = e.summary();
        if (s == null) {
          out.printf("%-48s %-16s %9s  %-24s %10s  (%s)%n", e.file().getFileName(), "UNREADABLE", "-", "-",
              size(e.size()), e.error());
        } else {
          out.printf("%-48s %-16s %9d  %-24s %10s%n", s.image(), state(s), s.samples(),
              s.lastUpdate().isEmpty() ? "-" : s.lastUpdate(), size(e.size()));
        }
      }
      return ExitCodes.OK;
    }

    private static void detail(BaselineStore.Entry e, PrintWriter out) {
      BaselineFile.Summary s = e.summary();
      if (s == null) {
        out.printf("file         %s (%s)%nUNREADABLE   %s%n", e.file(), size(e.size()), e.error());
        return;
      }
      out.printf("image        %s%n", s.image());
      out.printf("file         %s (%s)%n", e.file(), size(e.size()));
      out.printf("state        %s (%d samples learned, learning period %d)%n", s.learning() ? "learning" : "scoring",
          s.samples(), s.learningSamples());
      out.printf("model        %d s intervals; Random Cut Forest of %d trees x %d samples%n", s.intervalSeconds(),
          s.trees(), s.sampleSize());
      out.printf("last update  %s%n", s.lastUpdate().isEmpty() ? "-" : s.lastUpdate());
      out.printf("saved at     %s%n", s.savedAt());
      out.printf("executables  %d known%n", s.executables());
      out.printf("%-18s %14s  %s%n", "feature", "normal", "spread (sd, log scale)");
      for (int i = 0; i < s.features().size() && i < s.mean().length; i++) {
        String name = s.features().get(i);
        Optional<Feature> f = Feature.all().stream().filter(x -> x.key().equals(name)).findFirst();
        double normal = Feature.untransform(s.mean()[i]);
        out.printf("  %-16s %14s  %.2f%n", name, f.map(x -> x.format(normal)).orElse(String.valueOf(normal)),
            Math.sqrt(Math.max(0, s.variance()[i])));
      }
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = {"Delete an image's model, so it is learned again from scratch (after a deliberate change of "
          + "the image's behaviour, or a model learned from an attack). A running agent notices at its next save "
          + "and starts learning; otherwise the next agent start does.",
          "Exit codes: 0 deleted, 1 no model for IMAGE."})
  static final class Reset implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = MonitorCommand.DEFAULT_DATA_DIR,
        description = "The agent's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Parameters(paramLabel = "IMAGE", arity = "1",
        description = "An image as `vigil baseline show` lists it; :latest may be left out.")
    String image;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      BaselineStore store = new BaselineStore(dataDir);
      try {
        Optional<BaselineStore.Entry> e = find(store, image);
        if (e.isEmpty()) {
          out.println("no baseline for image " + image + " in " + store.dir());
          return ExitCodes.ERROR;
        }
        String name = e.get().summary() != null ? e.get().summary().image() : image;
        java.nio.file.Files.deleteIfExists(e.get().file());
        out.printf("deleted the baseline of %s (%s); the image is learned again from its next samples%n", name,
            e.get().file());
        return ExitCodes.OK;
      } finally {
        out.flush();
      }
    }
  }
}
