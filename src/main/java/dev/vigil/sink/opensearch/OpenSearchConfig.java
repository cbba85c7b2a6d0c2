package dev.vigil.sink.opensearch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.alert.Priority;
import dev.vigil.common.ConfigBinding;
import dev.vigil.common.DurationText;
import dev.vigil.common.SizeText;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The {@code sinks.opensearch} section of the configuration file: where and how alerts are bulk-indexed into
 * Elasticsearch or OpenSearch. Validated when built, so a typo fails at start with the key's name rather than
 * as an HTTP error hours later. Immutable; {@link #toString()} never shows the password or the API key.
 *
 * <pre>{@code
 * sinks:
 *   opensearch:
 *     url: https://search.example:9200     # or urls: [..., ...] (tried in turn when one is unreachable)
 *     index: vigil-alerts                  # daily indices vigil-alerts-YYYY.MM.DD, or the data stream's name
 *     data_stream: false
 *     username: vigil                      # basic auth; or api_key: <base64 id:key> (Authorization: ApiKey)
 *     password: secret
 *     ca_file: /etc/vigil/search-ca.pem    # PEM, one or more certificates
 *     insecure: false                      # UNSAFE: trusts any certificate and host name
 *     timeout: 10s
 *     max_batch: 500
 *     max_bulk_bytes: 5MB                  # a batch's _bulk body is split to stay below this
 *     min_priority: debug
 *     install_template: true
 * }</pre>
 *
 * @param urls base URLs of the cluster's nodes (http or https, optional path prefix, no trailing slash)
 * @param index daily-index prefix, or the data stream's name when {@code dataStream}
 * @param username basic-auth user, null for none
 * @param password basic-auth password, null for none
 * @param apiKey the encoded API key sent as {@code Authorization: ApiKey <apiKey>}, null for none
 * @param caFile PEM file of the certificate authorities to trust instead of the JDK's, null for the JDK's
 * @param insecure trust every certificate and host name (testing only)
 * @param timeout connect and whole-request timeout of each HTTP call
 * @param maxBatch alerts per {@code _bulk} request
 * @param maxBulkBytes the largest {@code _bulk} body sent: a batch whose body would be larger goes out in several
 *     requests (an alert larger than this on its own is still sent, alone); below the server's
 *     {@code http.max_content_length} (100 MB by default) and any proxy's limit (nginx: 1 MB by default)
 * @param minPriority least severe priority delivered (the delivery layer applies it)
 * @param installTemplate whether the destination installs its index template (off when an operator manages it)
 */
public record OpenSearchConfig(
    List<URI> urls, String index, boolean dataStream, String username, String password, String apiKey,
    Path caFile, boolean insecure, Duration timeout, int maxBatch, long maxBulkBytes, Priority minPriority,
    boolean installTemplate) {

  public static final String DEFAULT_INDEX = "vigil-alerts";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_MAX_BATCH = 500;
  public static final long DEFAULT_MAX_BULK_BYTES = 5L << 20;
  static final long MIN_MAX_BULK_BYTES = 64L << 10;
  static final long MAX_MAX_BULK_BYTES = 1L << 30;
  private static final String SECTION = "sinks.opensearch";
  private static final String INDEX_FORBIDDEN = "\\/*?\"<>| ,#:";

  public OpenSearchConfig {
    Objects.requireNonNull(urls, SECTION + ".url is required");
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(SECTION + ".url is required (e.g. https://localhost:9200)");
    }
    urls = List.copyOf(urls);
    index = index == null ? DEFAULT_INDEX : index;
    checkIndex(index);
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException(SECTION + ": username and password go together (set both or neither)");
    }
    if (apiKey != null && username != null) {
      throw new IllegalArgumentException(SECTION + ": set either api_key or username/password, not both");
    }
    if (apiKey != null && apiKey.isBlank()) {
      throw new IllegalArgumentException(SECTION + ".api_key is empty");
    }
    if (insecure && caFile != null) {
      throw new IllegalArgumentException(SECTION + ": insecure: true ignores ca_file; set one of them");
    }
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(SECTION + ".timeout must be between 100ms and 5m, not " + timeout);
    }
    if (maxBatch < 1 || maxBatch > 10_000) {
      throw new IllegalArgumentException(SECTION + ".max_batch must be between 1 and 10000, not " + maxBatch);
    }
    if (maxBulkBytes < MIN_MAX_BULK_BYTES || maxBulkBytes > MAX_MAX_BULK_BYTES) {
      throw new IllegalArgumentException(SECTION + ".max_bulk_bytes must be between 64KB and 1GB, not "
          + maxBulkBytes);
    }
    minPriority = minPriority == null ? Priority.DEBUG : minPriority;
  }

  /** A configuration for one URL with every other setting at its default. */
  public static OpenSearchConfig of(String url) {
    return fromYaml(url, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** Jackson's way in: snake_case keys, {@code url} or {@code urls}, durations as {@code 10s}. */
  @JsonCreator
  static OpenSearchConfig fromYaml(
      @JsonProperty("url") String url,
      @JsonProperty("urls") List<String> urls,
      @JsonProperty("index") String index,
      @JsonProperty("data_stream") Boolean dataStream,
      @JsonProperty("username") String username,
      @JsonProperty("password") String password,
      @JsonProperty("api_key") String apiKey,
      @JsonProperty("ca_file") String caFile,
      @JsonProperty("insecure") Boolean insecure,
      @JsonProperty("timeout") @JsonDeserialize(using = DurationText.Deserializer.class) Duration timeout,
      @JsonProperty("max_batch") Integer maxBatch,
      @JsonProperty("max_bulk_bytes") @JsonDeserialize(using = SizeText.Deserializer.class) Long maxBulkBytes,
      @JsonProperty("min_priority") String minPriority,
      @JsonProperty("install_template") Boolean installTemplate) {
    if (url != null && urls != null) {
      throw new IllegalArgumentException(SECTION + ": set url or urls, not both");
    }
    List<String> texts = url != null ? List.of(url) : urls == null ? List.of() : urls;
    List<URI> parsed = new ArrayList<>();
    for (String t : texts) {
      parsed.add(parseUrl(t));
    }
    Priority min;
    try {
      min = minPriority == null ? null : Priority.parse(minPriority);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SECTION + ".min_priority: " + e.getMessage(), e);
    }
    return new OpenSearchConfig(parsed, index, Boolean.TRUE.equals(dataStream), username, password, apiKey,
        caFile == null ? null : Path.of(caFile), Boolean.TRUE.equals(insecure), timeout,
        maxBatch == null ? DEFAULT_MAX_BATCH : maxBatch, maxBulkBytes == null ? DEFAULT_MAX_BULK_BYTES : maxBulkBytes,
        min, installTemplate == null || installTemplate);
  }

  /**
   * Binds the raw {@code sinks.opensearch} node of the configuration file.
   *
   * @throws IllegalArgumentException with a one-line message naming the key: an unknown key (with the known
   *     ones), a value of the wrong type, or a failed validation
   */
  public static OpenSearchConfig bind(JsonNode node) {
    return ConfigBinding.bind(node, OpenSearchConfig.class, SECTION);
  }

  /** The name of the index an alert at {@code day} goes to (the data stream's name in data-stream mode). */
  public String target(java.time.LocalDate day) {
    if (dataStream) {
      return index;
    }
    return String.format(Locale.ROOT, "%s-%04d.%02d.%02d", index, day.getYear(), day.getMonthValue(),
        day.getDayOfMonth());
  }

  @Override
  public String toString() {
    return "OpenSearchConfig[urls=" + urls + ", index=" + index + ", dataStream=" + dataStream + ", username="
        + username + ", password=" + (password == null ? "null" : "***") + ", apiKey="
        + (apiKey == null ? "null" : "***") + ", caFile=" + caFile + ", insecure=" + insecure + ", timeout="
        + timeout + ", maxBatch=" + maxBatch + ", maxBulkBytes=" + maxBulkBytes + ", minPriority=" + minPriority
        + ", installTemplate=" + installTemplate + "]";
  }

  private static URI parseUrl(String text) {
    String t = text == null ? "" : text.trim();
    URI u;
    try {
      u = new URI(t);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(SECTION + ".url: '" + t + "' is not a URL: " + e.getReason(), e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(SECTION + ".url: '" + t + "' must start with http:// or https://");
    }
    if (u.getHost() == null) {
      throw new IllegalArgumentException(SECTION + ".url: '" + t + "' has no host");
    }
    if (u.getRawUserInfo() != null) {
      throw new IllegalArgumentException(SECTION + ".url: put credentials in username/password or api_key, "
          + "not in the URL");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new IllegalArgumentException(SECTION + ".url: '" + t + "' must not have a query or fragment");
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return URI.create(scheme + "://" + u.getRawAuthority() + path);
  }

  private static void checkIndex(String index) {
    String problem = null;
    if (index.isEmpty()) {
      problem = "is empty";
    } else if (!index.equals(index.toLowerCase(Locale.ROOT))) {
      problem = "must be lower case";
    } else if (index.length() > 200) {
      problem = "is longer than 200 characters";
    } else if ("-_+.".indexOf(index.charAt(0)) >= 0) {
      problem = "must not start with -, _, + or .";
    } else {
      for (int i = 0; i < index.length(); i++) {
        if (INDEX_FORBIDDEN.indexOf(index.charAt(i)) >= 0) {
          problem = "must not contain any of " + INDEX_FORBIDDEN.chars().mapToObj(c -> "'" + (char) c + "'")
              .collect(Collectors.joining(" "));
          break;
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(SECTION + ".index '" + index + "' " + problem);
    }
  }
}
