package dev.vigil.detect.baseline;

import com.amazon.randomcutforest.state.RandomCutForestState;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One image's model as saved in {@code <data-dir>/baselines/<name>.json}: what {@code vigil baseline show} prints
 * (image, samples, learning samples, last update) first, the running feature statistics and the known executables
 * next, and the forest, by far the largest part, last, so the command can read the head of a file and skip the rest.
 * The forest is Random Cut Forest's own state object ({@code RandomCutForestMapper}, tree state included so a
 * reloaded model scores exactly as the saved one). Immutable apart from the forest state, which is a snapshot no one
 * changes after it is taken.
 *
 * @param format file format version, {@link #FORMAT}; another version is not loaded
 * @param features the feature names in vector order; another list is not loaded
 * @param lastUpdate event time of the last sample learned, ISO-8601, empty before the first
 * @param savedAt event time of the save, ISO-8601
 * @param mean per feature, running mean in model space
 * @param variance per feature, running variance in model space
 * @param executables known executable paths, least recently started first
 */
@JsonPropertyOrder({"format", "image", "features", "interval_seconds", "trees", "sample_size", "learning_samples",
    "samples", "last_update", "saved_at", "mean", "variance", "executables", "forest"})
public record BaselineFile(
    @JsonProperty("format") int format,
    @JsonProperty("image") String image,
    @JsonProperty("features") List<String> features,
    @JsonProperty("interval_seconds") int intervalSeconds,
    @JsonProperty("trees") int trees,
    @JsonProperty("sample_size") int sampleSize,
    @JsonProperty("learning_samples") int learningSamples,
    @JsonProperty("samples") long samples,
    @JsonProperty("last_update") String lastUpdate,
    @JsonProperty("saved_at") String savedAt,
    @JsonProperty("mean") double[] mean,
    @JsonProperty("variance") double[] variance,
    @JsonProperty("executables") List<String> executables,
    @JsonProperty("forest") RandomCutForestState forest) {

  /** The current file format. */
  public static final int FORMAT = 1;

  // RCF's state classes are Lombok beans that may gain fields in later versions; a newer field is not an error.
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public BaselineFile {
    features = features == null ? List.of() : List.copyOf(features);
    executables = executables == null ? List.of() : List.copyOf(executables);
  }

  /** The file's bytes (compact JSON). */
  public byte[] encode() throws IOException {
    return JSON.writeValueAsBytes(this);
  }

  /**
   * Reads a whole file.
   *
   * @throws IOException when the bytes are not a complete baseline file of this format (truncated, edited, another
   *     version); the message says what is wrong
   */
  public static BaselineFile decode(byte[] bytes) throws IOException {
    BaselineFile f = JSON.readValue(bytes, BaselineFile.class);
    if (f == null) {
      throw new IOException("empty file");
    }
    if (f.format != FORMAT) {
      throw new IOException("format " + f.format + " (this version reads format " + FORMAT + ")");
    }
    if (f.image == null || f.forest == null || f.mean == null || f.variance == null) {
      throw new IOException("missing image, forest or statistics");
    }
    if (f.mean.length != f.features.size() || f.variance.length != f.features.size()) {
      throw new IOException("statistics do not match the " + f.features.size() + " features");
    }
    return f;
  }

  /**
   * What {@code vigil baseline show} lists about a file, read from its head without parsing the forest.
   *
   * @param lastUpdate event time of the last sample learned, empty when unknown
   * @param executables number of known executables
   */
  public record Summary(String image, long samples, int learningSamples, int intervalSeconds, int trees,
      int sampleSize, String lastUpdate, String savedAt, int executables, List<String> features, double[] mean,
      double[] variance) {

    /** True while the model learns rather than scores (as the file says; the agent's setting may differ). */
    public boolean learning() {
      return samples < learningSamples;
    }
  }

  /**
   * Reads the head of a file: everything but the forest, which is skipped token by token without building it.
   *
   * @throws IOException when the file is not a baseline file
   */
  public static Summary summarize(InputStream in) throws IOException {
    String image = null;
    long samples = -1;
    int learning = 0;
    int interval = 0;
    int trees = 0;
    int sampleSize = 0;
    int format = -1;
    String lastUpdate = "";
    String savedAt = "";
    int executables = 0;
    List<String> features = List.of();
    double[] mean = new double[0];
    double[] variance = new double[0];
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "format":
            format = p.getIntValue();
            break;
          case "image":
            image = p.getText();
            break;
          case "features":
            features = List.of(JSON.readValue(p, String[].class));
            break;
          case "interval_seconds":
            interval = p.getIntValue();
            break;
          case "trees":
            trees = p.getIntValue();
            break;
          case "sample_size":
            sampleSize = p.getIntValue();
            break;
          case "learning_samples":
            learning = p.getIntValue();
            break;
          case "samples":
            samples = p.getLongValue();
            break;
          case "last_update":
            lastUpdate = p.getText();
            break;
          case "saved_at":
            savedAt = p.getText();
            break;
          case "mean":
            mean = JSON.readValue(p, double[].class);
            break;
          case "variance":
            variance = JSON.readValue(p, double[].class);
            break;
          case "executables":
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (p.currentToken() == null) {
                throw new IOException("truncated file");
              }
              executables++;
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("truncated file");
      }
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(e.getOriginalMessage(), e);
    }
    if (format != FORMAT || image == null || samples < 0) {
      throw new IOException(format != FORMAT && format != -1 ? "format " + format + " (this version reads format "
          + FORMAT + ")" : "not a baseline file (no format, image or samples)");
    }
    return new Summary(image, samples, learning, interval, trees, sampleSize, lastUpdate, savedAt, executables,
        features, mean, variance);
  }
}
