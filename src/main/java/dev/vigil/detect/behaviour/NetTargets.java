package dev.vigil.detect.behaviour;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The network destinations a process names in its argv: {@code nc/ncat/netcat host port[-port]},
 * {@code telnet host [port]}, URLs given to {@code curl}/{@code wget} ({@code scheme://host[:port]}, the scheme's
 * port when none), and bash's {@code /dev/tcp/host/port} (or {@code /dev/udp}) in any argument. A connect refused by a
 * closed port never shows up in a socket table, but the process that tried it carries the target in its command
 * line, so this is how a {@code nc -z} loop becomes "distinct ports attempted". Listening netcats ({@code -l}) name no
 * target. Returns at most {@link #MAX_TARGETS} targets per process (a {@code 1-65535} range is cut there).
 */
public final class NetTargets {

  /** Most targets taken from one command line. */
  public static final int MAX_TARGETS = 1024;

  /** One destination named on a command line. */
  public record Target(String host, int port) {}

  private static final Set<String> NETCATS = Set.of("nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "pnc");
  private static final Set<String> URL_TOOLS = Set.of("curl", "wget");
  // short options of the netcat family that take a value (-w 1, -p 1234, -e /bin/sh, ...)
  private static final String NC_SHORT_WITH_VALUE = "iwpseqcxXTIOPVWMmgGf";
  private static final Set<String> NC_LONG_WITH_VALUE = Set.of("--exec", "--sh-exec", "--lua-exec", "--wait",
      "--source", "--source-port", "--proxy", "--proxy-type", "--proxy-auth", "--proxy-dns", "--idle-timeout",
      "--delay", "--output", "--hex-dump", "--allow", "--deny", "--allowfile", "--denyfile", "--max-conns",
      "--ssl-cert", "--ssl-key", "--ssl-trustfile", "--ssl-ciphers", "--ssl-servername", "--ssl-alpn");
  private static final String TELNET_SHORT_WITH_VALUE = "lenbXk";

  private NetTargets() {}

  /**
   * The targets in a command line.
   *
   * @param name the process name (comm); the tool is recognised by it or by argv[0]'s base name
   * @param args argv, including argv[0]
   */
  public static List<Target> of(String name, List<String> args) {
    List<Target> out = new ArrayList<>(2);
    String tool = tool(name, args);
    if (NETCATS.contains(tool)) {
      netcat(args, out);
    } else if (tool.equals("telnet")) {
      telnet(args, out);
    } else if (URL_TOOLS.contains(tool)) {
      for (int i = 1; i < args.size() && out.size() < MAX_TARGETS; i++) {
        url(args.get(i), out);
      }
    }
    for (int i = 1; i < args.size() && out.size() < MAX_TARGETS; i++) {
      devTcp(args.get(i), out);
    }
    return out;
  }

  private static String tool(String name, List<String> args) {
    String n = name.toLowerCase(Locale.ROOT);
    if (NETCATS.contains(n) || URL_TOOLS.contains(n) || n.equals("telnet") || args.isEmpty()) {
      return n;
    }
    String a0 = args.get(0);
    return a0.substring(a0.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
  }

  private static void netcat(List<String> args, List<Target> out) {
    List<String> positional = new ArrayList<>(3);
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        positional.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (a.startsWith("--")) {
        if (a.equals("--listen")) {
          return;
        }
        if (NC_LONG_WITH_VALUE.contains(a)) {
          i++;
        }
        continue;
      }
      if (a.startsWith("-") && a.length() > 1) {
        for (int c = 1; c < a.length(); c++) {
          char ch = a.charAt(c);
          if (ch == 'l') {
            return; // listening: names a local port, not a target
          }
          if (NC_SHORT_WITH_VALUE.indexOf(ch) >= 0) {
            if (c == a.length() - 1) {
              i++; // the value is the next argument
            }
            break;
          }
        }
        continue;
      }
      positional.add(a);
    }
    if (positional.size() < 2) {
      return;
    }
    String host = positional.get(0);
    for (int p = 1; p < positional.size() && out.size() < MAX_TARGETS; p++) {
      ports(host, positional.get(p), out);
    }
  }

  private static void telnet(List<String> args, List<Target> out) {
    List<String> positional = new ArrayList<>(2);
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-") && a.length() > 1) {
        if (a.length() == 2 && TELNET_SHORT_WITH_VALUE.indexOf(a.charAt(1)) >= 0) {
          i++;
        }
        continue;
      }
      positional.add(a);
    }
    if (positional.isEmpty()) {
      return;
    }
    if (positional.size() == 1) {
      out.add(new Target(positional.get(0), 23));
    } else {
      ports(positional.get(0), positional.get(1), out);
    }
  }

  /** {@code 80}, {@code 20-30} or {@code 22,80,443} (ncat and openbsd nc accept ranges and lists). */
  private static void ports(String host, String spec, List<Target> out) {
    if (host.isEmpty() || host.startsWith("-")) {
      return;
    }
    for (String part : spec.split(",", 64)) {
      int dash = part.indexOf('-');
      int lo = port(dash < 0 ? part : part.substring(0, dash));
      int hi = dash < 0 ? lo : port(part.substring(dash + 1));
      if (lo < 0 || hi < lo) {
        continue;
      }
      for (int p = lo; p <= hi && out.size() < MAX_TARGETS; p++) {
        out.add(new Target(host, p));
      }
    }
  }

  /** {@code scheme://[user@]host[:port]...}; nothing for other text. */
  private static void url(String a, List<Target> out) {
    int sep = a.indexOf("://");
    if (sep <= 0 || sep > 10) {
      return;
    }
    String scheme = a.substring(0, sep).toLowerCase(Locale.ROOT);
    for (int i = 0; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-')) {
        return;
      }
    }
    int start = sep + 3;
    int end = start;
    while (end < a.length() && "/?#".indexOf(a.charAt(end)) < 0) {
      end++;
    }
    String authority = a.substring(start, end);
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    String host;
    int port;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        return;
      }
      host = authority.substring(1, close);
      port = authority.length() > close + 2 && authority.charAt(close + 1) == ':'
          ? port(authority.substring(close + 2)) : defaultPort(scheme);
    } else {
      int colon = authority.lastIndexOf(':');
      host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? defaultPort(scheme) : port(authority.substring(colon + 1));
    }
    if (!host.isEmpty() && port > 0) {
      out.add(new Target(host, port));
    }
  }

  /** {@code /dev/tcp/host/port} anywhere in an argument (bash redirections inside {@code sh -c} text). */
  private static void devTcp(String a, List<Target> out) {
    int from = 0;
    while (out.size() < MAX_TARGETS) {
      int at = a.indexOf("/dev/", from);
      if (at < 0) {
        return;
      }
      from = at + 5;
      if (!a.startsWith("tcp/", from) && !a.startsWith("udp/", from)) {
        continue;
      }
      int hostStart = from + 4;
      int slash = a.indexOf('/', hostStart);
      if (slash <= hostStart) {
        continue;
      }
      int end = slash + 1;
      while (end < a.length() && Character.isDigit(a.charAt(end))) {
        end++;
      }
      int port = port(a.substring(slash + 1, end));
      if (port > 0) {
        out.add(new Target(a.substring(hostStart, slash), port));
      }
      from = end;
    }
  }

  private static int port(String s) {
    if (s.isEmpty() || s.length() > 5) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v >= 1 && v <= 65535 ? v : -1;
  }

  private static int defaultPort(String scheme) {
    switch (scheme) {
      case "http":
      case "ws":
        return 80;
      case "https":
      case "wss":
        return 443;
      case "ftp":
        return 21;
      case "ftps":
        return 990;
      case "sftp":
      case "scp":
        return 22;
      case "telnet":
        return 23;
      case "smtp":
        return 25;
      case "tftp":
        return 69;
      case "gopher":
        return 70;
      case "pop3":
        return 110;
      case "imap":
        return 143;
      case "ldap":
        return 389;
      case "smb":
        return 445;
      case "rtsp":
        return 554;
      case "ldaps":
        return 636;
      case "mqtt":
        return 1883;
      case "dict":
        return 2628;
      default:
        return -1;
    }
  }
}
