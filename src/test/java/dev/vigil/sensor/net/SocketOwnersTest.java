package dev.vigil.sensor.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketOwnersTest {

  @TempDir
  Path dir;

  @Test
  void resolve_findsOwnersInTheInitProcessesNamespaceOnly() {
    FakeProc proc = new FakeProc(dir)
        .process(100, "sh", 4026532001L)
        .process(120, "nc", 4026532001L, 187273)
        .process(130, "nc", 4026532001L, 188278, 999)
        .process(200, "other", 4026532002L, 555)
        .process(1, "systemd", 4026531992L, 188278);
    SocketOwners owners = new SocketOwners(proc.root, 100);

    Map<Long, SocketOwners.Owner> found = owners.resolve(Set.of(187273L, 188278L, 555L, 0L));

    assertThat(found).containsOnly(Map.entry(187273L, new SocketOwners.Owner(120, "nc")),
        Map.entry(188278L, new SocketOwners.Owner(130, "nc")));
    assertThat(owners.rescans()).isEqualTo(1);
  }

  @Test
  void resolve_usesKnownMembersFirst_rescansOnlyForUnknownInodes() {
    FakeProc proc = new FakeProc(dir).process(100, "sh", 7).process(120, "nc", 7, 11);
    SocketOwners owners = new SocketOwners(proc.root, 100);
    assertThat(owners.resolve(Set.of(11L))).containsKey(11L);
    assertThat(owners.rescans()).isEqualTo(1);

    assertThat(owners.resolve(Set.of(11L))).containsKey(11L);
    assertThat(owners.rescans()).isEqualTo(1);

    proc.process(140, "wget", 7, 12);
    assertThat(owners.resolve(Set.of(12L))).containsEntry(12L, new SocketOwners.Owner(140, "wget"));
    assertThat(owners.rescans()).isEqualTo(2);
  }

  @Test
  void resolve_sharedSocketGoesToTheLowestPid_andEmptyAskDoesNoWork() {
    FakeProc proc = new FakeProc(dir).process(300, "worker", 7, 42).process(100, "master", 7, 42);
    SocketOwners owners = new SocketOwners(proc.root, 100);
    assertThat(owners.resolve(Set.of(42L))).containsEntry(42L, new SocketOwners.Owner(100, "master"));
    long fds = owners.fdsRead();
    assertThat(owners.resolve(Set.of(0L))).isEmpty();
    assertThat(owners.fdsRead()).isEqualTo(fds);
  }

  @Test
  void resolve_initProcessGone_findsNothing() {
    FakeProc proc = new FakeProc(dir).process(120, "nc", 7, 11);
    assertThat(new SocketOwners(proc.root, 100).resolve(Set.of(11L))).isEmpty();
  }
}
