package dev.vigil.detect.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.common.Metrics;
import dev.vigil.detect.Detector;
import dev.vigil.engine.DetectorEngine;
import dev.vigil.event.ContainerDirectory;
import dev.vigil.event.ContainerRef;
import dev.vigil.event.ExecOrigin;
import dev.vigil.event.ProcessExec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BehaviourDetectorsTest {

  private static final ContainerDirectory EMPTY = ContainerDirectory.of(java.util.Map.of());

  private static List<String> names(BehaviourConfig cfg) {
    return BehaviourDetectors.create(cfg, EMPTY, Metrics.inMemory()).stream().map(Detector::name).toList();
  }

  @Test
  void defaults_enableEveryDetector_inAFixedOrder() {
    assertThat(names(BehaviourConfig.defaults())).containsExactly("port_scan", "crypto_mining", "egress_spike",
        "process_count_spike", "exec_rate_spike", "new_listen_port");
  }

  @Test
  void disabledSections_andTheMasterSwitch() {
    BehaviourConfig some = new BehaviourConfig(null, null, null, null, null, PortScanConfig.disabled(),
        CryptoMiningConfig.disabled(), SpikeConfig.egressDefaults().withEnabled(false), null, null,
        NewListenPortConfig.disabled());
    assertThat(names(some)).containsExactly("process_count_spike", "exec_rate_spike");
    BehaviourConfig off = new BehaviourConfig(false, null, null, null, null, null, null, null, null, null, null);
    assertThat(names(off)).isEmpty();
  }

  @Test
  void alertsGoThroughTheEngine_inFalcosShape() throws Exception {
    DetectorEngine engine = new DetectorEngine(BehaviourDetectors.create(BehaviourConfig.defaults(), EMPTY,
        Metrics.inMemory()));
    ContainerRef c = new ContainerRef("c".repeat(64), "victim", "nginx", "1.27", "");
    List<Alert> alerts = new ArrayList<>();
    Instant t = Instant.parse("2026-03-01T10:00:00Z");
    engine.process(new ProcessExec(t, c, "kernel.proc", 10, 1, "xmrig", "/tmp/xmrig",
        List.of("/tmp/xmrig", "-o", "stratum+tcp://p:3333"), 0, "root", "", ExecOrigin.DOCKER_EXEC, ""),
        new dev.vigil.alert.AlertStamp("node-1", alerts::add)); // the output stage names the host
    assertThat(engine.failures()).isZero();
    assertThat(alerts).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(FalcoJson.toJson(alerts.get(0)));
    assertThat(json.path("rule").asText()).isEqualTo("Crypto-mining behaviour in container");
    assertThat(json.path("priority").asText()).isEqualTo("Critical");
    assertThat(json.path("source").asText()).isEqualTo("vigil");
    assertThat(json.path("hostname").asText()).isEqualTo("node-1");
    assertThat(json.path("tags").toString()).contains("T1496");
    JsonNode fields = json.path("output_fields");
    assertThat(fields.path("evt.type").asText()).isEqualTo("detector");
    assertThat(fields.path("container.id").asText()).isEqualTo("cccccccccccc");
    assertThat(fields.path("container.image.repository").asText()).isEqualTo("nginx");
    assertThat(fields.path("vigil.mining.evidence").asText()).isEqualTo("miner_name,pool_arguments");
    assertThat(json.path("time").asText()).startsWith("2026-03-01T10:00:00");
  }
}
