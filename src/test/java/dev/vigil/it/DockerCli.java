package dev.vigil.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives the real Docker engine through the docker CLI, the way a user would, for integration tests. Every
 * container a test creates is named with {@link #PREFIX} so {@link #removeAll()} can clean up.
 */
final class DockerCli {

  static final String PREFIX = "vigil-it-";
  static final String BUSYBOX = "vigil-test/busybox:1";
  static final String NMAP = "vigil-test/nmap:1";

  private DockerCli() {}

  /** Result of a command. */
  record Result(int exit, String out, String err) {}

  static Result exec(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    cmd.addAll(Arrays.asList(args));
    return run(cmd, 120);
  }

  static Result run(List<String> cmd, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      byte[][] streams = new byte[2][];
      Thread t = new Thread(() -> {
        try {
          streams[1] = p.getErrorStream().readAllBytes();
        } catch (IOException e) {
          streams[1] = new byte[0];
        }
      });
      t.start();
      streams[0] = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      t.join();
      return new Result(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8).trim(),
          new String(streams[1], StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs docker and fails the test when it exits non-zero; returns stdout. */
  static String ok(String... args) {
    Result r = exec(args);
    if (r.exit() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  /** Starts a detached busybox container without network, running {@code sh -c script}; returns its id. */
  static String runShell(String name, String script, String... extraOptions) {
    List<String> a = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "none"));
    a.addAll(Arrays.asList(extraOptions));
    a.addAll(List.of(BUSYBOX, "sh", "-c", script));
    return ok(a.toArray(String[]::new));
  }

  static String uniqueName(String what) {
    return PREFIX + what + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  static void removeAll() {
    removeContainers(PREFIX);
  }

  /** Removes the containers whose names start with {@code prefix}. */
  static void removeContainers(String prefix) {
    String ids = exec("ps", "-aq", "--filter", "name=^" + prefix).out();
    if (!ids.isBlank()) {
      List<String> a = new ArrayList<>(List.of("rm", "-f"));
      a.addAll(Arrays.asList(ids.split("\\s+")));
      exec(a.toArray(String[]::new));
    }
  }

  /** Fails fast, with the fix, when the engine or the test images are missing. */
  static void requireEngineAndImages() {
    Result info = exec("version", "--format", "{{.Server.Version}}");
    if (info.exit() != 0) {
      throw new AssertionError("no Docker engine answers (" + info.err() + "); run scripts/test.sh, which starts one");
    }
    for (String image : List.of(BUSYBOX, NMAP)) {
      if (exec("image", "inspect", image).exit() != 0) {
        throw new AssertionError("test image " + image + " missing; run scripts/build-test-images.sh");
      }
    }
  }
}
