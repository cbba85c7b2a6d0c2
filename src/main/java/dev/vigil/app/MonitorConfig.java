package dev.vigil.app;

import dev.vigil.sensor.docker.DockerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Everything {@code vigil monitor} needs, resolved from the command line. Immutable.
 *
 * @param waitForEngine how long to retry an unavailable engine at start; null = fail at once, ZERO = forever
 * @param disabledSensors sensor names not to start
 * @param rules which rules to load
 * @param recordEvents file to record events to, or null
 * @param dataDir where status.json and the delivery spools are written
 * @param config the configuration file merged with the command line, every section bound (sinks, delivery,
 *     aggregation, store, detectors)
 * @param maxLogLag how far behind a container's log stream may be read before its backlog is skipped
 * @param eventsMaxGap the longest time without the agent whose Docker events are replayed at its start; zero: the
 *     events position is neither saved nor replayed
 */
record MonitorConfig(
    DockerSettings docker,
    String hostname,
    Duration waitForEngine,
    Duration statsInterval,
    Duration topInterval,
    Duration diffInterval,
    Duration netInterval,
    Duration eventsLiveness,
    int maxLogLineBytes,
    int queueCapacity,
    Set<String> disabledSensors,
    Duration statusInterval,
    RuleOptions rules,
    Path recordEvents,
    Path dataDir,
    java.net.InetSocketAddress metricsListen,
    ConfigFile config,
    Duration maxLogLag, Duration eventsMaxGap) {}
