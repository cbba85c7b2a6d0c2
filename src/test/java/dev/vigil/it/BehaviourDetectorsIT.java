package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The behavioural detectors against real containers, with their default configuration: a port scan made of a
 * {@code nc} loop (no nmap), a CPU burner started in an idle container, a bulk transfer to a sibling on an internal
 * network, a new listener; and the look-alikes that must stay quiet over the whole run (more than three minutes): a
 * batch job burning CPU from its first second and a steady workload that connects, sends and starts processes every
 * second. All containers start together so their learning periods (60 s for CPU and egress, 2 min for listeners)
 * overlap; the tests run in order against one clock. Needs the detectors wired into {@code vigil monitor} and the
 * kernel sensors (run as root). CPU burners are capped at half a CPU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BehaviourDetectorsIT {

  private static final Set<String> BEHAVIOUR_RULES = Set.of("Port scan from container",
      "Crypto-mining behaviour in container", "Egress spike from container", "Process count spike in container",
      "Exec rate spike in container", "New listening port in container");

  private Agent agent;
  private long t0;
  private String net;
  private String scanner;
  private String idle;
  private String batch;
  private String sender;
  private String receiver;
  private String steady;
  private String listener;

  @BeforeAll
  void start() throws Exception {
    DockerCli.requireEngineAndImages();
    agent = Agent.start("monitor").awaitReady(Duration.ofSeconds(30));
    net = DockerCli.uniqueName("bd-net");
    DockerCli.ok("network", "create", "--internal", net);
    scanner = DockerCli.uniqueName("bd-scan");
    idle = DockerCli.uniqueName("bd-idle");
    batch = DockerCli.uniqueName("bd-batch");
    listener = DockerCli.uniqueName("bd-listen");
    receiver = DockerCli.uniqueName("bd-recv");
    sender = DockerCli.uniqueName("bd-send");
    steady = DockerCli.uniqueName("bd-steady");
    t0 = System.nanoTime();
    DockerCli.runShell(scanner, "sleep 600", "--stop-timeout", "1");
    DockerCli.runShell(idle, "sleep 600", "--stop-timeout", "1", "--cpus", "0.5");
    DockerCli.runShell(batch, "md5sum /dev/zero", "--stop-timeout", "1", "--cpus", "0.5");
    DockerCli.runShell(listener, "sleep 600", "--stop-timeout", "1");
    // a web server for the steady workload, then one bulk sink (its stdin kept open: busybox nc closes on stdin EOF)
    onNet(receiver, "httpd -p 8080 -h /www; sleep 100000 | nc -l -p 9000 > /dev/null; sleep 600");
    onNet(sender, "sleep 600");
    // steady from its first second: an HTTP request, a refused connect and a few execs every second
    onNet(steady, "while true; do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc " + receiver
        + " 8080 > /dev/null; nc -w 1 " + receiver + " 9001 </dev/null; date > /tmp/now; sleep 1; done");
  }

  private void onNet(String name, String script) {
    DockerCli.ok("run", "-d", "--name", name, "--network", net, "--stop-timeout", "1", DockerCli.BUSYBOX, "sh",
        "-c", script);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (agent != null) {
        assertThat(agent.isAlive()).isTrue();
        agent.stop();
      }
    } finally {
      // only this class's containers: other test classes may be running theirs
      for (String c : new String[] {scanner, idle, batch, listener, receiver, sender, steady}) {
        if (c != null) {
          DockerCli.exec("rm", "-f", c);
        }
      }
      if (net != null) {
        DockerCli.exec("network", "rm", net);
      }
    }
  }

  /** Sleeps until {@code seconds} after the containers started. */
  private void at(long seconds) throws InterruptedException {
    long wait = t0 + Duration.ofSeconds(seconds).toNanos() - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
  }

  @Test
  @Order(1)
  void ncLoopOverItsOwnLoopback_isAPortScan() throws Exception {
    DockerCli.ok("exec", scanner, "sh", "-c",
        "for p in $(seq 1 300); do nc -w 1 127.0.0.1 $p </dev/null; done; true");
    JsonNode a = agent.awaitAlert(Agent.rule("Port scan from container", scanner), Duration.ofSeconds(30));
    JsonNode f = a.path("output_fields");
    assertThat(f.path("vigil.scan.ports").asInt() >= 40 || f.path("vigil.scan.failed_attempts").asInt() >= 150)
        .as(a.toString()).isTrue();
    assertThat(a.path("source").asText()).isEqualTo("vigil");
    assertThat(a.path("tags").toString()).contains("T1046");
    Thread.sleep(3000);
    assertThat(agent.alerts()).filteredOn(Agent.rule("Port scan from container", scanner)::test).hasSize(1);
  }

  @Test
  @Order(2)
  void cpuBurnerStartedInAnIdleContainer_isMining() throws Exception {
    at(70); // past the 60 s learning period
    DockerCli.ok("exec", "-d", idle, "md5sum", "/dev/zero");
    JsonNode a = agent.awaitAlert(Agent.rule("Crypto-mining behaviour in container", idle), Duration.ofSeconds(75));
    assertThat(a.path("output_fields").path("vigil.mining.evidence").asText()).isEqualTo("cpu_above_baseline");
    assertThat(a.path("output_fields").path("vigil.cpu.reference_cores").asDouble()).isEqualTo(0.5);
    assertThat(a.path("tags").toString()).contains("T1496");
    Thread.sleep(10_000); // still burning: the same episode
    assertThat(agent.alerts()).filteredOn(Agent.rule("Crypto-mining behaviour in container", idle)::test)
        .hasSize(1);
    DockerCli.exec("exec", idle, "pkill", "md5sum");
  }

  @Test
  @Order(3)
  void bulkTransferToASibling_isAnEgressSpike() throws Exception {
    at(75);
    DockerCli.ok("exec", sender, "sh", "-c", "dd if=/dev/zero bs=1M count=400 2>/dev/null | nc " + receiver
        + " 9000; true");
    JsonNode a = agent.awaitAlert(Agent.rule("Egress spike from container", sender), Duration.ofSeconds(30));
    assertThat(a.path("output_fields").path("vigil.net.tx_rate").asLong()).isGreaterThanOrEqualTo(10_000_000L);
    assertThat(a.path("tags").toString()).contains("T1048");
  }

  @Test
  @Order(4)
  void listenerOpenedAfterTheLearningPeriod_isANewListeningPort() throws Exception {
    at(130); // past the 2 min learning period
    DockerCli.ok("exec", "-d", listener, "nc", "-l", "-p", "4444");
    JsonNode a = agent.awaitAlert(Agent.rule("New listening port in container", listener), Duration.ofSeconds(20));
    assertThat(a.path("output_fields").path("fd.lport").asInt()).isEqualTo(4444);
  }

  @Test
  @Order(5)
  void batchJobAndSteadyWorkload_stayQuietForMinutes() throws Exception {
    at(200);
    assertThat(DockerCli.ok("inspect", "--format", "{{.State.Running}}", batch)).isEqualTo("true");
    List<JsonNode> all = agent.alerts();
    for (String quiet : List.of(batch, steady, receiver)) {
      assertThat(all).as("behaviour alerts of " + quiet)
          .noneMatch(a -> BEHAVIOUR_RULES.contains(a.path("rule").asText())
              && quiet.equals(a.path("output_fields").path("container.name").asText()));
    }
    // the CPU burner raised what its scenario staged, nothing else of the behavioural kind
    assertThat(all).filteredOn(a -> BEHAVIOUR_RULES.contains(a.path("rule").asText())
        && idle.equals(a.path("output_fields").path("container.name").asText()))
        .extracting(a -> a.path("rule").asText()).allMatch("Crypto-mining behaviour in container"::equals);
  }
}
