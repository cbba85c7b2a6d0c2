package dev.vigil.rules;

import static dev.vigil.rules.DefaultRulesFixture.WEB;
import static dev.vigil.rules.DefaultRulesFixture.assertFires;
import static dev.vigil.rules.DefaultRulesFixture.assertQuiet;
import static dev.vigil.rules.DefaultRulesFixture.assertQuietOnHost;
import static dev.vigil.rules.DefaultRulesFixture.config;
import static dev.vigil.rules.DefaultRulesFixture.lifecycle;
import static dev.vigil.rules.DefaultRulesFixture.names;
import static dev.vigil.rules.DefaultRulesFixture.run;
import static dev.vigil.rules.DefaultRulesFixture.started;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.event.ContainerInfo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The container-configuration rules (source docker): ContainerLifecycle "start" with the inventory's record. */
class DefaultRulesContainerTest {

  static final String PRIVILEGED = "Privileged container started";
  static final String DOCKER_SOCKET = "Container with Docker socket mounted";
  static final String SENSITIVE_MOUNT = "Container with sensitive host mount";
  static final String HOST_NAMESPACES = "Container sharing host namespaces";
  static final String DANGEROUS_CAPS = "Container with dangerous capabilities";
  static final String NO_SECCOMP = "Container with seccomp or AppArmor disabled";

  static final List<String> CONFIGURATION_RULES =
      List.of(PRIVILEGED, DOCKER_SOCKET, SENSITIVE_MOUNT, HOST_NAMESPACES, DANGEROUS_CAPS, NO_SECCOMP);

  static Stream<Arguments> positives() {
    return Stream.of(
        config().privileged().starts(PRIVILEGED).args("--privileged"),
        config().bind("/var/run/docker.sock", "/var/run/docker.sock").starts(DOCKER_SOCKET)
            .args("-v /var/run/docker.sock:/var/run/docker.sock"),
        config().bind("/run/containerd/containerd.sock", "/containerd.sock").starts(DOCKER_SOCKET)
            .args("containerd socket"),
        config().bind("/srv/sockets/engine.sock", "/run/docker.sock").starts(DOCKER_SOCKET)
            .args("something mounted at /run/docker.sock"),
        config().bind("/", "/host").starts(SENSITIVE_MOUNT).args("-v /:/host"),
        config().bind("/etc", "/host-etc").starts(SENSITIVE_MOUNT).args("-v /etc:/host-etc"),
        config().bind("/var/lib/docker", "/docker").starts(SENSITIVE_MOUNT).args("-v /var/lib/docker"),
        config().namespace("pid", "host").starts(HOST_NAMESPACES).args("--pid=host"),
        config().namespace("network", "host").starts(HOST_NAMESPACES).args("--network=host"),
        config().namespace("ipc", "host").starts(HOST_NAMESPACES).args("--ipc=host"),
        config().namespace("uts", "host").starts(HOST_NAMESPACES).args("--uts=host"),
        config().capAdd("CAP_SYS_ADMIN").starts(DANGEROUS_CAPS).args("--cap-add CAP_SYS_ADMIN"),
        config().capAdd("NET_BIND_SERVICE", "SYS_PTRACE").starts(DANGEROUS_CAPS).args("--cap-add SYS_PTRACE"),
        config().capAdd("ALL").starts(DANGEROUS_CAPS).args("--cap-add ALL"),
        config().securityOpt("seccomp=unconfined").starts(NO_SECCOMP).args("seccomp=unconfined"),
        config().securityOpt("no-new-privileges:true", "apparmor:unconfined").starts(NO_SECCOMP)
            .args("apparmor:unconfined"));
  }

  static Stream<Arguments> benign() {
    return Stream.of(
        config().capAdd("NET_BIND_SERVICE").starts(PRIVILEGED).args("not privileged"),
        new DefaultRulesFixture.Case(PRIVILEGED, lifecycle("die"), config().privileged().build(WEB))
            .args("a privileged container dying"),
        config().volume("shop-data", "/var/lib/postgresql/data").starts(DOCKER_SOCKET).args("named volume"),
        config().bind("/var/run/app.sock", "/var/run/app.sock").starts(DOCKER_SOCKET).args("another socket"),
        config().volume("docker-sock-notes", "/docs").starts(DOCKER_SOCKET).args("volume named after docker"),
        config().volume("shop-data", "/data").starts(SENSITIVE_MOUNT).args("volume below /var/lib/docker"),
        config().bind("/home/dev/shop", "/app").starts(SENSITIVE_MOUNT).args("project below /home"),
        config().bind("/srv/etc", "/etc/app").starts(SENSITIVE_MOUNT).args("mounted onto /etc/app"),
        config().namespace("network", "shop_backend").namespace("pid", "container:abc").starts(HOST_NAMESPACES)
            .args("user network and shared pid"),
        config().namespace("network", "none").starts(HOST_NAMESPACES).args("--network none"),
        config().capAdd("CAP_NET_BIND_SERVICE", "CHOWN").starts(DANGEROUS_CAPS).args("harmless capabilities"),
        config().securityOpt("no-new-privileges:true", "seccomp=/etc/docker/seccomp.json").starts(NO_SECCOMP)
            .args("custom seccomp profile"),
        config().securityOpt("apparmor=docker-default").starts(NO_SECCOMP).args("apparmor default"));
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
  void hostEvent_firesNoRule(String rule, DefaultRulesFixture.Case c) {
    assertQuietOnHost(c);
  }

  @Test
  void plainContainer_firesNoConfigurationRule() {
    ContainerInfo plain = config().build(WEB);
    assertThat(names(DefaultRulesFixture.run(DefaultRulesFixture.ALL, started(), plain))).isEmpty();
  }

  @Test
  void plainContainerWithTypicalMounts_firesNoConfigurationRule() {
    ContainerInfo typical = config().volume("shop-data", "/data").bind("/home/dev/shop", "/app")
        .bind("/srv/shop/config.yaml", "/etc/shop/config.yaml").capAdd("NET_BIND_SERVICE")
        .securityOpt("no-new-privileges:true").build(WEB);
    assertThat(names(DefaultRulesFixture.run(DefaultRulesFixture.ALL, started(), typical))).isEmpty();
  }

  @Test
  void everyConfigurationRule_isCoveredByAPositiveCase() {
    assertThat(positives().map(a -> (String) a.get()[0]).distinct().toList())
        .containsExactlyInAnyOrderElementsOf(CONFIGURATION_RULES);
  }

  @Test
  void startOfAnUnknownContainer_firesNothing() {
    assertThat(names(DefaultRulesFixture.run(DefaultRulesFixture.ALL, started(), null))).isEmpty();
  }

  @Test
  void everythingAtOnce_firesEachConfigurationRuleOnce() {
    ContainerInfo worst = config().privileged().bind("/var/run/docker.sock", "/var/run/docker.sock")
        .bind("/", "/host").namespace("pid", "host").capAdd("SYS_ADMIN").securityOpt("seccomp=unconfined")
        .build(WEB);
    assertThat(run(DefaultRulesFixture.ALL, started(), worst)).extracting(a -> a.rule())
        .containsExactlyInAnyOrderElementsOf(CONFIGURATION_RULES);
  }
}
