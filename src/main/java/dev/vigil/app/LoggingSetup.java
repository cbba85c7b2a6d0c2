package dev.vigil.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Switches Logback between the shipped text and ECS JSON configurations and sets the root level. */
final class LoggingSetup {

  /** Log output formats. */
  enum Format {
    text,
    json
  }

  private LoggingSetup() {}

  static void configure(Format format, String level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    if (format == Format.json) {
      URL url = LoggingSetup.class.getResource("/logback-json.xml");
      ctx.reset();
      JoranConfigurator jc = new JoranConfigurator();
      jc.setContext(ctx);
      try {
        jc.doConfigure(url);
      } catch (JoranException e) {
        System.err.println("vigil: cannot load JSON logging configuration: " + e.getMessage());
      }
    }
    if (level != null) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
