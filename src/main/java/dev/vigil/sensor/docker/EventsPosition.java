package dev.vigil.sensor.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * The Docker events position kept in the data directory ({@value #FILE}): the engine time, in nanoseconds, of the
 * last event the events sensor handled, the engine time at which the agent was last known running (on an idle host
 * the last event can be hours older), and whether the agent that wrote it stopped cleanly. A restarted agent resumes
 * the stream from the last event with {@code since=} ({@link #resume}); the gap it could not watch is measured from
 * the later of the two times. The file is a small JSON object, mode 0600,
 * replaced atomically (a temporary file renamed over it), so a crash leaves the previous or the new position, never
 * half of one. Thread-safe: {@link #write} is synchronized; reading is done once, at start.
 */
public final class EventsPosition {

  /** The file's name in the data directory. */
  public static final String FILE = "events.position";
  /** A file the agent writes in every run; present without {@value #FILE}, it means the position was lost. */
  static final String PREVIOUS_RUN_MARK = "status.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 4096;

  /**
   * What a previous run saved.
   *
   * @param timeNano engine time of the last event handled
   * @param aliveNano engine time at which the agent last saved the position (it was running then)
   */
  public record Saved(long timeNano, long aliveNano, boolean clean) {

    /** Until when the agent watched: the later of the two times. */
    long watchedUntilNano() {
      return Math.max(timeNano, aliveNano);
    }
  }

  /**
   * Where to follow the stream from and what could not be covered.
   *
   * @param sinceNano the {@code since=} position, engine time in nanoseconds
   * @param replaying true when {@code sinceNano} is a saved position: events before the start are replayed
   * @param gap the uncovered time for a notice ("gap" or "position_lost"), or null when nothing is uncovered
   * @param notice the notice word, null when {@code gap} is null
   * @param message what happened, for the log and the alert
   */
  public record Resume(long sinceNano, boolean replaying, Duration gap, String notice, String message) {

    boolean blind() {
      return notice != null;
    }
  }

  private final Path file;

  public EventsPosition(Path dataDir) {
    this.file = dataDir.resolve(FILE);
  }

  Path file() {
    return file;
  }

  /**
   * Reads the saved position.
   *
   * @return null when there is no file
   * @throws IOException when it exists but cannot be read or is not a position
   */
  Saved read() throws IOException {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IOException(file + " is larger than " + MAX_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    JsonNode n = JSON.readTree(bytes);
    if (n == null || !n.path("time_nano").canConvertToLong() || n.path("time_nano").asLong() <= 0) {
      throw new IOException(file + " holds no time_nano");
    }
    long time = n.path("time_nano").asLong();
    return new Saved(time, n.path("alive_nano").asLong(time), n.path("clean").asBoolean(false));
  }

  /** Replaces the file with this position (0600, atomically). */
  synchronized void write(long timeNano, long aliveNano, boolean clean) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("time_nano", timeNano);
    n.put("time", Instant.ofEpochSecond(0, timeNano).toString());
    n.put("alive_nano", aliveNano);
    n.put("clean", clean);
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      // not a POSIX file system, or a racing writer of another agent: write it anyway, the rename stays atomic
    }
    Files.write(tmp, JSON.writeValueAsBytes(n), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Decides where to resume: from the saved position when it is at most {@code maxGap} old, else from now with a
   * "gap" notice; a file that exists but cannot be read, or a missing file where an earlier run left its status,
   * is a "position_lost" notice (how long the agent was blind is unknown); a missing file in a fresh data directory
   * is a first start and reports nothing.
   *
   * @param saved what {@link #read} returned (null: no file)
   * @param readError why the file could not be read, or null
   * @param previousRun whether an earlier agent ran with this data directory
   */
  static Resume decide(Saved saved, String readError, boolean previousRun, long nowNano, Duration maxGap) {
    if (readError != null) {
      return new Resume(nowNano, false, Duration.ZERO, "position_lost",
          "the saved Docker events position cannot be read (" + readError + "); events while the agent was down"
              + " are not replayed, starting from now");
    }
    if (saved == null) {
      return previousRun
          ? new Resume(nowNano, false, Duration.ZERO, "position_lost", "no saved Docker events position although"
              + " an earlier agent ran with this data directory; events while the agent was down are not replayed,"
              + " starting from now")
          : new Resume(nowNano, false, null, null, "first start with this data directory: following events from now");
    }
    long gapNanos = nowNano - saved.watchedUntilNano();
    if (gapNanos <= 0) {
      return new Resume(nowNano, false, null, null, "saved Docker events position is not in the past; following "
          + "events from now");
    }
    Duration gap = Duration.ofNanos(gapNanos);
    String since = Instant.ofEpochSecond(0, saved.timeNano()).toString();
    if (gap.compareTo(maxGap) > 0) {
      return new Resume(nowNano, false, gap, "gap", "the agent was down for " + text(gap) + " (since "
          + Instant.ofEpochSecond(0, saved.watchedUntilNano())
          + "), longer than the maximum gap of " + text(maxGap) + "; events of that time are not replayed, starting"
          + " from now");
    }
    // +1 ns: since= includes its own instant, and the event at the saved position was handled already
    return new Resume(saved.timeNano() + 1, true, null, null, "resuming Docker events from " + since + " (the"
        + " agent was down for " + text(gap) + (saved.clean() ? "" : ", after an unclean stop") + ")");
  }

  /** Reads the file and decides; never throws. */
  Resume resume(long nowNano, Duration maxGap) {
    Saved saved = null;
    String error = null;
    try {
      saved = read();
    } catch (IOException | RuntimeException e) {
      error = e.getMessage();
    }
    boolean previousRun = Files.exists(file.resolveSibling(PREVIOUS_RUN_MARK));
    return decide(saved, error, previousRun, nowNano, maxGap);
  }

  private static String text(Duration d) {
    long s = d.toSeconds();
    return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : s >= 60
        ? String.format("%dm%02ds", s / 60, s % 60) : String.format("%.1fs", d.toMillis() / 1000.0);
  }
}
