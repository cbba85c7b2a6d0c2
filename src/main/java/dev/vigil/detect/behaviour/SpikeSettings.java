package dev.vigil.detect.behaviour;

import java.time.Duration;

/**
 * The settings every "spike against a baseline" detector shares, so one base class ({@link StatsSpikeDetector})
 * serves the transmit rate and the process count alike.
 */
interface SpikeSettings {

  /** The absolute floor: below it nothing is a spike, whatever the baseline. */
  double spikeFloor();

  /** How many times the baseline a value must be. */
  double spikeFactor();

  Duration sustain();

  Duration learningPeriod();

  Duration baselineHalfLife();

  Duration resetPeriod();
}
