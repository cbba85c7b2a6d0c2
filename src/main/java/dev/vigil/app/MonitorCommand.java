package dev.vigil.app;

import dev.vigil.sensor.docker.DockerSettings;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil monitor}: runs the agent against a Docker engine until stopped by a signal. */
@Command(name = "monitor", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Watch the Docker engine's containers and print an alert, one Falco-format JSON object per line, for each "
            + "threat detected. Alerts go to stdout (and to --alerts-file); the agent's own logs go to stderr.",
        "Runs until SIGINT or SIGTERM; a restarting engine is waited for, never a reason to exit."})
final class MonitorCommand implements Callable<Integer> {

  static final String DEFAULT_DATA_DIR = "/var/lib/vigil";

  /** The names --disable-sensor accepts: every sensor of the catalog the agent can do without. */
  static final List<String> SENSORS = SensorCatalog.disableable();

  /** The sensor names for picocli's ${COMPLETION-CANDIDATES} in the --disable-sensor help. */
  static final class SensorNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return SENSORS.iterator();
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-H", "--docker-host"}, paramLabel = "URI",
      description = "Docker engine address: unix:///var/run/docker.sock or tcp://HOST:2376. "
          + "Default: $DOCKER_HOST, else the local unix socket.")
  String dockerHost;

  @Option(names = "--tls-verify", negatable = true, fallbackValue = "true",
      description = "Use TLS and verify the engine's certificate against ca.pem; present cert.pem/key.pem as the "
          + "client certificate. Default: $DOCKER_TLS_VERIFY.")
  Boolean tlsVerify;

  @Option(names = "--tls-cert-path", paramLabel = "DIR",
      description = "Directory with ca.pem, cert.pem and key.pem for --tls-verify. Default: $DOCKER_CERT_PATH, "
          + "else ~/.docker.")
  Path tlsCertPath;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (YAML): sinks, delivery, aggregation, data_dir; see docs/CONFIGURATION.md. "
          + "Options given on the command line win over the file.")
  Path configFile;

  @Option(names = "--alerts-file", paramLabel = "PATH",
      description = "Also append every alert to this file as a JSON line, flushed per alert. "
          + "Parent directories are created. Overrides sinks.file.path.")
  Path alertsFile;

  @Option(names = "--no-stdout-alerts", description = "Do not print alerts on stdout (use with --alerts-file).")
  boolean noStdoutAlerts;

  @Option(names = "--slack-webhook", paramLabel = "URL",
      description = "Also post alerts to this Slack incoming webhook (spooled, retried). The URL is a secret: "
          + "prefer sinks.slack.webhook_url: $${VIGIL_SLACK_WEBHOOK} in the configuration file, since command "
          + "lines are visible to other users.")
  String slackWebhook;

  @Option(names = "--webhook", paramLabel = "URL",
      description = "Also POST every alert as Falco JSON to this URL (repeatable; spooled, retried). Headers, "
          + "HMAC signing and TLS options are in the configuration file.")
  List<String> webhooks = new ArrayList<>();

  @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
      description = "Set a key of the configuration file, e.g. -o sinks.opensearch.url=https://es:9200 "
          + "-o store.retention=7d -o 'sinks.webhooks[0].url=$${HOOK}' (repeatable; VALUE is a YAML value, "
          + "$${NAME} is read from the environment; applied over --config, a later one wins; docs/CONFIGURATION.md).")
  List<String> options = new ArrayList<>();

  @Option(names = "--opensearch-url", paramLabel = "URL",
      description = "Index alerts into this Elasticsearch/OpenSearch node (repeatable for several nodes; the same as "
          + "sinks.opensearch.urls; credentials, TLS and index in the configuration file or with -o, "
          + "docs/OPENSEARCH.md).")
  List<String> opensearchUrls = new ArrayList<>();

  @Option(names = "--opensearch-index", paramLabel = "NAME",
      description = "Index (daily: NAME-yyyy.MM.dd) or data stream name for --opensearch-url (sinks.opensearch.index).")
  String opensearchIndex;

  @Option(names = "--store-retention", paramLabel = "DURATION",
      description = "How long the embedded alert store keeps alerts, e.g. 7d (store.retention; default 30d).")
  String storeRetention;

  @Option(names = "--no-store", description = "Do not keep alerts in the embedded store (store.enabled: false).")
  boolean noStore;

  @Option(names = "--hostname", description = "Host name written in alerts. Default: this machine's name.")
  String hostname;

  @Option(names = "--wait-for-engine", paramLabel = "DURATION", arity = "0..1", fallbackValue = "0",
      converter = DurationConverter.class,
      description = "When the engine cannot be reached at start, retry for this long (0 or no value: forever) "
          + "instead of exiting with code 3.")
  Duration waitForEngine;

  @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to sample each container's CPU, memory, network, block I/O and pids "
          + "(default: ${DEFAULT-VALUE}).")
  Duration statsInterval;

  @Option(names = "--top-interval", paramLabel = "DURATION", defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How often the fallback process sensor polls `docker top` per container "
          + "(default: ${DEFAULT-VALUE}). Processes that live shorter than this may be missed.")
  Duration topInterval;

  @Option(names = "--diff-interval", paramLabel = "DURATION", defaultValue = "3s",
      converter = DurationConverter.class,
      description = "How often the fallback file sensor polls `docker diff` per container "
          + "(default: ${DEFAULT-VALUE}; at least 30s when kernel.fanotify runs and the poll only looks for "
          + "deletions).")
  Duration diffInterval;

  @Option(names = "--net-interval", paramLabel = "DURATION", defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How often the network sensor reads each container's socket tables and TCP counters "
          + "(default: ${DEFAULT-VALUE}).")
  Duration netInterval;

  @Option(names = "--events-liveness", paramLabel = "DURATION", defaultValue = "15s",
      converter = DurationConverter.class,
      description = "How often to ping the engine to detect a hung engine or a half-open events stream; a closed "
          + "stream is noticed within 100 ms regardless (default: ${DEFAULT-VALUE}; a ping costs the agent about "
          + "5 ms of CPU).")
  Duration eventsLiveness;

  @Option(names = "--events-max-gap", paramLabel = "DURATION", defaultValue = "1h",
      converter = DurationConverter.class,
      description = "At start, Docker events are replayed from the position the previous run saved in the data "
          + "directory if it stopped at most this long ago; after a longer gap the agent starts from now and alerts "
          + "(default: ${DEFAULT-VALUE}; 0s: no position is saved or replayed).")
  Duration eventsMaxGap;

  @Option(names = "--max-log-line", paramLabel = "BYTES", defaultValue = "16384",
      description = "Container log lines longer than this are cut and counted (default: ${DEFAULT-VALUE}).")
  int maxLogLine;

  @Option(names = "--max-log-lag", paramLabel = "DURATION", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "A container whose log stream is read further behind than this has the backlog skipped: its "
          + "logs are followed again from now, and the time skipped is counted and alerted (default: "
          + "${DEFAULT-VALUE}; docs/LOSSES.md).")
  Duration maxLogLag;

  @Option(names = "--queue-capacity", paramLabel = "EVENTS", defaultValue = "65536",
      description = "Bound of the event queue between sensors and engine; events beyond it are dropped and "
          + "counted (default: ${DEFAULT-VALUE}).")
  int queueCapacity;

  @Option(names = "--disable-sensor", paramLabel = "NAME", completionCandidates = SensorNames.class,
      description = "Do not start this sensor (repeatable): ${COMPLETION-CANDIDATES}. Without a kernel sensor, its "
          + "polling stand-in runs.")
  List<String> disabledSensors = new ArrayList<>();

  @Option(names = "--request-pool", paramLabel = "N", defaultValue = "16",
      description = "Connections for request/response Engine API calls (default: ${DEFAULT-VALUE}).")
  int requestPool;

  @Option(names = "--stream-pool", paramLabel = "N", defaultValue = "1024",
      description = "Connections for long-lived streams: events plus one log follow per running container "
          + "(default: ${DEFAULT-VALUE}).")
  int streamPool;

  @Option(names = "--status-interval", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How often to log a status line with event, drop and alert counts (default: ${DEFAULT-VALUE}).")
  Duration statusInterval;

  @picocli.CommandLine.Mixin
  RuleOptions ruleOptions = new RuleOptions();

  @Option(names = "--metrics-listen", paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (events in and dropped per sensor, alerts per"
          + " rule and priority, sinks, agent CPU and memory). Off by default; bind 127.0.0.1 unless the network is"
          + " trusted: there is no authentication.")
  String metricsListen;

  @Option(names = "--record-events", paramLabel = "FILE",
      description = "Append every event the engine sees (and the container records it needs) to FILE as JSON lines,"
          + " for `vigil replay`.")
  Path recordEvents;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the agent keeps its state: status.json for `vigil status`, the alert store, the "
          + "delivery spools, the anomaly baselines (default: data_dir of the configuration file, else "
          + DEFAULT_DATA_DIR + ").")
  Path dataDir;

  @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Agent log format on stderr: text or json (ECS) (default: ${DEFAULT-VALUE}).")
  LoggingSetup.Format logFormat;

  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "Agent log level: error, warn, info, debug, trace. Default: $VIGIL_LOG_LEVEL, else info.")
  String logLevel;

  /** -o options, then the dedicated options that set configuration keys (they win over -o). */
  private ConfigOverrides overrides() throws ConfigFile.ConfigException {
    ConfigOverrides.Builder b = ConfigFile.overrides(System::getenv);
    for (String o : options) {
      b.option(o);
    }
    com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
    if (!opensearchUrls.isEmpty()) {
      com.fasterxml.jackson.databind.node.ArrayNode urls = f.arrayNode();
      opensearchUrls.forEach(urls::add);
      b.remove("--opensearch-url", "sinks.opensearch.url").set("--opensearch-url", "sinks.opensearch.urls", urls);
    }
    if (opensearchIndex != null) {
      b.set("--opensearch-index", "sinks.opensearch.index", f.textNode(opensearchIndex));
    }
    if (storeRetention != null) {
      b.set("--store-retention", "store.retention", f.textNode(storeRetention));
    }
    if (noStore) {
      b.set("--no-store", "store.enabled", f.booleanNode(false));
    }
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    LoggingSetup.configure(logFormat, logLevel);
    for (String s : disabledSensors) {
      if (!SENSORS.contains(s)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown sensor '" + s + "' for --disable-sensor (known: " + String.join(", ", SENSORS) + ")");
      }
    }
    positive("--stats-interval", statsInterval);
    positive("--top-interval", topInterval);
    positive("--diff-interval", diffInterval);
    positive("--net-interval", netInterval);
    positive("--events-liveness", eventsLiveness);
    positive("--status-interval", statusInterval);
    positive("--max-log-lag", maxLogLag);
    if (eventsMaxGap.isNegative()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--events-max-gap must not be negative");
    }
    if (waitForEngine != null && waitForEngine.isNegative()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--wait-for-engine must not be negative");
    }
    if (maxLogLine < 256) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-log-line must be at least 256");
    }
    if (queueCapacity < 16) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--queue-capacity must be at least 16");
    }
    if (alertsFile != null && Files.isDirectory(alertsFile)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--alerts-file " + alertsFile
          + " is a directory");
    }
    ConfigFile file;
    try {
      file = ConfigFile.load(configFile, System::getenv, overrides());
    } catch (ConfigFile.ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    // every section, detectors: included, was bound and checked by load: a mistake anywhere is a usage error
    ConfigFile config = file.withCommandLine(alertsFile, noStdoutAlerts, slackWebhook, webhooks, dataDir);
    Path data = config.dataDir() != null ? config.dataDir() : Path.of(DEFAULT_DATA_DIR);
    ConfigFile.FileOut fileOut = config.enabledFile();
    Path alerts = fileOut != null ? fileOut.path() : null;
    if (alerts != null && Files.isDirectory(alerts)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "alerts file " + alerts + " is a directory");
    }
    DockerSettings docker = new DockerSettings(dockerHost, tlsVerify,
        tlsCertPath == null ? null : tlsCertPath.toString(), requestPool, streamPool, Duration.ofSeconds(5),
        Duration.ofSeconds(30));
    MonitorConfig cfg = new MonitorConfig(docker, hostname != null ? hostname : localHostname(), waitForEngine,
        statsInterval, topInterval, diffInterval, netInterval, eventsLiveness, maxLogLine, queueCapacity,
        Set.copyOf(disabledSensors), statusInterval, ruleOptions, recordEvents, data,
        metricsListen == null ? null : listenAddress(metricsListen), config, maxLogLag, eventsMaxGap);
    return new MonitorRuntime(cfg, spec.commandLine().getErr()).run();
  }

  /** HOST:PORT (IPv6 as [::1]:PORT) to an unresolved-free socket address; a clear error otherwise. */
  private java.net.InetSocketAddress listenAddress(String text) {
    int colon = text.lastIndexOf(':');
    String host = colon > 0 ? text.substring(0, colon) : "";
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon <= 0 || host.isEmpty() || port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-listen wants HOST:PORT, e.g."
          + " 127.0.0.1:9376 (got '" + text + "')");
    }
    return new java.net.InetSocketAddress(host, port);
  }

  private void positive(String option, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must be longer than 0 (got " + d + ")");
    }
  }

  static String localHostname() {
    try {
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        return env;
      }
      Path etc = Path.of("/etc/hostname");
      if (Files.isReadable(etc)) {
        String h = Files.readString(etc).trim();
        if (!h.isEmpty()) {
          return h;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
