package dev.vigil.app;

import dev.vigil.alert.AlertSink;
import dev.vigil.alert.AlertStamp;
import dev.vigil.alert.Priority;
import dev.vigil.common.Metrics;
import dev.vigil.common.Threads;
import dev.vigil.sink.delivery.DeliveringSink;
import dev.vigil.sink.delivery.DeliveryOptions;
import dev.vigil.sink.delivery.Destination;
import dev.vigil.sink.file.FileSink;
import dev.vigil.sink.file.StreamSink;
import dev.vigil.sink.opensearch.OpenSearchConfig;
import dev.vigil.sink.opensearch.OpenSearchDestination;
import dev.vigil.sink.route.AggregationOptions;
import dev.vigil.sink.route.AlertAggregator;
import dev.vigil.sink.route.FanOut;
import dev.vigil.sink.route.PriorityFilter;
import dev.vigil.sink.slack.SlackDestination;
import dev.vigil.sink.webhook.WebhookDestination;
import dev.vigil.store.AlertStore;
import dev.vigil.store.StoreConfig;
import dev.vigil.store.StoreException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's alert path, built from the configuration (file merged with the command line):
 *
 * <pre>
 *  engine ──► AlertAggregator ──► AlertStamp ──► FanOut ──► stdout            (min_priority)
 *             (repeats folded)     (host, id)             ├─► alerts file       (min_priority, size rotation)
 *                                                         ├─► alert store       (SQLite, store: section)
 *                                                         └─► DeliveringSink ──► spool ──► Slack / webhooks / OpenSearch / any
 * </pre>
 *
 * Network destinations each get a {@link DeliveringSink} with a spool under {@code <data-dir>/spool/<name>/}.
 * The {@code sinks.opensearch} and {@code store} sections are bound by their owners' records
 * ({@link OpenSearchConfig#bind}, {@link StoreConfig#bind}); other destinations built elsewhere are passed in as
 * {@link Extra}. "Alert spool filling" alerts enter
 * at the head, so they are aggregated and reach every sink. Owns the lifecycle: {@link #start} after building,
 * {@link #close} after the engine stopped. Used from the runtime's thread; {@link #head()} is thread-safe.
 */
final class AlertOutputs {

  private static final Logger LOG = LoggerFactory.getLogger(AlertOutputs.class);

  /** A destination built outside this class, with its delivery options. */
  record Extra(Destination destination, DeliveryOptions options) {}

  private final AlertSink head;
  private final AlertAggregator aggregator;
  private final FileSink file;
  private final AlertStore store;
  private final List<DeliveringSink> delivering;

  private AlertOutputs(AlertSink head, AlertAggregator aggregator, FileSink file, AlertStore store,
      List<DeliveringSink> delivering) {
    this.head = head;
    this.aggregator = aggregator;
    this.file = file;
    this.store = store;
    this.delivering = delivering;
  }

  /**
   * Builds every sink; nothing runs until {@link #start}.
   *
   * @param file the alerts file sink the caller opened from {@link ConfigFile#enabledFile()} (null for none); its
   *     {@code min_priority} is applied here and {@link #close} closes it
   * @throws IllegalArgumentException for a destination or section that cannot be built (bad URL, CA file,
   *     duplicate name, a key of sinks.opensearch or store), with a message free of secrets
   * @throws java.io.UncheckedIOException when the alerts file or a spool directory cannot be opened
   * @throws IllegalStateException when the alert store cannot be opened (the message says why and what to do)
   */
  static AlertOutputs open(ConfigFile cfg, Path dataDir, String hostname, Metrics metrics, Clock clock,
      FileSink file, List<Extra> extra) {
    ConfigFile.Sinks s = cfg.sinksOrEmpty();
    List<AlertSink> sinks = new ArrayList<>();
    ConfigFile.Stdout so = s.stdout();
    if (so == null || !Boolean.FALSE.equals(so.enabled())) {
      sinks.add(PriorityFilter.of(min(so == null ? null : so.minPriority()), new StreamSink(new PrintStream(
          new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8))));
    }
    FileSink fileSink = file;
    if (fileSink != null) {
      ConfigFile.FileOut fo = cfg.enabledFile();
      sinks.add(PriorityFilter.of(min(fo == null ? null : fo.minPriority()), fileSink));
    }
    DeliveryOptions defaults = cfg.deliveryDefaults();
    List<Extra> network = new ArrayList<>();
    StoreConfig storeCfg = cfg.storeSettings();
    OpenSearchConfig osCfg = s.opensearch();
    ConfigFile.Slack sl = s.slack();
    if (sl != null && sl.webhookUrl() != null && !Boolean.FALSE.equals(sl.enabled())) {
      DeliveryOptions o = ConfigFile.merge(defaults, sl.minPriority(), sl.queue(), sl.timeout(), sl.backoff(),
          sl.spoolMaxBytes(), sl.fsync());
      network.add(new Extra(new SlackDestination(sl.webhookUrl(), o.timeout(), clock), o));
    }
    for (ConfigFile.Webhook w : s.webhooks() == null ? List.<ConfigFile.Webhook>of() : s.webhooks()) {
      DeliveryOptions o = ConfigFile.merge(defaults, w.minPriority(), w.queue(), w.timeout(), w.backoff(),
          w.spoolMaxBytes(), w.fsync());
      network.add(new Extra(new WebhookDestination(w.name(), w.url(), w.headers(), w.hmacSecret(), o.timeout(),
          w.caFile(), clock), o));
    }
    if (osCfg != null) {
      DeliveryOptions o = ConfigFile.merge(defaults, osCfg.minPriority(), null, osCfg.timeout(), null, null, null);
      network.add(new Extra(new OpenSearchDestination(osCfg, metrics), o));
    }
    network.addAll(extra);
    Set<String> names = new HashSet<>();
    for (Extra e : network) {
      if (!names.add(e.destination().name())) {
        throw new IllegalArgumentException("two sinks are named " + e.destination().name()
            + "; give each webhook its own name");
      }
    }
    List<DeliveringSink> delivering = new ArrayList<>();
    Path spoolRoot = dataDir.resolve("spool");
    AlertStore store = null;
    try {
      if (storeCfg.enabled()) {
        try {
          store = AlertStore.open(storeCfg.file(dataDir), storeCfg, metrics, clock);
          sinks.add(store);
        } catch (StoreException e) {
          if (cfg.store() != null) {
            throw new IllegalStateException(e.getMessage(), e); // asked for explicitly: an error
          }
          // The default store is a convenience: without it alerts still reach every other sink.
          LOG.warn("{}; alerts are not kept in the embedded store (`vigil alerts` will not find them)",
              e.getMessage());
        }
      }
      for (Extra e : network) {
        DeliveringSink d = new DeliveringSink(e.destination(), e.options(), spoolRoot, metrics, clock);
        delivering.add(d);
        sinks.add(d);
      }
    } catch (RuntimeException e) {
      delivering.forEach(d -> d.close(Duration.ZERO));
      if (store != null) {
        store.close();
      }
      if (fileSink != null) {
        fileSink.close();
      }
      throw e;
    }
    AlertSink stamp = new AlertStamp(hostname, new FanOut(sinks, metrics));
    AggregationOptions agg = cfg.aggregationOptions();
    AlertAggregator aggregator = null;
    AlertSink head = stamp;
    if (!agg.window().isZero() || !agg.rules().isEmpty()) {
      aggregator = new AlertAggregator(agg, stamp, clock, metrics);
      head = aggregator;
    }
    for (DeliveringSink d : delivering) {
      d.setAlertPath(head);
    }
    return new AlertOutputs(head, aggregator, fileSink, store, delivering);
  }

  private static Priority min(Priority p) {
    return p == null ? Priority.DEBUG : p;
  }

  /** Starts delivery threads (spooled alerts of a previous run go out first) and the aggregation tick. */
  void start() {
    delivering.forEach(DeliveringSink::start);
    if (aggregator != null) {
      aggregator.start(Duration.ofSeconds(1));
    }
    for (DeliveringSink d : delivering) {
      LOG.info("sink {}: started", d.name());
    }
  }

  /** Where the engine sends alerts. */
  AlertSink head() {
    return head;
  }

  /** Each network sink's state, for status. */
  List<DeliveringSink.State> states() {
    List<DeliveringSink.State> out = new ArrayList<>();
    for (DeliveringSink d : delivering) {
      out.add(d.state());
    }
    return out;
  }

  /**
   * Sends pending aggregation summaries, then lets every network sink spool its queue and deliver for up to
   * {@code wait} (in parallel); what is left stays spooled for the next start. Closes the alert store (which writes
   * what it still has queued) and the alerts file last.
   */
  void close(Duration wait) {
    if (aggregator != null) {
      aggregator.close();
    }
    List<Thread> closers = new ArrayList<>();
    for (DeliveringSink d : delivering) {
      Thread t = Threads.start("vigil-close-" + d.name(), () -> d.close(wait));
      closers.add(t);
    }
    long end = System.nanoTime() + wait.plusSeconds(3).toNanos();
    for (Thread t : closers) {
      try {
        t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (store != null) {
      store.close();
    }
    if (file != null) {
      file.close();
    }
  }
}
