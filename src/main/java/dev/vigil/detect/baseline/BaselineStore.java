package dev.vigil.detect.baseline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The model files under {@code <data-dir>/baselines/}: one {@code <name>.json} per image, where the name is the
 * image with every character outside {@code [A-Za-z0-9._-]} replaced by {@code _} plus a short hash of the exact
 * image name (so {@code a/b:1} and {@code a_b:1} get different files, and a name is never a path). Writes are atomic:
 * the bytes go to a temporary file in the same directory, are forced to disk, and the file is renamed over the old
 * one, so a reader (or a crash) sees the old model or the new one, never half of one. Used by the detector's I/O
 * thread and by {@code vigil baseline}; each method is a plain blocking call. Stateless apart from the path, so
 * safe to share between threads.
 */
public final class BaselineStore {

  /** The directory under the data directory. */
  public static final String DIR = "baselines";
  /** Suffix of model files. */
  public static final String SUFFIX = ".json";
  /** Suffix given to an unreadable file when it is put aside. */
  public static final String CORRUPT_SUFFIX = ".corrupt";

  private static final int MAX_NAME = 100;

  private final Path dir;

  /** A store in {@code <dataDir>/baselines}; the directory is created at the first write. */
  public BaselineStore(Path dataDir) {
    this.dir = dataDir.resolve(DIR);
  }

  public Path dir() {
    return dir;
  }

  /** The file of an image's model (which may not exist). */
  public Path fileFor(String imageKey) {
    return dir.resolve(fileName(imageKey));
  }

  /** {@code <safe image name>-<8 hex digits of SHA-256 of the image>.json}. */
  public static String fileName(String imageKey) {
    StringBuilder sb = new StringBuilder(Math.min(imageKey.length(), MAX_NAME) + 14);
    for (int i = 0; i < imageKey.length() && sb.length() < MAX_NAME; i++) {
      char c = imageKey.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
          || c == '-' || c == '_';
      sb.append(safe ? c : '_');
    }
    if (sb.length() == 0 || sb.charAt(0) == '.') {
      sb.insert(0, '_');
    }
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(imageKey.getBytes(StandardCharsets.UTF_8));
      sb.append('-').append(HexFormat.of().formatHex(h, 0, 4));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    return sb.append(SUFFIX).toString();
  }

  /** Writes an image's model atomically, creating the directory if needed. */
  public void write(String imageKey, byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    Path target = fileFor(imageKey);
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The bytes of an image's model, empty when there is no file. */
  public Optional<byte[]> read(String imageKey) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(fileFor(imageKey)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** True when the image has a model file. */
  public boolean exists(String imageKey) {
    return Files.isRegularFile(fileFor(imageKey));
  }

  /**
   * Puts an unreadable model file aside as {@code <name>.json.corrupt} (replacing an older one) so it can be
   * inspected and is not read again; returns the new path.
   */
  public Path setAside(String imageKey) throws IOException {
    Path f = fileFor(imageKey);
    Path aside = dir.resolve(f.getFileName() + CORRUPT_SUFFIX);
    Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
    return aside;
  }

  /** Deletes an image's model; false when it had none. */
  public boolean delete(String imageKey) throws IOException {
    return Files.deleteIfExists(fileFor(imageKey));
  }

  /**
   * One model file as listed by {@code vigil baseline show}.
   *
   * @param summary the file's head, or null when the file is unreadable
   * @param error why the file is unreadable, or null
   */
  public record Entry(Path file, long size, BaselineFile.Summary summary, String error) {}

  /** Every model file, ordered by image name (unreadable files last, by file name); empty without a directory. */
  public List<Entry> list() throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        out.add(entry(f));
      }
    }
    out.sort(Comparator.comparing((Entry e) -> e.summary() == null)
        .thenComparing(e -> e.summary() != null ? e.summary().image() : e.file().getFileName().toString()));
    return out;
  }

  /** The entry of one image, empty when it has no file. */
  public Optional<Entry> find(String imageKey) throws IOException {
    Path f = fileFor(imageKey);
    return Files.isRegularFile(f) ? Optional.of(entry(f)) : Optional.empty();
  }

  private static Entry entry(Path f) throws IOException {
    long size = Files.size(f);
    try (InputStream in = Files.newInputStream(f)) {
      return new Entry(f, size, BaselineFile.summarize(in), null);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      return new Entry(f, size, null, e.getMessage());
    }
  }
}
