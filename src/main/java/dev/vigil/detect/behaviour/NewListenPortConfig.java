package dev.vigil.detect.behaviour;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.vigil.common.DurationText;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the new-listening-port detector ({@code detectors.behaviour.new_listen_port}). Every property is
 * optional.
 *
 * @param learningPeriod ports a container listens on within this time of its start (or of its first sighting, when it
 *     ran before the agent) are its normal ones (default 2m: slow servers bind late)
 * @param includeUdp also watch UDP; off by default, because every unconnected UDP socket (a DNS client's) is
 *     reported as listening on an ephemeral port
 * @param ignorePorts ports never reported
 * @param maxAlertsPerHour alerts per container and hour at most; more are counted as suppressed (default 10)
 */
public record NewListenPortConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("learning_period") @JsonDeserialize(using = DurationText.Deserializer.class)
    Duration learningPeriod,
    @JsonProperty("include_udp") Boolean includeUdp,
    @JsonProperty("ignore_ports") List<Integer> ignorePorts,
    @JsonProperty("max_alerts_per_hour") Integer maxAlertsPerHour) {

  private static final String P = "detectors.behaviour.new_listen_port.";

  public NewListenPortConfig {
    enabled = Check.or(enabled, true);
    learningPeriod = Check.notNegative(Check.or(learningPeriod, Duration.ofMinutes(2)), P + "learning_period");
    includeUdp = Check.or(includeUdp, false);
    ignorePorts = Check.ports(Check.or(ignorePorts, List.of()), P + "ignore_ports");
    maxAlertsPerHour = Check.atLeast(Check.or(maxAlertsPerHour, 10), 1, P + "max_alerts_per_hour");
  }

  public static NewListenPortConfig defaults() {
    return new NewListenPortConfig(null, null, null, null, null);
  }

  public static NewListenPortConfig disabled() {
    return new NewListenPortConfig(false, null, null, null, null);
  }
}
