package dev.vigil.sensor.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.sensor.LibC;
import org.junit.jupiter.api.Test;

/** What the connector's errors say: the reason a user reads in `vigil status` when kernel.proc cannot run. */
class NetlinkProcConnectorErrnoTest {

  @Test
  void refusedOutsideTheHostsNetworkNamespace_saysSoAndWhatToDo() {
    assertThat(NetlinkProcConnector.errno(LibC.ECONNREFUSED)).startsWith("ECONNREFUSED")
        .contains("host's network namespace").contains("--network host");
  }

  @Test
  void permissionErrors_nameTheCapability_othersTheirNumber() {
    assertThat(NetlinkProcConnector.errno(LibC.EPERM)).isEqualTo("EPERM (needs CAP_NET_ADMIN)");
    assertThat(NetlinkProcConnector.errno(LibC.EACCES)).isEqualTo("EACCES (needs CAP_NET_ADMIN)");
    assertThat(NetlinkProcConnector.errno(LibC.EINVAL)).isEqualTo("errno 22");
  }
}
