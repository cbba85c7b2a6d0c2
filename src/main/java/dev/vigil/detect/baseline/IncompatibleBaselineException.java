package dev.vigil.detect.baseline;

/**
 * A saved model that is readable but cannot serve the current configuration (other features, interval, trees or
 * sample size). Not an error of the file: the agent logs why and starts learning a new model, which replaces the
 * file at its next save.
 */
public final class IncompatibleBaselineException extends Exception {

  public IncompatibleBaselineException(String reason) {
    super(reason);
  }
}
