package dev.vigil.sensor.net;

import dev.vigil.sensor.ProcNetSamples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake {@code /proc} tree in a temporary directory: processes with a netns link, comm, socket fds and tables. */
final class FakeProc {

  final Path root;

  FakeProc(Path root) {
    this.root = root;
  }

  /** Adds a process in network namespace {@code netns} (e.g. 4026532001) holding the given socket inodes. */
  FakeProc process(long pid, String comm, long netns, long... socketInodes) {
    try {
      Path p = root.resolve(Long.toString(pid));
      Files.createDirectories(p.resolve("ns"));
      Files.createDirectories(p.resolve("fd"));
      Files.createDirectories(p.resolve("net"));
      Files.createSymbolicLink(p.resolve("ns").resolve("net"), Path.of("net:[" + netns + "]"));
      Files.writeString(p.resolve("comm"), comm + "\n");
      Files.createSymbolicLink(p.resolve("fd").resolve("0"), Path.of("anon_inode:[eventfd]"));
      Files.createSymbolicLink(p.resolve("fd").resolve("1"), Path.of("pipe:[77]"));
      int fd = 3;
      for (long inode : socketInodes) {
        Files.createSymbolicLink(p.resolve("fd").resolve(Integer.toString(fd++)), Path.of("socket:[" + inode + "]"));
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code /proc/<pid>/net/<name>}. */
  FakeProc file(long pid, String name, String text) {
    try {
      Files.writeString(root.resolve(Long.toString(pid)).resolve("net").resolve(name), text,
          StandardCharsets.US_ASCII);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the four tables (header plus the given lines) and the snmp counters of {@code pid}. */
  FakeProc tables(long pid, String tcp, String tcp6, String udp, String udp6, long activeOpens, long attemptFails,
      long passiveOpens) {
    file(pid, "tcp", ProcNetSamples.TCP_HEADER + "\n" + tcp);
    file(pid, "tcp6", ProcNetSamples.TCP6_HEADER + "\n" + tcp6);
    file(pid, "udp", ProcNetSamples.UDP_HEADER + "\n" + udp);
    file(pid, "udp6", ProcNetSamples.TCP6_HEADER + "\n" + udp6);
    file(pid, "sockstat", "sockets: used 9\nTCP: inuse " + tcp.lines().count() + " orphan 0 tw 0 alloc 9 mem 1\n"
        + "UDP: inuse 0 mem 0\n");
    file(pid, "sockstat6", "TCP6: inuse " + tcp6.lines().count() + "\nUDP6: inuse 0\n");
    return file(pid, "snmp", "Tcp: RtoAlgorithm ActiveOpens PassiveOpens AttemptFails EstabResets\nTcp: 1 "
        + activeOpens + " " + passiveOpens + " " + attemptFails + " 0\nUdp: InDatagrams OutDatagrams\nUdp: 0 0\n");
  }

  void kill(long pid) {
    try (var walk = Files.walk(root.resolve(Long.toString(pid)))) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
