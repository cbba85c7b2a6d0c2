package dev.vigil.sensor.fanotify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.common.Metrics;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.Event;
import dev.vigil.event.EventSink;
import dev.vigil.event.FileOpen;
import dev.vigil.event.SensorNotice;
import dev.vigil.sensor.docker.DockerConnection;
import dev.vigil.sensor.docker.DockerEventsSensor;
import dev.vigil.sensor.docker.DockerInventory;
import dev.vigil.sensor.docker.DockerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fanotify sensor against the real kernel and real containers, with the inventory kept by the events sensor. */
class FanotifyFileSensorIT {

  private static final String IMAGE = "vigil-test/busybox:1";
  private static final String A = "vigil-it-fan-a";
  private static final String B = "vigil-it-fan-b";
  private static final String LOAD = "vigil-it-fan-load";
  private static final String R = "vigil-it-fan-rename";
  private static DockerConnection conn;
  private final Metrics metrics = Metrics.inMemory();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void connect() throws Exception {
    conn = DockerConnection.open(DockerSettings.defaults());
    docker("rm", "-f", A, B, LOAD, R);
  }

  @AfterAll
  static void disconnect() {
    docker("rm", "-f", A, B, LOAD, R);
    conn.close();
  }

  @AfterEach
  void closeSensors() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private FanotifyFileSensor startSensors(EventSink sink) {
    return startSensors(sink, FanotifyFileSensor.Options.defaults());
  }

  private FanotifyFileSensor startSensors(EventSink sink, FanotifyFileSensor.Options options) {
    DockerInventory inv = new DockerInventory(conn);
    DockerEventsSensor ev = new DockerEventsSensor(conn, inv, sink, metrics, Duration.ofSeconds(1),
        Duration.ofMinutes(5));
    ev.start();
    toClose.add(ev);
    FanotifyFileSensor fan = new FanotifyFileSensor(inv, sink, Clock.systemUTC(), metrics, options);
    fan.start();
    toClose.add(fan);
    return fan;
  }

  @Test
  void readsWritesExecs_inTheRightContainer_markGoneAfterStop() throws Exception {
    Queue<Event> events = new ConcurrentLinkedQueue<>();
    FanotifyFileSensor fan = startSensors(events::add);
    String idA = docker("run", "-d", "--name", A, "--network", "none", IMAGE, "sleep", "120");
    String idB = docker("run", "-d", "--name", B, "--network", "none", IMAGE, "sleep", "120");
    await("both containers marked", () -> watchedIds(fan).containsAll(List.of(idA, idB)));
    long devA = fan.marks().live(idA).orElseThrow().device();
    long devB = fan.marks().live(idB).orElseThrow().device();
    assertThat(devA).as("each merged overlay is its own filesystem").isNotEqualTo(devB);
    assertThat(fan.group().filesystemMarks()).anyMatch(l -> l.contains("sdev:" + hex(devA) + " "))
        .anyMatch(l -> l.contains("sdev:" + hex(devB) + " "));

    // cat keeps running (reading the pipe) after closing /etc/shadow, so its name can still be read.
    docker("exec", A, "sh", "-c", "sleep 2 | cat /etc/shadow - >/dev/null; echo x >> /etc/passwd;"
        + " mkdir -p /root/.ssh && echo k >> /root/.ssh/authorized_keys;"
        + " mkdir -p /var/spool/cron/crontabs && echo '* * * * * id' > /var/spool/cron/crontabs/root;"
        + " cp /bin/busybox /tmp/bb && /tmp/bb true");
    docker("exec", B, "sh", "-c", "echo b >> /etc/only-in-b; cat /etc/only-in-b >/dev/null");

    FileOpen shadow = await(events, f -> f.path().equals("/etc/shadow") && f.mode() == FileOpen.Mode.READ
        && f.container().id().equals(idA));
    assertThat(shadow.procName()).isEqualTo("cat");
    assertThat(shadow.pid()).isPositive();
    assertThat(shadow.sensor()).isEqualTo("kernel.fanotify");
    await(events, f -> f.path().equals("/etc/passwd") && f.mode() == FileOpen.Mode.WRITE && inA(f, idA));
    await(events, f -> f.path().equals("/root/.ssh/authorized_keys") && f.mode() == FileOpen.Mode.WRITE
        && inA(f, idA));
    await(events, f -> f.path().equals("/var/spool/cron/crontabs/root") && f.mode() == FileOpen.Mode.WRITE
        && inA(f, idA));
    await(events, f -> f.path().equals("/tmp/bb") && f.mode() == FileOpen.Mode.EXEC && inA(f, idA));
    FileOpen onlyB = await(events, f -> f.path().equals("/etc/only-in-b") && f.mode() == FileOpen.Mode.WRITE);
    assertThat(onlyB.container().id()).isEqualTo(idB);
    assertThat(onlyB.container().name()).isEqualTo(B);
    await(events, f -> f.path().equals("/etc/only-in-b") && f.mode() == FileOpen.Mode.READ
        && f.container().id().equals(idB));
    assertThat(fileOpens(events)).noneMatch(f -> f.container().id().equals(idA)
        && f.path().equals("/etc/only-in-b"));
    assertThat(fileOpens(events)).noneMatch(f -> f.container().id().equals(idB) && f.path().equals("/etc/shadow"));

    docker("rm", "-f", A);
    await("A unmarked", () -> !watchedIds(fan).contains(idA));
    await("A's mark gone from the kernel", () -> fan.group().filesystemMarks().stream()
        .noneMatch(l -> l.contains("sdev:" + hex(devA) + " ")));
    assertThat(fan.group().filesystemMarks()).anyMatch(l -> l.contains("sdev:" + hex(devB) + " "));
    docker("exec", B, "sh", "-c", "echo again >> /etc/only-in-b");
    await(events, f -> f.path().equals("/etc/only-in-b") && f.container().id().equals(idB)
        && fileOpens(events).stream().filter(x -> x.path().equals("/etc/only-in-b")).count() >= 2);

    Thread.sleep(1_200); // one notice interval, so counted problems would have been surfaced
    assertThat(metrics.count("vigil.sensor.unreadable", "sensor", "kernel.fanotify")).isZero();
    assertThat(metrics.count("vigil.sensor.overflow", "sensor", "kernel.fanotify")).isZero();
    assertThat(events).noneMatch(e -> e instanceof SensorNotice);
  }

