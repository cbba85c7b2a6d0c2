package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;

/**
 * Configuration of the port-scan detector ({@code detectors.behaviour.port_scan}). Every property is optional; a
 * missing one takes its default. A scan is <em>distinct destination ports</em> or <em>failed connection attempts</em>
 * (or, when set, distinct internal hosts) reaching its threshold within {@code window}; the episode ends after {@code
 * quiet_period} below every threshold.
 *
 * @param minDistinctPorts distinct destination ports in the window that make a scan (default 40)
 * @param minFailedAttempts failed TCP connects (the namespace's AttemptFails counter) in the window that make a scan
 *     (default 150): counts connects refused too fast to be seen as sockets, and loops of {@code /dev/tcp}
 * @param minDistinctInternalHosts distinct private or unqualified hosts in the window that make a sweep; 0 (the
 *     default) only reports the count, since crawlers and proxies legitimately reach many hosts
 * @param maxTargets distinct ports (and hosts) remembered per container; more are counted, not kept (default 512)
 * @param argvTargets take targets from the command lines of nc, ncat, telnet, curl, wget and {@code /dev/tcp}
 *     (default true)
 */
public record PortScanConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("window") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration window,
    @JsonProperty("min_distinct_ports") Integer minDistinctPorts,
    @JsonProperty("min_failed_attempts") Integer minFailedAttempts,
    @JsonProperty("min_distinct_internal_hosts") Integer minDistinctInternalHosts,
    @JsonProperty("quiet_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration quietPeriod,
    @JsonProperty("max_targets") Integer maxTargets,
    @JsonProperty("argv_targets") Boolean argvTargets) {

  private static final String P = "detectors.behaviour.port_scan.";

  public PortScanConfig {
    enabled = Check.or(enabled, true);
    window = Check.positive(Check.or(window, Duration.ofSeconds(60)), P + "window");
    minDistinctPorts = Check.atLeast(Check.or(minDistinctPorts, 40), 2, P + "min_distinct_ports");
    minFailedAttempts = Check.atLeast(Check.or(minFailedAttempts, 150), 1, P + "min_failed_attempts");
    minDistinctInternalHosts = Check.atLeast(Check.or(minDistinctInternalHosts, 0), 0,
        P + "min_distinct_internal_hosts");
    quietPeriod = Check.positive(Check.or(quietPeriod, Duration.ofSeconds(60)), P + "quiet_period");
    maxTargets = Check.atLeast(Check.or(maxTargets, 512), 16, P + "max_targets");
    argvTargets = Check.or(argvTargets, true);
    if (maxTargets < Math.max(minDistinctPorts, minDistinctInternalHosts)) {
      throw new IllegalArgumentException(P + "max_targets (" + maxTargets
          + ") must be at least min_distinct_ports and min_distinct_internal_hosts");
    }
  }

  public static PortScanConfig defaults() {
    return new PortScanConfig(null, null, null, null, null, null, null, null);
  }

  /** The defaults, switched off. */
  public static PortScanConfig disabled() {
    return new PortScanConfig(false, null, null, null, null, null, null, null);
  }
}
