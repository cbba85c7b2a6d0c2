package dev.vigil.sensor.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DockerEventsSensorTest {

  @Test
  void formatSince_zeroPadsNanos() {
    assertThat(DockerEventsSensor.formatSince(1_795_941_481_000_000_005L)).isEqualTo("1795941481.000000005");
  }

  @Test
  void formatSince_fullNanos() {
    assertThat(DockerEventsSensor.formatSince(1_795_941_481_123_456_789L)).isEqualTo("1795941481.123456789");
  }

  @Test
  void formatSince_wholeSecond() {
    assertThat(DockerEventsSensor.formatSince(1_795_941_481_000_000_000L)).isEqualTo("1795941481.000000000");
  }

  @Test
  void healthcheckCommand_cmdShell_runsViaBinShDashC() {
    assertThat(DockerEventsSensor.healthcheckCommand(List.of("CMD-SHELL", "wget -q -O- http://127.0.0.1:1/ || true")))
        .isEqualTo("/bin/sh -c wget -q -O- http://127.0.0.1:1/ || true");
  }

  @Test
  void healthcheckCommand_cmd_joinsArgumentsAsGiven() {
    assertThat(DockerEventsSensor.healthcheckCommand(List.of("CMD", "/bin/true", "--probe", "x")))
        .isEqualTo("/bin/true --probe x");
  }

  @Test
  void healthcheckCommand_noneOrEmpty_isEmpty() {
    assertThat(DockerEventsSensor.healthcheckCommand(List.of("NONE"))).isEmpty();
    assertThat(DockerEventsSensor.healthcheckCommand(List.of())).isEmpty();
  }
}