  /**
   * Paths remembered across read batches (the reader's path cache) must follow renames of directories and files
   * and an inode freed and reused under another name: each would otherwise report the old path.
   */
  @Test
  void rememberedPaths_followRenamesAndReusedInodes() throws Exception {
    Queue<Event> events = new ConcurrentLinkedQueue<>();
    FanotifyFileSensor fan = startSensors(events::add);
    String id = docker("run", "-d", "--name", R, "--network", "none", IMAGE, "sleep", "120");
    await("container marked", () -> watchedIds(fan).contains(id));
    assertThat(fan.marks().live(id).orElseThrow().renamesWatched())
        .as("its directories can be watched for renames, so paths are remembered").isTrue();

    docker("exec", R, "sh", "-c", "mkdir -p /tmp/d && echo x > /tmp/d/f && cat /tmp/d/f /tmp/d/f >/dev/null");
    await(events, f -> f.path().equals("/tmp/d/f") && f.mode() == FileOpen.Mode.READ);
    // Reads 50 ms apart land in separate batches (containers starting or stopping elsewhere on the host make the
    // reader forget its paths, so not necessarily all of them find the path remembered).
    long hitsBefore = metrics.count("vigil.fanotify.paths_remembered", "sensor", "kernel.fanotify");
    long readsBefore = fileOpens(events).stream().filter(f -> f.path().equals("/tmp/d/f")
        && f.mode() == FileOpen.Mode.READ).count();
    docker("exec", R, "sh", "-c", "for i in $(seq 20); do cat /tmp/d/f >/dev/null; sleep 0.05; done");
    await("reads of /tmp/d/f answered from remembered paths", () -> fileOpens(events).stream()
        .filter(f -> f.path().equals("/tmp/d/f") && f.mode() == FileOpen.Mode.READ).count() >= readsBefore + 20
        && metrics.count("vigil.fanotify.paths_remembered", "sensor", "kernel.fanotify") > hitsBefore);

    docker("exec", R, "sh", "-c", "mv /tmp/d /tmp/e && cat /tmp/e/f >/dev/null");
    await(events, f -> f.path().equals("/tmp/e/f") && f.mode() == FileOpen.Mode.READ);
    docker("exec", R, "sh", "-c", "mv /tmp/e/f /tmp/e/g && cat /tmp/e/g >/dev/null");
    await(events, f -> f.path().equals("/tmp/e/g") && f.mode() == FileOpen.Mode.READ);
    // A freed inode number is soon reused by the next file created on ext4/xfs, and its change time may be the
    // same clock tick. The unlink is reported, so the new file is not taken for the old one.
    docker("exec", R, "sh", "-c", "cat /tmp/e/g >/dev/null; rm /tmp/e/g; mkdir -p /etc/cron.d;"
        + " echo '* * * * * id' > /etc/cron.d/job; cat /etc/cron.d/job >/dev/null");
    await(events, f -> f.path().equals("/etc/cron.d/job") && f.mode() == FileOpen.Mode.WRITE);
    await(events, f -> f.path().equals("/etc/cron.d/job") && f.mode() == FileOpen.Mode.READ);

    Thread.sleep(300);
    assertThat(fileOpens(events)).as("nothing wrote /tmp/e/g: such an event would carry a stale path")
        .noneMatch(f -> f.path().equals("/tmp/e/g") && f.mode() == FileOpen.Mode.WRITE);
  }

