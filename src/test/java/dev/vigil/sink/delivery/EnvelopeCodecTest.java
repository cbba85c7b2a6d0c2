package dev.vigil.sink.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.alert.Alert;
import dev.vigil.alert.FalcoJson;
import dev.vigil.alert.Priority;
import dev.vigil.sink.TestAlerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

  @Test
  void roundTrip_keepsTheAlertExactly_soTheFalcoJsonIsIdentical() throws Exception {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("s", "line\nwith \u0000 controls and ünïcode");
    f.put("n", 42L);
    f.put("d", 1.5);
    f.put("b", false);
    f.put("nul", null);
    Alert a = new Alert(TestAlerts.T0, "Rule \"quoted\"", Priority.EMERGENCY, "out <&> \u001b[0m", "log",
        List.of("a", "b"), "h", f);
    Envelope e = EnvelopeCodec.decode(EnvelopeCodec.encode(new Envelope("the-id", a)));
    assertThat(e.id()).isEqualTo("the-id");
    assertThat(e.alert()).isEqualTo(a.withId("the-id")); // the alert carries its envelope's id
    assertThat(FalcoJson.toJson(e.alert())).isEqualTo(FalcoJson.toJson(a.withId("the-id")))
        .contains("\"uuid\":\"the-id\"");
  }

  @Test
  void garbage_isAnIOException() {
    assertThatThrownBy(() -> EnvelopeCodec.decode("[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> EnvelopeCodec.decode("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> EnvelopeCodec.decode(
        "{\"id\":\"x\",\"rule\":\"r\",\"priority\":\"LOUD\",\"output\":\"o\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }
}
