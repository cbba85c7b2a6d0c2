package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfContainerTest {

  private static final String ID = "3f4e1b2c".repeat(8);

  /** Three lines of a container's mountinfo under a private cgroup namespace: the engine's bind mounts name it. */
  private static final String MOUNTINFO = """
      812 753 0:52 / / rw,relatime master:400 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC
      830 812 8:1 /var/lib/docker/containers/%s/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw
      831 812 8:1 /var/lib/docker/containers/%s/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw
      """.formatted(ID, ID);

  @Test
  void theCgroupPathNamesTheContainer_whenTheCgroupNamespaceIsTheHosts(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), "12:pids:/docker/" + ID + "\n0::/docker/" + ID + "\n");
    Files.writeString(proc.resolve("self/mountinfo"), "");
    assertThat(SelfContainer.id(proc)).contains(ID);
  }

  @Test
  void theEnginesBindMountsNameIt_underAPrivateCgroupNamespace(@TempDir Path proc) throws Exception {
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), "0::/\n");
    Files.writeString(proc.resolve("self/mountinfo"), MOUNTINFO);
    assertThat(SelfContainer.id(proc)).contains(ID);
  }

  @Test
  void onTheHost_orWithNothingReadable_thereIsNone(@TempDir Path proc) throws Exception {
    assertThat(SelfContainer.id(proc)).isEmpty();
    Files.createDirectories(proc.resolve("self"));
    Files.writeString(proc.resolve("self/cgroup"), "0::/user.slice/user-0.slice/session-1.scope\n");
    Files.writeString(proc.resolve("self/mountinfo"),
        "25 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
            + "40 25 8:1 /var/lib/docker/containers/notanid/hostname /x rw - ext4 /dev/sda1 rw\n");
    assertThat(SelfContainer.id(proc)).isEmpty();
  }
}