  /**
   * Intake: parallel loops in one container each cat 2000 distinct files per iteration for ~5 s. Reports events/s,
   * the readers' CPU per event and overflows; asserts only that nothing is lost silently (every overflow and
   * unreadable event is noticed). -Dvigil.it.fanotifyReaders=N, -Dvigil.it.fanotifyLoops=N,
   * -Dvigil.it.fanotifyUnlimitedQueue=true, -Dvigil.it.fanotifyNice=N (the readers' nice value, default
   * {@link FanotifyFileSensor#DEFAULT_READER_NICE}) and -Dvigil.it.fanotifyRememberPaths=false vary the set-up.
   */
  @Test
  void intake_tightLoops_rateAndOverflowsReported() throws Exception {
    LongAdder opens = new LongAdder();
    Queue<SensorNotice> notices = new ConcurrentLinkedQueue<>();
    String[] loadId = {""};
    int readers = Integer.getInteger("vigil.it.fanotifyReaders", 1);
    boolean unlimited = Boolean.getBoolean("vigil.it.fanotifyUnlimitedQueue");
    int nice = Integer.getInteger("vigil.it.fanotifyNice", FanotifyFileSensor.DEFAULT_READER_NICE);
    boolean remember = !"false".equals(System.getProperty("vigil.it.fanotifyRememberPaths"));
    FanotifyFileSensor.Options options = new FanotifyFileSensor.Options(FanotifyGroup.EventClass.NOTIF, unlimited,
        readers).withReaderNice(nice).withRememberPaths(remember);
    FanotifyFileSensor fan = startSensors(e -> {
      if (e instanceof FileOpen && e.container().id().equals(loadId[0])) {
        opens.increment();
      } else if (e instanceof SensorNotice) {
        notices.add((SensorNotice) e);
      }
      return true;
    }, options);
    int loops = Integer.getInteger("vigil.it.fanotifyLoops", 3);
    int busySeconds = Integer.getInteger("vigil.it.fanotifySeconds", 5);
    String script = "mkdir /tmp/f; i=0; while [ $i -lt 2000 ]; do echo $i > /tmp/f/$i; i=$((i+1)); done;"
        + " sleep 2; end=$(( $(date +%s) + " + busySeconds + " ));"
        + " for p in $(seq " + loops + "); do (n=0; while [ $(date +%s) -lt $end ]; do cat /tmp/f/* >/dev/null;"
        + " n=$((n+1)); done; echo $n > /tmp/n.$p) & done; wait; touch /tmp/done; sleep 60";
    loadId[0] = docker("run", "-d", "--name", LOAD, "--network", "none", IMAGE, "sh", "-c", script);
    await("load container marked", () -> watchedIds(fan).contains(loadId[0]));

    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long[] readerIds = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("vigil-fanotify")).mapToLong(Thread::getId).toArray();
    assertThat(readerIds).hasSize(readers);
    long cpuStart = cpu(mx, readerIds);
    long readStart = fan.received();
    long batchStart = metrics.count("vigil.fanotify.reads", "sensor", "kernel.fanotify");
    long startOpens = -1;
    long startNanos = 0;
    long peak = 0;
    long prev = opens.sum();
    long prevNanos = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20 + busySeconds);
    long minRate = Long.MAX_VALUE; // the slowest whole second of the busy window
    long secStart = -1;
    long secOpens = 0;
    while (System.nanoTime() < deadline) {
      Thread.sleep(250);
      long now = System.nanoTime();
      long o = opens.sum();
      if (startOpens < 0 && o > 2_500) {
        startOpens = o;
        startNanos = now;
      }
      peak = Math.max(peak, (o - prev) * 1_000_000_000L / (now - prevNanos));
      prev = o;
      prevNanos = now;
      if (startOpens >= 0 && docker("exec", LOAD, "ls", "/tmp/done").equals("/tmp/done")) {
        break;
      }
      if (startOpens >= 0 && secStart < 0) {
        secStart = now;
        secOpens = o;
      } else if (secStart >= 0 && now - secStart >= 1_000_000_000L) {
        minRate = Math.min(minRate, (o - secOpens) * 1_000_000_000L / (now - secStart));
        secStart = now;
        secOpens = o;
      }
    }
    long endNanos = System.nanoTime();
    Thread.sleep(1_500); // drain, and let a pending notice go out
    long total = opens.sum();
    String counts = docker("exec", LOAD, "sh", "-c", "cat /tmp/n.*");
    long iterations = 0;
    for (String n : counts.split("\\s+")) {
      iterations += n.isBlank() ? 0 : Long.parseLong(n.trim());
    }
    long readerCpu = cpu(mx, readerIds) - cpuStart;
    long read = fan.received() - readStart;
    long batches = metrics.count("vigil.fanotify.reads", "sensor", "kernel.fanotify") - batchStart;
    long overflows = metrics.count("vigil.sensor.overflow", "sensor", "kernel.fanotify");
    long unreadable = metrics.count("vigil.sensor.unreadable", "sensor", "kernel.fanotify");
    double seconds = (endNanos - startNanos) / 1e9;
    System.out.printf("fanotify intake: %d reader(s) at nice %d, remember paths %b, unlimited queue %b, %d loops,"
            + " %d cat runs (~%d file reads), %d FileOpen events received; busy window %.1f s avg %.0f events/s,"
            + " peak %d events/s (250 ms windows), slowest second %d events/s; kernel events read %d in %d reads; reader CPU %.2f us/event"
            + " (one core sustains ~%.0f events/s); overflows %d, unreadable %d, notices %s; load %s%n", readers,
        nice, remember, unlimited, loops, iterations, iterations * 2000, total, seconds,
        (total - Math.max(startOpens, 0)) / seconds, peak, minRate == Long.MAX_VALUE ? 0 : minRate, read, batches,
        readerCpu / 1e3 / Math.max(read, 1), read * 1e9 / Math.max(readerCpu, 1), overflows, unreadable,
        notices.stream().map(n -> n.what() + "=" + n.count()).toList(), loadAverage());

    assertThat(total).isPositive();
    assertThat(notices.stream().filter(n -> n.what().equals("overflow")).mapToLong(SensorNotice::count).sum())
        .as("every overflow is surfaced").isEqualTo(overflows);
    assertThat(notices.stream().filter(n -> n.what().equals("unreadable")).mapToLong(SensorNotice::count).sum())
        .as("every unreadable event is surfaced").isEqualTo(unreadable);
    // Other containers on the host may start and stop meanwhile (a "degraded" notice of theirs is theirs).
    assertThat(notices).filteredOn(n -> !n.what().equals("degraded"))
        .allMatch(n -> n.container().equals(ContainerRef.HOST));
  }

  private static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static long cpu(java.lang.management.ThreadMXBean mx, long[] ids) {
    long sum = 0;
    for (long id : ids) {
      sum += Math.max(0, mx.getThreadCpuTime(id));
    }
    return sum;
  }

  private static boolean inA(FileOpen f, String idA) {
    return f.container().id().equals(idA);
  }

  private static String hex(long device) {
    return Long.toHexString(FanotifyGroup.kernelDev(device));
  }

  private static List<String> watchedIds(FanotifyFileSensor fan) {
    return fan.watched().stream().map(ContainerRef::id).toList();
  }

  private static List<FileOpen> fileOpens(Queue<Event> events) {
    return events.stream().filter(FileOpen.class::isInstance).map(FileOpen.class::cast).toList();
  }

  private static FileOpen await(Queue<Event> events, Predicate<FileOpen> match) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      for (FileOpen f : fileOpens(events)) {
        if (match.test(f)) {
          return f;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching FileOpen within 15 s; got " + fileOpens(events).stream()
        .map(f -> f.container().name() + ":" + f.mode() + ":" + f.path() + ":" + f.procName()).toList());
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < end) {
      if (done.getAsBoolean()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not within 15 s: " + what);
  }

  private static String docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out.trim();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
