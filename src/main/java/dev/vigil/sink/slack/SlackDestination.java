package dev.vigil.sink.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.sink.delivery.DeliveryException;
import dev.vigil.sink.delivery.Destination;
import dev.vigil.sink.delivery.Envelope;
import dev.vigil.sink.delivery.HttpPoster;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Posts each alert to a Slack incoming webhook as a readable message: a one-line summary with an emoji for the
 * priority (also the notification text), and an attachment coloured by priority with the output and the fields people
 * look for first (priority, rule, container, image, process, command line, time); the footer names the host and the
 * alert's id, the one the alerts file, the store and the other sinks show, to look the alert up there. All text that
 * comes from alerts is escaped as Slack requires ({@code &}, {@code <}, {@code >} as entities), so a container cannot
 * mention {@code <!channel>} or forge links; control characters are shown as {@code \xNN}.
 *
 * <p>The webhook URL is a secret (whoever has it can post to the channel): it is held only in memory, and this
 * destination's name, {@link #toString()} and every error message show {@code slack} and the host only.
 * HTTP 429 is retried after Slack's {@code Retry-After}; 5xx, timeouts and refused connections are retried; 401 and
 * 403 (revoked or wrong URL) are retried until an operator fixes them; other 4xx (e.g. {@code invalid_payload},
 * {@code channel_is_archived} as 404/410, or 413 for a message too large) are final for that alert: counted in
 * {@code vigil.sink.failed{sink=slack}}, logged and acknowledged by the delivery layer. One alert per request.
 */
public final class SlackDestination implements Destination {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int OUTPUT_LIMIT = 3000;
  private static final int FIELD_LIMIT = 1000;

  private final HttpPoster http;
  private final String host;

  /**
   * @param webhookUrl the incoming webhook's URL (a secret)
   * @throws IllegalArgumentException when the URL is not http(s) with a host; the message does not contain it
   */
  public SlackDestination(String webhookUrl, Duration timeout, Clock clock) {
    URI uri = HttpPoster.parseUrl(webhookUrl, "the Slack webhook URL");
    this.host = HttpPoster.safeHost(uri);
    this.http = new HttpPoster("slack", uri, timeout, null, clock);
  }

  @Override
  public String name() {
    return "slack";
  }

  @Override
  public int maxBatch() {
    return 1;
  }

  @Override
  public void deliver(List<Envelope> batch) throws DeliveryException {
    for (Envelope e : batch) {
      http.post(message(e.alert()).getBytes(StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/json; charset=utf-8"));
    }
  }

  /** The Slack message for an alert, as JSON. */
  public static String message(Alert a) {
    Map<String, Object> f = a.outputFields();
    String container = text(f.get("container.name"));
    String id = text(f.get("container.id"));
    String image = text(f.get("container.image.repository"));
    String tag = text(f.get("container.image.tag"));
    if (image != null && tag != null && !tag.isEmpty()) {
      image = image + ":" + tag;
    }
    String summary = emoji(a.priority()) + " *" + a.priority().label() + "* " + escape(a.rule())
        + (container != null ? " in container " + escape(container) : "");
    ObjectNode root = JSON.createObjectNode();
    root.put("text", summary);
    ObjectNode att = root.putArray("attachments").addObject();
    att.put("color", color(a.priority()));
    att.put("fallback", a.priority().label() + " " + escape(a.rule()));
    att.put("text", escape(limit(a.output(), OUTPUT_LIMIT)));
    ArrayNode fields = att.putArray("fields");
    field(fields, "Priority", a.priority().label(), true);
    field(fields, "Rule", a.rule(), true);
    if (container != null) {
      field(fields, "Container", id != null ? container + " (" + id + ")" : container, true);
    }
    field(fields, "Image", image, true);
    field(fields, "Process", text(f.get("proc.name")), true);
    field(fields, "Time", FalcoJson.formatTime(a.time()), true);
    field(fields, "Command line", text(f.get("proc.cmdline")), false);
    att.put("footer", "vigil" + (a.hostname() != null ? " on " + escape(a.hostname()) : "")
        + (a.id() != null ? " · alert " + escape(a.id()) : ""));
    att.put("ts", a.time().getEpochSecond());
    return root.toString();
  }

  private static void field(ArrayNode fields, String title, String value, boolean isShort) {
    if (value == null || value.isEmpty()) {
      return;
    }
    ObjectNode o = fields.addObject();
    o.put("title", title);
    o.put("value", escape(limit(value, FIELD_LIMIT)));
    o.put("short", isShort);
  }

  private static String text(Object v) {
    return v == null ? null : v.toString();
  }

  private static String limit(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }

  /**
   * Slack's escaping for text from alerts: {@code &}, {@code <}, {@code >} as HTML entities (the only three
   * control characters of Slack's markup); control characters shown as {@code \xNN}.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&':
          sb.append("&amp;");
          break;
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        default:
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.toString();
  }

  static String emoji(Priority p) {
    switch (p) {
      case EMERGENCY:
      case ALERT:
      case CRITICAL:
        return ":rotating_light:";
      case ERROR:
        return ":red_circle:";
      case WARNING:
        return ":warning:";
      case NOTICE:
        return ":large_blue_circle:";
      default:
        return ":information_source:";
    }
  }

  static String color(Priority p) {
    switch (p) {
      case EMERGENCY:
      case ALERT:
      case CRITICAL:
        return "#7a0019";
      case ERROR:
        return "#e01e5a";
      case WARNING:
        return "#ecb22e";
      case NOTICE:
        return "#36c5f0";
      default:
        return "#9e9e9e";
    }
  }

  @Override
  public String toString() {
    return "slack(" + host + ")";
  }
}
